// Runs relay-service (src/main.ts) as a separate process, as `npm start` and
// the lab do, and waits until it answers /readyz (or, with `until:
// 'listening'`, /healthz: a process whose dependencies are down on purpose).
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort, getJson, waitFor } from './net.ts';

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));
/** process output kept in memory (the tail), for assertions and failure messages */
const KEEP_OUTPUT = 1 << 20;

export interface ShotlineProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}

export interface ShotlineProcessOptions {
  readyTimeoutMs?: number;
  /** 'ready' (default): /readyz answers 200; 'listening': /healthz answers 200 */
  until?: 'ready' | 'listening';
  /** also append everything the process prints to this file */
  logFile?: string;
}

/** `env` replaces the inherited MONGO_URL / KAFKA_BROKERS / SHOTLINE_ZMQ_ENDPOINTS: pass them to keep them. */
export async function startShotlineProcess(env: Record<string, string>, options: ShotlineProcessOptions = {}): Promise<ShotlineProcess> {
  const port = await freePort();
  const childEnv: NodeJS.ProcessEnv = { ...process.env, SHOTLINE_LOG_LEVEL: 'info' };
  delete childEnv.MONGO_URL;
  delete childEnv.KAFKA_BROKERS;
  delete childEnv.SHOTLINE_ZMQ_ENDPOINTS;
  Object.assign(childEnv, env, { SHOTLINE_PORT: String(port) });
  const child = spawn(process.execPath, [MAIN], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const onData = (d: Buffer) => {
    out += d;
    if (out.length > 2 * KEEP_OUTPUT) out = out.slice(-KEEP_OUTPUT);
    if (options.logFile) appendFileSync(options.logFile, d);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const url = `http://127.0.0.1:${port}`;
  const stop = (signal: NodeJS.Signals = 'SIGINT') =>
    new Promise<number | null>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
      child.once('exit', (code) => resolve(code));
      child.kill(signal);
    });
  const until = options.until ?? 'ready';
  try {
    const result = await waitFor(`${env.SHOTLINE_ROLE ?? 'all'} process to answer ${until === 'ready' ? '/readyz' : '/healthz'} with 200`, async () => {
      if (child.exitCode !== null || child.signalCode !== null) return 'exited';
      return (await getJson(`${url}${until === 'ready' ? '/readyz' : '/healthz'}`)).status === 200 ? 'up' : undefined;
    }, options.readyTimeoutMs ?? 30_000, 100);
    if (result === 'exited') throw new Error(`exited with ${child.exitCode ?? child.signalCode} before answering`);
  } catch (err) {
    await stop('SIGKILL');
    throw new Error(`${(err as Error).message}\n--- process output ---\n${out.slice(-4000)}`);
  }
  return { child, url, output: () => out, stop };
}
