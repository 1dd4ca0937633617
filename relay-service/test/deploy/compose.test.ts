// docker-compose.yml, the Dockerfile and .dockerignore, checked without
// Docker: the Compose file against the Compose Specification's JSON Schema
// (vendored, see compose-spec.SOURCE.md), and everything it refers to against
// the repository: mounted paths, build context, image tags, service names and
// ports, and the relay-service configuration each Shotline service gets
// (validated by the service's own config loader, so a renamed or mistyped
// variable fails here, not at `docker compose up`).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { matchesGlob, posix } from 'node:path';
import { describe, test } from 'node:test';
import { Ajv } from 'ajv';
import { loadConfig, VARIABLES } from '../../src/config.ts';
import { parseSetupCli } from '../../src/setup/main.ts';
import { parseCli as parseSimulatorCli } from '../../src/simulator/main.ts';
import { composeVariables, interpolateDefaults, PLUGIN_DIR, readYaml, rootPath } from './repo.ts';

const COMPOSE_FILE = rootPath('docker-compose.yml');
const compose = readYaml(COMPOSE_FILE);
const services: Record<string, any> = compose.services;
const PLUGIN_DIST = 'grafana-plugins/shotline-app/dist';
/** The relay-service image's working directory (Dockerfile WORKDIR), where `node src/…` runs. */
const IMAGE_WORKDIR = 'relay-service';
const CONFIG_ENV = new Set(Object.values(VARIABLES).map((v) => v.env));

const isShotline = (s: any) => s.build !== undefined || String(s.image ?? '').startsWith('shotline/');
const shotlineServices = Object.entries(services).filter(([, s]) => isShotline(s));

/** A service's environment as the container gets it with nothing set on the host (defaults of `${VAR:-x}` used). */
function environment(service: any): Record<string, string> {
  const env = service.environment ?? {};
  const pairs: [string, unknown][] = Array.isArray(env) ? env.map((e: string) => e.split(/=(.*)/s, 2) as [string, string]) : Object.entries(env);
  return Object.fromEntries(pairs.map(([k, v]) => [k, v === null || v === undefined ? '' : interpolateDefaults(String(v))]));
}

function command(service: any): string[] {
  const c = service.command;
  if (c === undefined) return [];
  return (Array.isArray(c) ? c : String(c).split(/\s+/)).map((a: unknown) => interpolateDefaults(String(a)));
}

/** host:port of a URL or address list item */
function hostPort(address: string): { host: string; port: number } {
  const m = /^(?:[A-Za-z+]+:\/\/)?([^/:?#]+):(\d+)/.exec(address);
  assert.ok(m, `not host:port: ${address}`);
  return { host: m[1]!, port: Number(m[2]) };
}

/** The vendored Compose Specification schema, compiled. */
function composeSchema() {
  const { $schema, ...schema } = JSON.parse(readFileSync(new URL('./compose-spec.schema.json', import.meta.url), 'utf8'));
  // It names draft-07 by an https URL ajv does not register; ajv's default draft is draft-07.
  assert.match($schema, /json-schema\.org\/draft-07\/schema/);
  // strict off: the schema uses annotation keywords (deprecated, …) that ajv does not know.
  return new Ajv({ allErrors: true, strict: false }).compile(schema);
}

describe('docker-compose.yml', () => {
  test('follows the Compose Specification (its JSON Schema)', () => {
    const validate = composeSchema();
    const ok = validate(compose);
    assert.ok(ok, `docker-compose.yml breaks the Compose Specification:\n${(validate.errors ?? []).map((e) => `  ${e.instancePath || '/'}: ${e.message} ${JSON.stringify(e.params)}`).join('\n')}`);
  });

  test('the schema check catches a broken file (it is not vacuous)', () => {
    const validate = composeSchema();
    assert.equal(validate({ services: { api: { image: 'x:1.0.0', restart: 'sometimes', healthcheck: { tests: [] } } } }), false);
    assert.equal(validate({ services: { api: { image: 'x:1.0.0', depends_on: { db: { condition: 'service_ready' } } } } }), false);
  });

  test('comes up with nothing set: every interpolated variable has a default', () => {
    const text = readFileSync(COMPOSE_FILE, 'utf8');
    const bare = composeVariables(text).filter((v) => !v.hasDefault && !v.required);
    assert.deepEqual(bare.map((v) => v.name), [], 'give these ${VAR:-default} (or write $$ for a literal $)');
  });

  test('every image is pinned to a version; built images name a tag that is not latest', () => {
    for (const [name, s] of Object.entries(services)) {
      assert.ok(s.image, `${name}: no image`);
      const [, repo, tag] = /^(.+?)(?::([^:/]+))?$/.exec(s.image)!;
      assert.ok(tag && tag !== 'latest', `${name}: image ${s.image} must name a tag other than latest`);
      if (s.build === undefined) assert.match(tag, /^\d+\.\d+\.\d+$/, `${name}: ${repo} must be pinned to an exact version (x.y.z), not ${tag}`);
    }
  });

  test('every build context and Dockerfile exists', () => {
    for (const [name, s] of Object.entries(services)) {
      if (s.build === undefined) continue;
      const context = typeof s.build === 'string' ? s.build : s.build.context;
      assert.ok(statSync(rootPath(context)).isDirectory(), `${name}: build context ${context} is not a directory`);
      const dockerfile = posix.join(context, s.build.dockerfile ?? 'Dockerfile');
      assert.ok(existsSync(rootPath(dockerfile)), `${name}: ${dockerfile} does not exist`);
    }
  });

  test('every bind-mounted path exists, except the plugin, which `npm run build` makes', () => {
    const binds: { service: string; source: string; target: string }[] = [];
    for (const [name, s] of Object.entries(services)) {
      for (const v of s.volumes ?? []) {
        if (typeof v === 'string') {
          const [source, target] = v.split(':');
          if (source!.startsWith('.') || source!.startsWith('/')) binds.push({ service: name, source: source!, target: target! });
        } else if (v.type === 'bind') binds.push({ service: name, source: v.source, target: v.target });
      }
    }
    assert.ok(binds.length > 0);
    for (const b of binds) {
      const rel = posix.normalize(b.source);
      assert.ok(!rel.startsWith('..') && !rel.startsWith('/'), `${b.service}: ${b.source} is outside the repository`);
      if (rel === PLUGIN_DIST) continue;
      assert.ok(existsSync(rootPath(rel)), `${b.service}: bind source ${b.source} does not exist`);
    }
    // The plugin is a build output: not in git, made by the plugin workspace's build script.
    const plugin = binds.find((b) => posix.normalize(b.source) === PLUGIN_DIST);
    assert.ok(plugin, `grafana must mount ./${PLUGIN_DIST}`);
    assert.equal(plugin.target, '/var/lib/grafana/plugins/shotline-shotline-app');
    const pkg = JSON.parse(readFileSync(rootPath('grafana-plugins/shotline-app/package.json'), 'utf8'));
    assert.ok(pkg.scripts?.build, 'the plugin workspace has a build script (npm run build at the root runs it)');
    execFileSync('git', ['check-ignore', '-q', `${PLUGIN_DIST}/module.js`], { cwd: rootPath() }); // throws when not ignored
  });

  test('a built plugin, when present, holds what Grafana loads: the app, the nested datasource and its backend binaries', (t) => {
    const dist = rootPath(PLUGIN_DIST);
    if (!existsSync(rootPath(PLUGIN_DIST, 'plugin.json'))) {
      t.skip(`${PLUGIN_DIST} is not built here (npm run build makes it)`);
      return;
    }
    assert.equal(JSON.parse(readFileSync(`${dist}/plugin.json`, 'utf8')).id, 'shotline-shotline-app');
    const ds = JSON.parse(readFileSync(`${dist}/datasource/plugin.json`, 'utf8'));
    assert.equal(ds.id, 'shotline-shotline-datasource');
    for (const arch of ['amd64', 'arm64']) assert.ok(existsSync(`${dist}/datasource/${ds.executable}_linux_${arch}`), `${ds.executable}_linux_${arch} missing in dist/datasource`);
  });

  test('named volumes are declared, and every declared one is used', () => {
    const declared = new Set(Object.keys(compose.volumes ?? {}));
    const used = new Set<string>();
    for (const [name, s] of Object.entries(services)) {
      for (const v of s.volumes ?? []) {
        const source = typeof v === 'string' ? v.split(':')[0]! : v.type === 'volume' ? v.source : undefined;
        if (!source || source.startsWith('.') || source.startsWith('/')) continue;
        assert.ok(declared.has(source), `${name}: volume ${source} is not declared under volumes:`);
        used.add(source);
      }
    }
    assert.deepEqual([...declared].filter((v) => !used.has(v)), [], 'declared but unused volumes');
  });

  test('depends_on names services, with healthchecks where it waits for health and one-shots where it waits for completion', () => {
    for (const [name, s] of Object.entries(services)) {
      const deps = s.depends_on ?? {};
      for (const [dep, spec] of Object.entries<any>(Array.isArray(deps) ? Object.fromEntries(deps.map((d: string) => [d, {}])) : deps)) {
        assert.ok(services[dep], `${name} depends on ${dep}, which is no service`);
        if (spec.condition === 'service_healthy') assert.ok(services[dep].healthcheck?.test, `${name} waits for ${dep} to be healthy, but ${dep} has no healthcheck`);
        if (spec.condition === 'service_completed_successfully') {
          assert.ok(['on-failure', 'no', undefined].includes(services[dep].restart?.split(':')[0]), `${name} waits for ${dep} to complete, but ${dep} restarts always (restart: ${services[dep].restart})`);
        }
      }
    }
  });

  test('every long-running service has a healthcheck', () => {
    for (const [name, s] of Object.entries(services)) {
      if (s.restart === 'on-failure' || s.restart === 'no') continue; // one-shot
      assert.ok(s.healthcheck?.test, `${name}: no healthcheck`);
    }
  });

  test('every Shotline service gets only configuration the relay-service reads, and that configuration loads', () => {
    assert.ok(shotlineServices.length >= 5, 'relay, watcher, api, laser, setup');
    const roles = new Set<string>();
    for (const [name, s] of shotlineServices) {
      const env = environment(s);
      const unknown = Object.keys(env).filter((k) => !CONFIG_ENV.has(k));
      assert.deepEqual(unknown, [], `${name}: not relay-service configuration (src/config.ts VARIABLES)`);
      const config = loadConfig(env); // throws ConfigError naming each bad variable
      const cmd = command(s);
      if (cmd.length === 0 || cmd.at(1) === 'src/main.ts') roles.add(config.role);
    }
    assert.deepEqual([...roles].sort(), ['api', 'relay', 'watcher'], 'the three roles, one service each');
  });

  test('commands run scripts that exist in the image, with flags their parsers accept', () => {
    for (const [name, s] of shotlineServices) {
      const cmd = command(s);
      if (cmd.length === 0) continue;
      assert.equal(cmd[0], 'node', `${name}: runs node`);
      assert.ok(existsSync(rootPath(IMAGE_WORKDIR, cmd[1]!)), `${name}: ${cmd[1]} does not exist in ${IMAGE_WORKDIR}/`);
      if (cmd[1] === 'src/simulator/main.ts') parseSimulatorCli(cmd.slice(2));
      if (cmd[1] === 'src/setup/main.ts') parseSetupCli(cmd.slice(2));
    }
  });

  test('addresses point at services and their ports: laser, Kafka, MongoDB, the API', () => {
    const roleOf = (svc: string) => environment(services[svc]).SHOTLINE_ROLE;
    const laser = Object.entries(services).find(([, s]) => command(s)[1] === 'src/simulator/main.ts');
    assert.ok(laser, 'a laser simulator service');
    const laserPort = hostPort(parseSimulatorCli(command(laser[1]).slice(2)).endpoint.replace('*', '0.0.0.0')).port;
    const kafkaPort = hostPort(environment(services.kafka).KAFKA_ADVERTISED_LISTENERS!).port;
    for (const [name, s] of shotlineServices) {
      const env = environment(s);
      if (env.SHOTLINE_ZMQ_ENDPOINTS) {
        for (const e of loadConfig(env).zmqEndpoints ?? []) assert.deepEqual(hostPort(e.endpoint), { host: laser[0], port: laserPort }, `${name}: SHOTLINE_ZMQ_ENDPOINTS`);
      }
      for (const b of loadConfig(env).kafkaBrokers ?? []) assert.deepEqual(hostPort(b), { host: 'kafka', port: kafkaPort }, `${name}: KAFKA_BROKERS`);
      if (env.MONGO_URL) assert.deepEqual(hostPort(env.MONGO_URL), { host: 'mongo', port: 27017 }, `${name}: MONGO_URL`);
    }
    const relayUrl = hostPort(environment(services.grafana).SHOTLINE_RELAY_URL!);
    assert.equal(roleOf(relayUrl.host), 'api', 'Grafana calls the api role');
    assert.equal(relayUrl.port, loadConfig(environment(services[relayUrl.host])).port);
  });

  test('Grafana may load exactly the Shotline plugin ids unsigned', () => {
    const allowed = environment(services.grafana).GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS!.split(',').sort();
    assert.deepEqual(allowed, ['shotline-shotentry-panel', 'shotline-shotline-app', 'shotline-shotline-datasource', 'shotline-triggermonitor-panel']);
  });
});

/** Whether `.dockerignore` keeps `path` out of the build context (the last matching pattern wins; a pattern matching a parent directory matches). */
function dockerignored(path: string, patterns: string[]): boolean {
  const prefixes = path.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/'));
  let ignored = false;
  for (const raw of patterns) {
    const exclude = raw.startsWith('!');
    const pattern = posix.normalize(exclude ? raw.slice(1) : raw).replace(/^\/+/, '');
    if (prefixes.some((p) => matchesGlob(p, pattern))) ignored = !exclude;
  }
  return ignored;
}

describe('Dockerfile', () => {
  const text = readFileSync(rootPath('Dockerfile'), 'utf8').replace(/\\\n/g, ' ');
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const ignore = readFileSync(rootPath('.dockerignore'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const args = Object.fromEntries(lines.filter((l) => l.startsWith('ARG ')).map((l) => l.slice(4).split('=', 2) as [string, string]));
  const copies = lines.filter((l) => l.startsWith('COPY ') && !l.includes('--from=')).map((l) => l.slice(5).trim().split(/\s+/).slice(0, -1));

  test('the base image is pinned to a Node 24 release', () => {
    const from = lines.filter((l) => l.startsWith('FROM ')).map((l) => l.split(/\s+/)[1]!.replace(/^\$\{(\w+)\}$/, (_, a) => args[a] ?? ''));
    assert.ok(from.length > 0);
    for (const image of from) assert.match(image, /^node:24\.\d+\.\d+-[a-z]+-slim$/);
  });

  test('what it copies exists and is not excluded by .dockerignore', () => {
    const sources = copies.flat();
    assert.ok(sources.includes('relay-service/src'), 'the relay-service sources');
    for (const s of sources) {
      assert.ok(existsSync(rootPath(s)), `COPY ${s}: does not exist`);
      assert.equal(dockerignored(s, ignore), false, `COPY ${s}: excluded by .dockerignore`);
    }
    for (const kept of ['node_modules', 'relay-service/node_modules', 'data', 'relay-service/test', '.git']) assert.equal(dockerignored(kept, ignore), true, `${kept} stays out of the build context`);
  });

  test("copies every workspace's package.json (the workspace tree the lockfile records)", () => {
    const sources = new Set(copies.flat());
    const { workspaces } = JSON.parse(readFileSync(rootPath('package.json'), 'utf8'));
    for (const w of workspaces as string[]) assert.ok(sources.has(`${w}/package.json`), `COPY ${w}/package.json missing`);
    assert.ok(sources.has('package-lock.json'));
    assert.match(text, /npm ci --omit=dev --workspace relay-service/);
  });

  test('its default command is the relay-service entry point', () => {
    const workdir = lines.filter((l) => l.startsWith('WORKDIR ')).at(-1)!.split(/\s+/)[1]!;
    assert.equal(workdir, `/app/${IMAGE_WORKDIR}`);
    const cmd = JSON.parse(lines.find((l) => l.startsWith('CMD '))!.slice(4));
    assert.deepEqual(cmd, ['node', 'src/main.ts']);
    assert.ok(existsSync(rootPath(IMAGE_WORKDIR, cmd[1]!)));
  });

  test('the plugin dir is the one the plugin workspace builds into', () => {
    assert.ok(existsSync(PLUGIN_DIR), 'grafana-plugins/shotline-app exists');
  });
});
