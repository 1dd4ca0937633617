// Runs relay-service (src/main.ts) as a separate process, as `npm start` and
// the lab do, and waits until it answers /readyz.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { freePort, getJson, waitFor } from './net.ts';

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url));

export interface ShotlineProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}

/** `env` replaces the inherited MONGO_URL / KAFKA_BROKERS / SHOTLINE_ZMQ_ENDPOINTS: pass them to keep them. */
export async function startShotlineProcess(env: Record<string, string>, options: { readyTimeoutMs?: number } = {}): Promise<ShotlineProcess> {
  const port = await freePort();
  const childEnv: NodeJS.ProcessEnv = { ...process.env, SHOTLINE_LOG_LEVEL: 'info' };
  delete childEnv.MONGO_URL;
  delete childEnv.KAFKA_BROKERS;
  delete childEnv.SHOTLINE_ZMQ_ENDPOINTS;
  Object.assign(childEnv, env, { SHOTLINE_PORT: String(port) });
  const child = spawn(process.execPath, [MAIN], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const url = `http://127.0.0.1:${port}`;
  const stop = (signal: NodeJS.Signals = 'SIGINT') =>
    new Promise<number | null>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
      child.once('exit', (code) => resolve(code));
      child.kill(signal);
    });
  try {
    await waitFor(`${env.SHOTLINE_ROLE ?? 'all'} process to answer /readyz with 200`, async () => {
      if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}: ${out}`);
      return (await getJson(`${url}/readyz`)).status === 200 ? true : undefined;
    }, options.readyTimeoutMs ?? 30_000, 100);
  } catch (err) {
    await stop('SIGKILL');
    throw new Error(`${(err as Error).message}\n--- process output ---\n${out.slice(-4000)}`);
  }
  return { child, url, output: () => out, stop };
}
