// The lab setup (src/setup/): the first admin token, Grafana's service token
// and the simulated laser's rule, on both stores; then the token it wrote is
// used against a real Shotline over HTTP, as Grafana's backend uses it.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pino from 'pino';
import { TokenService } from '../../src/auth/tokens.ts';
import { loadConfig } from '../../src/config.ts';
import { SettingsService } from '../../src/settings/service.ts';
import { GRAFANA_TOKEN_NAME, prepareLab } from '../../src/setup/lab-setup.ts';
import { parseSetupCli } from '../../src/setup/main.ts';
import { startShotline } from '../../src/shotline.ts';
import { openStore } from '../../src/store/index.ts';
import type { Store } from '../../src/store/types.ts';
import { ApiClient } from '../support/api.ts';
import { testBackends } from '../support/backends.ts';
import { freePort } from '../support/net.ts';

const logger = pino({ level: 'silent' });
const MAIN = fileURLToPath(new URL('../../src/setup/main.ts', import.meta.url));

for (const backend of testBackends('setup')) {
  describe(`lab setup on the ${backend.name}`, { skip: backend.skip }, () => {
    after(() => backend.cleanup());

    /** A fresh storage: its environment, an open store on it, a dir for the token file. */
    async function fresh(): Promise<{ env: Record<string, string>; store: Store; tokenFile: string }> {
      const env = await backend.env();
      const store = await openStore({ dataDir: join(env.SHOTLINE_DATA_DIR!, 'store'), logger, ...(env.MONGO_URL && { mongoUrl: env.MONGO_URL }) });
      return { env, store, tokenFile: join(env.SHOTLINE_DATA_DIR!, 'grafana-token') };
    }

    test('a fresh store: an admin token generated first, a service token for Grafana, the simulated laser armed', async () => {
      const { env, store, tokenFile } = await fresh();
      try {
        const dataDir = env.SHOTLINE_DATA_DIR!;
        const result = await prepareLab({ store, dataDir, grafanaTokenFile: tokenFile, armSimulator: true, logger });
        assert.equal(result.grafanaToken, 'issued');
        assert.equal(result.adminTokenFile, join(dataDir, 'admin-token'));
        const tokens = new TokenService(store);
        const admin = await tokens.verify((await readFile(result.adminTokenFile!, 'utf8')).trim());
        assert.equal(admin?.role, 'admin');
        const grafana = await tokens.verify((await readFile(tokenFile, 'utf8')).trim());
        assert.equal(grafana?.role, 'service');
        assert.equal(grafana?.name, GRAFANA_TOKEN_NAME);
        assert.equal((await stat(tokenFile)).mode & 0o777, 0o644, 'readable by the Grafana container (another user)');
        const settings = await new SettingsService(store).get();
        assert.deepEqual(settings.channels.energy_J?.rule, { kind: 'above', above: 1 });
        assert.equal(result.settingsVersion, settings.version);
      } finally {
        await store.close();
      }
    });

    test('run again: the working token is kept, nothing else changes', async () => {
      const { env, store, tokenFile } = await fresh();
      try {
        const options = { store, dataDir: env.SHOTLINE_DATA_DIR!, grafanaTokenFile: tokenFile, armSimulator: true, logger };
        const first = await prepareLab(options);
        const token = await readFile(tokenFile, 'utf8');
        const second = await prepareLab(options);
        assert.equal(second.grafanaToken, 'kept');
        assert.equal(second.adminTokenFile, null, 'no second admin token');
        assert.equal(second.revoked, 0);
        assert.equal(second.settingsVersion, first.settingsVersion, 'the rule is armed once');
        assert.equal(await readFile(tokenFile, 'utf8'), token);
        assert.equal((await new TokenService(store).list()).length, 2, 'one admin, one Grafana token');
      } finally {
        await store.close();
      }
    });

    test('a lost or revoked token is replaced, and the one before it revoked: one Grafana token works', async () => {
      const { env, store, tokenFile } = await fresh();
      try {
        const tokens = new TokenService(store);
        const options = { store, dataDir: env.SHOTLINE_DATA_DIR!, grafanaTokenFile: tokenFile, armSimulator: false, logger };
        await prepareLab(options);
        const lost = (await readFile(tokenFile, 'utf8')).trim();
        await rm(tokenFile);
        const replaced = await prepareLab(options);
        assert.equal(replaced.grafanaToken, 'issued');
        assert.equal(replaced.revoked, 1);
        assert.equal(await tokens.verify(lost), null, 'the lost token no longer works');
        const second = (await readFile(tokenFile, 'utf8')).trim();
        assert.equal((await tokens.verify(second))?.role, 'service');

        const doc = await tokens.verify(second);
        await tokens.revoke(doc!._id, 'admin');
        assert.equal((await prepareLab(options)).grafanaToken, 'issued');
        assert.equal((await tokens.verify((await readFile(tokenFile, 'utf8')).trim()))?.role, 'service');

        await writeFile(tokenFile, 'not-a-token-of-this-relay-at-all\n');
        assert.equal((await prepareLab(options)).grafanaToken, 'issued');
        const live = (await tokens.list()).filter((t) => t.name === GRAFANA_TOKEN_NAME);
        assert.equal(live.length, 1, 'exactly one Grafana token is valid');
      } finally {
        await store.close();
      }
    });

    test('SHOTLINE_ADMIN_TOKEN is stored instead of generating one; configured thresholds are left alone', async () => {
      const { env, store, tokenFile } = await fresh();
      try {
        const settings = new SettingsService(store);
        await settings.init();
        await settings.setChannel('pointing_x_urad', { rule: { kind: 'outside', low: -5, high: 5 } }, 'lab');
        const before = await settings.get();
        const adminToken = 'lab-chosen-admin-token-0123456789';
        const result = await prepareLab({ store, dataDir: env.SHOTLINE_DATA_DIR!, adminToken, grafanaTokenFile: tokenFile, armSimulator: true, logger });
        assert.equal(result.adminTokenFile, null);
        assert.equal((await new TokenService(store).verify(adminToken))?.role, 'admin');
        const after = await settings.get();
        assert.equal(after.version, before.version, 'a configured relay is not armed by the setup');
        assert.equal(after.channels.energy_J, undefined);
      } finally {
        await store.close();
      }
    });

    test("Grafana's token works against the API: a viewer without a user, acting for the Grafana user it names", async () => {
      const { env, store, tokenFile } = await fresh();
      await prepareLab({ store, dataDir: env.SHOTLINE_DATA_DIR!, grafanaTokenFile: tokenFile, armSimulator: true, logger });
      await store.close();
      const shotline = await startShotline(
        loadConfig({ SHOTLINE_PORT: '0', SHOTLINE_SIMULATOR: 'off', SHOTLINE_ZMQ_ENDPOINTS: `tcp://127.0.0.1:${await freePort()}`, SHOTLINE_ZMQ_PUBLISH: `tcp://127.0.0.1:${await freePort()}`, ...env }),
        logger,
      );
      try {
        const token = (await readFile(tokenFile, 'utf8')).trim();
        const api = new ApiClient(shotline.url).as(token);
        const me = await api.request('GET', '/api/v1/me');
        assert.equal(me.status, 200);
        assert.equal(me.body.role, 'viewer');
        const asUser = await api.as(token, { 'x-grafana-user': 'alice', 'x-grafana-role': 'Editor' }).request('GET', '/api/v1/me');
        assert.equal(asUser.status, 200);
        assert.equal(asUser.body.name, 'alice');
        assert.equal(asUser.body.role, 'editor');
        const settings = await api.request('GET', '/api/v1/relay/settings');
        assert.deepEqual(settings.body.channels.energy_J.rule, { kind: 'above', above: 1 }, 'the rule the relay will apply');
      } finally {
        await shotline.stop();
      }
    });
  });
}

describe('the setup command', () => {
  test('refuses a command line without the token file, naming the flag', () => {
    assert.throws(() => parseSetupCli([]), /--grafana-token-file: required/);
    assert.throws(() => parseSetupCli(['--grafana-token-file', 'x', '--arm']), /arm/);
    assert.deepEqual(parseSetupCli(['--grafana-token-file', '/run/shotline/grafana-token', '--arm-simulator']), { grafanaTokenFile: '/run/shotline/grafana-token', armSimulator: true, help: false });
  });

  test('runs as docker-compose.yml runs it: exit 0 and the token file; a bad environment is exit 2 naming the variable', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'shotline-setup-cli-'));
    try {
      const run = promisify(execFile);
      const env = { PATH: process.env.PATH ?? '', SHOTLINE_DATA_DIR: join(dir, 'data'), SHOTLINE_LOG_LEVEL: 'silent' };
      await run(process.execPath, [MAIN, '--grafana-token-file', join(dir, 'grafana-token'), '--arm-simulator'], { env });
      assert.match(await readFile(join(dir, 'grafana-token'), 'utf8'), /^shl_[A-Za-z0-9_-]{43}\n$/);
      const bad = await run(process.execPath, [MAIN, '--grafana-token-file', join(dir, 'grafana-token')], { env: { ...env, MONGO_URL: 'postgres://nope' } }).then(
        () => assert.fail('a bad MONGO_URL must fail'),
        (err) => err,
      );
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /MONGO_URL/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
