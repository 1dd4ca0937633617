// Throughput check of the ingest path (not a test):
//   node bench/ingest.ts [--messages 1000000] [--seconds 5]
//
// 1. CPU only, one core: decode + extractChannels over pre-built simulator
//    messages, then the subscriber's whole per-message work (clock reads,
//    decode, debug-ring copy, laser-counter check, message object, channels).
// 2. Sockets, the relay alone: the simulator fills the relay's receive queue,
//    is paused, and the relay drains the backlog (messages/s socket → handler
//    with no sender competing for the CPU).
// 3. Sockets, concurrently: the simulator in a child process publishing flat
//    out, ZmqIngest in this process with a handler that extracts the channels
//    (plus, in a second run, republishes every message). Reports messages/s
//    handled and what the laser counter says was lost. On a machine with few
//    cores the sender and its ZeroMQ I/O thread take CPU from the relay.
// 4. As 3 with the simulator at a fixed 100,000 msg/s.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { performance } from 'node:perf_hooks';
import { ShotGenerator } from '../src/simulator/laser-simulator.ts';
import { decodeMessage, extractChannels, readLaserCounter } from '../src/ingest/decoder.ts';
import { DebugBuffer } from '../src/ingest/debug-buffer.ts';
import { nowMicros } from '../src/ingest/clock.ts';
import { ZmqIngest, type IngestedMessage } from '../src/ingest/subscriber.ts';
import { Republisher } from '../src/ingest/republisher.ts';

const { values } = parseArgs({ options: { messages: { type: 'string', default: '1000000' }, seconds: { type: 'string', default: '5' } } });
const N = Number(values.messages);
const SECONDS = Number(values.seconds);
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

// ---------------------------------------------------------------------------
// 1. CPU only

function cpuBench(): void {
  const gen = new ShotGenerator({ seed: 1 });
  const topic = Buffer.from('laser');
  const frames: Buffer[][] = new Array(N);
  let bytes = 0;
  for (let i = 0; i < N; i++) {
    const payload = Buffer.from(JSON.stringify(gen.next()));
    bytes += payload.length;
    frames[i] = [topic, payload];
  }
  console.log(`${fmt(N)} pre-built simulator messages, ${Math.round(bytes / N)} bytes of JSON each on average`);
  const limits = { maxBytes: 1 << 20 };

  const decodeOnly = () => {
    let ok = 0;
    for (let i = 0; i < N; i++) if (decodeMessage(frames[i]!, limits).ok) ok++;
    return ok;
  };
  const decodeAndChannels = () => {
    let channels = 0;
    for (let i = 0; i < N; i++) {
      const r = decodeMessage(frames[i]!, limits);
      if (r.ok) channels += extractChannels(r.payload).size;
    }
    return channels;
  };
  const debug = new DebugBuffer();
  const counters = new Map<string, number>();
  let sink: IngestedMessage | undefined;
  const subscriberWork = () => {
    let n = 0;
    for (let i = 0; i < N; i++) {
      const f = frames[i]!;
      const ns = process.hrtime.bigint();
      const us = nowMicros();
      const r = decodeMessage(f, limits);
      if (!r.ok) continue;
      debug.record(us, 'tcp://127.0.0.1:5556', f, 'ok');
      const c = readLaserCounter(r.payload, 'shot_id');
      if (c !== undefined) counters.set(r.topic, c);
      sink = { endpoint: 'e', topic: r.topic, payload: r.payload, raw: f[1]!, receivedNs: ns, receivedUs: us, receivedAt: '' };
      n += extractChannels(sink.payload).size;
    }
    return n;
  };

  for (const [name, fn] of [
    ['decodeMessage', decodeOnly],
    ['decodeMessage + extractChannels', decodeAndChannels],
    ['full subscriber work per message + extractChannels', subscriberWork],
  ] as const) {
    fn(); // warm-up
    const runs: number[] = [];
    for (let round = 0; round < 3; round++) {
      const t0 = performance.now();
      fn();
      runs.push((N * 1000) / (performance.now() - t0));
    }
    console.log(`  ${name.padEnd(52)} ${fmt(Math.max(...runs))} msg/s (best of 3; ${runs.map(fmt).join(', ')})`);
  }
  void sink;
}

// ---------------------------------------------------------------------------
// 2 and 3. Sockets

const SIMULATOR = fileURLToPath(new URL('../src/simulator/main.ts', import.meta.url));

async function startSimulator(rate: string): Promise<{ child: ChildProcess; endpoint: string; output: () => string }> {
  const child = spawn(process.execPath, [SIMULATOR, '--endpoint', 'tcp://127.0.0.1:*', '--rate', rate, '--status-every', '0', '--hwm', '100000'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const endpoint = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      const m = / on (tcp:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`simulator exited with ${code}: ${out}`)));
  });
  return { child, endpoint, output: () => out };
}

async function stopSimulator(sim: { child: ChildProcess; output: () => string }): Promise<string> {
  await new Promise<void>((resolve) => {
    sim.child.once('exit', () => resolve());
    sim.child.kill('SIGINT');
  });
  return /stopped after .*/.exec(sim.output())?.[0] ?? '';
}

async function socketBench(label: string, rate: string, republish: boolean): Promise<void> {
  const sim = await startSimulator(rate);
  let handled = 0;
  let channels = 0;
  const republisher = republish ? new Republisher({ endpoint: 'tcp://127.0.0.1:*' }) : undefined;
  await republisher?.start();
  const ingest = new ZmqIngest({
    endpoints: [{ endpoint: sim.endpoint, topics: ['laser'] }],
    debugBuffer: new DebugBuffer(),
    onMessage: (m) => {
      handled++;
      channels += extractChannels(m.payload).size;
      republisher?.publishRaw(m.topic, m.raw);
    },
  });
  await ingest.start();
  const deadline = Date.now() + 10_000;
  while (handled === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  await new Promise((r) => setTimeout(r, 500)); // settle
  const s0 = ingest.stats();
  const h0 = handled;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await new Promise((r) => setTimeout(r, SECONDS * 1000));
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const s1 = ingest.stats();
  const simLine = await stopSimulator(sim);
  await ingest.close();
  const rp = republisher?.stats();
  await republisher?.close();
  const got = handled - h0;
  const lost = s1.gaps - s0.gaps;
  console.log(`  ${label}`);
  console.log(`    handled ${fmt(got / elapsed)} msg/s over ${elapsed.toFixed(1)} s (${fmt(got)} messages; relay process CPU ${(((cpu.user + cpu.system) / 1e6 / elapsed) * 100).toFixed(0)}% of one core)`);
  console.log(`    lost per laser counter: ${fmt(lost)} (${((100 * lost) / Math.max(1, got + lost)).toFixed(2)}%), malformed ${s1.malformed}, handler errors ${s1.handlerErrors}`);
  if (rp) console.log(`    republisher: published ${fmt(rp.published)}, dropped ${fmt(rp.dropped)}, deepest queue ${fmt(rp.maxQueueDepth)}`);
  console.log(`    simulator: ${simLine}`);
  void channels;
}

/**
 * The relay's own capacity, with no sender competing for the CPU: the
 * simulator fills the relay's receive queue while the relay's main thread is
 * held (its ZeroMQ I/O thread keeps receiving), then the simulator is paused
 * (SIGSTOP) and the relay drains the backlog as fast as it can.
 */
async function drainBench(label: string, handler: 'channels' | 'channels+republish' | 'bare'): Promise<void> {
  const sim = await startSimulator('max');
  let handled = 0;
  const republisher = handler === 'channels+republish' ? new Republisher({ endpoint: 'tcp://127.0.0.1:*' }) : undefined;
  await republisher?.start();
  const ingest = new ZmqIngest({
    endpoints: [{ endpoint: sim.endpoint, topics: ['laser'] }],
    receiveHwm: 2_000_000,
    debugBuffer: new DebugBuffer(),
    onMessage:
      handler === 'bare'
        ? () => {
            handled++;
          }
        : (m) => {
            handled++;
            extractChannels(m.payload);
            republisher?.publishRaw(m.topic, m.raw);
          },
  });
  await ingest.start();
  while (handled === 0) await new Promise((r) => setTimeout(r, 10));
  // hold the main thread; libzmq's I/O thread keeps queueing
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 4_000);
  sim.child.kill('SIGSTOP');
  await new Promise((r) => setTimeout(r, 0));
  const h0 = handled;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  let last = -1;
  let lastAt = t0;
  while (true) {
    await new Promise((r) => setTimeout(r, 20));
    if (handled !== last) {
      last = handled;
      lastAt = performance.now();
    } else break;
  }
  const elapsed = (lastAt - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const drained = handled - h0;
  sim.child.kill('SIGCONT');
  await stopSimulator(sim);
  await ingest.close();
  await republisher?.close();
  console.log(`  ${label.padEnd(40)} ${fmt(drained / elapsed)} msg/s (${fmt(drained)} queued messages in ${elapsed.toFixed(2)} s; CPU ${(((cpu.user + cpu.system) / 1e6 / ((performance.now() - t0) / 1000)) * 100).toFixed(0)}%)`);
}

console.log(`Node ${process.version}, ${process.platform}/${process.arch}, ${(await import('node:os')).availableParallelism()} CPUs`);
console.log('\n1. CPU only, one core');
cpuBench();
console.log('\n2. Socket to handler: the relay draining a queued backlog (nothing else running)');
await drainBench('bare handler (count only)', 'bare');
await drainBench('ingest + extractChannels', 'channels');
await drainBench('ingest + extractChannels + republish', 'channels+republish');
console.log('\n3. Socket to handler, simulator flat out in another process at the same time');
await socketBench('ingest + extractChannels', 'max', false);
await socketBench('ingest + extractChannels + republish', 'max', true);
console.log('\n4. Socket to handler with the simulator at a fixed 100,000 msg/s');
await socketBench('ingest + extractChannels + republish', '100000', true);
