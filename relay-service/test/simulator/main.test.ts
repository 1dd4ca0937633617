import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseCli } from '../../src/simulator/main.ts';
import { Collector, until } from '../ingest/zmq-support.ts';

const MAIN = fileURLToPath(new URL('../../src/simulator/main.ts', import.meta.url));

function run(args: string[], onStdout?: (text: string) => void): Promise<{ code: number | null; stdout: string; stderr: string; kill: () => void }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
      onStdout?.(stdout);
    });
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr, kill: () => child.kill() }));
  });
}

describe('simulator command line', () => {
  it('parses flags, with defaults', () => {
    const d = parseCli([]);
    assert.equal(d.endpoint, 'tcp://127.0.0.1:5556');
    assert.equal(d.rate, 1);
    assert.equal(d.topic, 'laser');
    assert.equal(d.seed, 1);
    const o = parseCli(['--endpoint', 'tcp://0.0.0.0:6000', '--rate', '10', '--topic', 'draco', '--seed', '5', '--start-shot-id', '100', '--malformed-fraction', '0.1', '--single-frame']);
    assert.deepEqual([o.endpoint, o.rate, o.topic, o.seed, o.startShotId, o.malformedFraction, o.singleFrame], ['tcp://0.0.0.0:6000', 10, 'draco', 5, 100, 0.1, true]);
    assert.equal(parseCli(['--rate', 'max']).rate, Infinity);
    assert.equal(parseCli(['--rate', '0.1']).rate, 0.1);
  });

  it('refuses bad values, naming the flag', () => {
    const cases: [string[], RegExp][] = [
      [['--rate', '0'], /--rate/],
      [['--rate', 'fast'], /--rate/],
      [['--rate', ''], /--rate/],
      [['--rate', '0.01'], /--rate/],
      [['--endpoint', 'localhost:5556'], /--endpoint/],
      [['--seed', '1.5'], /--seed/],
      [['--start-shot-id', '-1'], /--start-shot-id/],
      [['--malformed-fraction', '1.5'], /--malformed-fraction/],
      [['--spike-fraction', 'x'], /--spike-fraction/],
      [['--duration', '0'], /--duration/],
      [['--topic', ''], /--topic/],
      [['--nope'], /nope/],
      [['--rate'], /rate/],
    ];
    for (const [args, message] of cases) assert.throws(() => parseCli(args), message, args.join(' '));
  });

  it('exits with 2 and a message naming the flag', async () => {
    const r = await run(['--rate', 'abc']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--rate: expected/);
  });

  it('runs standalone: says what it does, publishes, stops after --duration', async () => {
    let endpoint: string | undefined;
    let sub: Collector | undefined;
    const r = await run(['--endpoint', 'tcp://127.0.0.1:*', '--rate', '50', '--duration', '1.5', '--status-every', '0.5'], (out) => {
      const m = /publishing topic 'laser' on (tcp:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m && !endpoint) {
        endpoint = m[1]!;
        sub = new Collector(endpoint);
      }
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /at 50 shots\/s \(seed 1, first shot_id 1\)/);
    assert.match(r.stdout, /sent \d+ messages/);
    assert.match(r.stdout, /stopped after 1\.\d s: \d+ messages/);
    assert.ok(sub, 'the endpoint was printed');
    await until('some shots received while it ran', () => sub!.messages.length > 10);
    await sub!.close();
  });
});
