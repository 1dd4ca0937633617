// Helpers shared by the measurements (`npm run bench`, `npm run soak`): a
// pipeline process composed with startShotline and its hooks, the simulator in
// a process of its own, arming a rule, percentiles, throwaway databases.
import { mkdtemp, rm } from 'node:fs/promises';
import { spawn, type ChildProcess } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { MongoClient } from 'mongodb';
import { loadConfig } from '../src/config.ts';
import { startShotline, type Shotline } from '../src/shotline.ts';
import type { ShotRecord } from '../src/shot.ts';
import type { ThresholdRule } from '../src/settings/types.ts';

export const silent = pino({ level: 'silent' });
/** the admin token of every pipeline started here */
export const BENCH_TOKEN = `bench-${randomBytes(16).toString('hex')}`;

export const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
export const suffix = () => randomBytes(4).toString('hex');

/** KAFKA_BROKERS and MONGO_URL from the environment (the npm scripts start local ones), or exit. */
export function requireServices(tool: string): { KAFKA_BROKERS: string; MONGO_URL: string } {
  const { KAFKA_BROKERS, MONGO_URL } = process.env;
  if (!KAFKA_BROKERS || !MONGO_URL) {
    console.error(`${tool}: KAFKA_BROKERS and MONGO_URL must be set (npm run ${tool} starts local ones)`);
    process.exit(2);
  }
  return { KAFKA_BROKERS, MONGO_URL };
}

/** The same server, another database. */
export function dbUrl(mongoUrl: string, name: string): string {
  return mongoUrl.replace(/\/([^/?]*)(\?|$)/, `/${name}$2`);
}

export async function dropDb(url: string): Promise<void> {
  const c = new MongoClient(url);
  await c.db().dropDatabase().catch(() => {});
  await c.close();
}

/** `2026-11-25T10:21:47.916729Z` → µs since the epoch (Date.parse stops at ms). */
export function isoMicros(iso: string): number {
  return Date.parse(iso) * 1000 + Number(iso.slice(23, 26));
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export interface Pipeline {
  running: Shotline;
  stop(): Promise<void>;
}

/**
 * A pipeline in this process (role all, watcher or api) with its own data dir
 * (unless `env` names one); `env` names db, topics, endpoints. Without
 * `brokers` (roles all and api) the parts share an in-process bus.
 */
export async function pipeline(role: 'all' | 'watcher' | 'api', brokers: string | undefined, env: Record<string, string>, onStored: (s: readonly ShotRecord[]) => void): Promise<Pipeline> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-'));
  const config = loadConfig({ SHOTLINE_PORT: '0', SHOTLINE_ROLE: role, SHOTLINE_DATA_DIR: dir, ...(brokers && { KAFKA_BROKERS: brokers }), SHOTLINE_ADMIN_TOKEN: BENCH_TOKEN, ...env });
  const running = await startShotline(config, silent, { onStored });
  return {
    running,
    async stop() {
      await running.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Sets a channel's threshold rule through the API, as an operator would. */
export async function arm(url: string, channel: string, rule: ThresholdRule): Promise<void> {
  const res = await fetch(`${url}/api/v1/relay/channels/${channel}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_TOKEN}` },
    body: JSON.stringify({ rule }),
  });
  if (res.status !== 200) throw new Error(`arming ${channel} failed: ${res.status} ${await res.text()}`);
}

const SIMULATOR = fileURLToPath(new URL('../src/simulator/main.ts', import.meta.url));

/** The laser simulator in a process of its own (so it does not share the pipeline's event loop). */
/** `hwm`: the simulator's send high-water mark (0, the default here: unlimited, it never drops; a real laser's PUB drops at its HWM). */
export async function startSimulator(endpoint: string, rate: number, hwm = 0): Promise<{ child: ChildProcess; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [SIMULATOR, '--endpoint', endpoint, '--rate', String(rate), '--status-every', '0', '--hwm', String(hwm)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      if (/ on tcp:/.test(out)) resolve();
    });
    child.on('exit', (code) => reject(new Error(`simulator exited with ${code}: ${out}`)));
  });
  return {
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGINT');
      }),
  };
}
