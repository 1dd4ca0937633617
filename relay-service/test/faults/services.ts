// A Kafka broker and a MongoDB-wire server of our own, which the fault
// scenarios may stop and start at will: scripts/services.sh with a private
// state dir and free ports, like .ci/run does. Never the developer's or CI's
// services (those are found through KAFKA_BROKERS / MONGO_URL and left alone).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../support/net.ts';

const SERVICES_SH = fileURLToPath(new URL('../../../scripts/services.sh', import.meta.url));

export type ServiceName = 'kafka' | 'mongo';

/** Why the private services cannot be provisioned here, or null when they can. */
export function servicesUnavailable(): string | null {
  const java = spawnSync('java', ['-version'], { stdio: 'ignore' });
  if (java.error || java.status !== 0) return 'no `java` on PATH (Kafka needs Java 17)';
  const built = spawnSync('bash', [SERVICES_SH, 'version', 'mongo'], { encoding: 'utf8' });
  const haveGo = spawnSync('go', ['version'], { stdio: 'ignore' }).status === 0 || existsSync('/usr/local/go/bin/go');
  if (!haveGo && /not built yet/.test(built.stdout ?? '')) return 'no `go` on PATH to build tools/mongo-wire (and no cached build)';
  return null;
}

export class PrivateServices {
  readonly dir: string;
  readonly kafkaPort: number;
  readonly controllerPort: number;
  readonly mongoPort: number;
  readonly #env: NodeJS.ProcessEnv;
  #log: (line: string) => void;

  private constructor(dir: string, ports: [number, number, number], log: (line: string) => void) {
    this.dir = dir;
    [this.kafkaPort, this.controllerPort, this.mongoPort] = ports;
    this.#log = log;
    this.#env = {
      ...process.env,
      SHOTLINE_SERVICES_DIR: dir,
      SHOTLINE_KAFKA_PORT: String(this.kafkaPort),
      SHOTLINE_KAFKA_CONTROLLER_PORT: String(this.controllerPort),
      SHOTLINE_MONGO_PORT: String(this.mongoPort),
      SHOTLINE_MONGO_DB: 'shotline_faults',
      // a small broker: the scenarios run beside the lead's services and the tests
      SHOTLINE_KAFKA_HEAP: '-Xms96m -Xmx384m',
    };
  }

  /** A state dir and three free ports; nothing is started yet. */
  static async create(log: (line: string) => void = () => {}): Promise<PrivateServices> {
    const dir = await mkdtemp(join(tmpdir(), 'shotline-faults-svc-'));
    const ports: number[] = [];
    while (ports.length < 3) {
      const p = await freePort();
      if (!ports.includes(p)) ports.push(p);
    }
    return new PrivateServices(dir, ports as [number, number, number], log);
  }

  get kafkaBrokers(): string {
    return `127.0.0.1:${this.kafkaPort}`;
  }

  mongoUrl(db = 'shotline_faults'): string {
    return `mongodb://127.0.0.1:${this.mongoPort}/${db}`;
  }

  /** Runs `services.sh CMD NAMES…` on our state dir; rejects with its output when it fails. */
  run(cmd: 'start' | 'stop' | 'status' | 'provision', ...names: ServiceName[]): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn('bash', [SERVICES_SH, cmd, ...names], { env: this.#env, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => {
        out += d;
        for (const line of String(d).split('\n')) if (line.trim()) this.#log(`services: ${line.trim()}`);
      });
      child.on('error', reject);
      child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`services.sh ${cmd} ${names.join(' ')} exited with ${code}:\n${out.slice(-3000)}`))));
    });
  }

  start(...names: ServiceName[]): Promise<void> {
    return this.run('start', ...names);
  }

  stop(...names: ServiceName[]): Promise<void> {
    return this.run('stop', ...names);
  }

  /** Stops both services and deletes the state dir (data, logs). */
  async destroy(keepLogs = false): Promise<void> {
    await this.stop().catch((err) => this.#log(`services: stop failed: ${(err as Error).message}`));
    if (!keepLogs) await rm(this.dir, { recursive: true, force: true });
  }
}
