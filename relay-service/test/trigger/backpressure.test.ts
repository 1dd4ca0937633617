// The relay's queue ahead of the journal is bounded: with a slow journal
// (every write takes a while, as on a loaded disk or a process short of CPU)
// and a laser flooding it, the relay stops reading ZeroMQ at
// SHOTLINE_INGEST_QUEUE_MAX (or _BYTES) and reads on once half has been
// written. The excess waits in ZeroMQ and, past the high-water marks, is lost
// at the laser, where its own counter shows it as counted gaps. Nothing the
// relay took off ZeroMQ is lost: every triggered shot reaches the journal, in
// the laser's order, numbered without a gap.
import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { Publisher } from 'zeromq';
import { loadConfig } from '../../src/config.ts';
import { createMetrics, type Metrics } from '../../src/metrics.ts';
import { openStore } from '../../src/store/index.ts';
import { SettingsService } from '../../src/settings/service.ts';
import { ShotJournal } from '../../src/spool/journal.ts';
import { Relay } from '../../src/trigger/relay.ts';
import type { Bus } from '../../src/bus/types.ts';
import type { ShotRecord } from '../../src/shot.ts';
import { until } from '../ingest/zmq-support.ts';
import { freePort } from '../support/net.ts';

const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

/**
 * A journal on a slow disk: an append is acknowledged only at the next write
 * "completion", every `writeMs` (what a slow fdatasync does to group commits),
 * or not at all while the disk is stalled.
 */
function slowDisk(journal: ShotJournal, writeMs: number) {
  const append = journal.append.bind(journal);
  let tick: Promise<void> | null = null;
  let stalled: { wait: Promise<void>; release: () => void } | null = null;
  const nextWrite = (): Promise<void> => {
    tick ??= new Promise<void>((resolve) =>
      setTimeout(() => {
        tick = null;
        resolve();
      }, writeMs),
    );
    return tick;
  };
  journal.append = (record) => append(record).then(async () => {
    while (stalled) await stalled.wait;
    await nextWrite();
  });
  return {
    stall() {
      let release!: () => void;
      const wait = new Promise<void>((resolve) => (release = resolve));
      stalled = { wait, release };
    },
    release() {
      const s = stalled;
      stalled = null;
      s?.release();
    },
  };
}

interface Rig {
  relay: Relay;
  journal: ShotJournal;
  disk: ReturnType<typeof slowDisk>;
  metrics: Metrics;
  laser: Publisher;
  /** bus: what the sender handed on, in order */
  sent: ShotRecord[];
  logs: { level: number; msg: string; [k: string]: unknown }[];
  /** deepest and largest the queue ahead of the journal was, after each message */
  max: { depth: number; bytes: number };
  /** laser counters of the messages the relay took, in order */
  taken: number[];
  dir: string;
}

async function rig(env: Record<string, string>, options: { writeMs: number; laserHwm: number }): Promise<Rig> {
  const dir = await mkdtemp(join(tmpdir(), 'backpressure-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  const laserEndpoint = `tcp://127.0.0.1:${await freePort()}`;
  const config = loadConfig({
    SHOTLINE_DATA_DIR: dir,
    SHOTLINE_ZMQ_ENDPOINTS: laserEndpoint,
    SHOTLINE_ZMQ_PUBLISH: `tcp://127.0.0.1:${await freePort()}`,
    SHOTLINE_LOG_LEVEL: 'warn',
    ...env,
  });
  const logs: Rig['logs'] = [];
  const logger = pino(
    { level: 'info' },
    new Writable({
      write(chunk, _enc, done) {
        for (const line of String(chunk).split('\n')) if (line.trim()) logs.push(JSON.parse(line));
        done();
      },
    }),
  );
  // The laser: a PUB that, like a real one, drops for a subscriber at its send high-water mark.
  const laser = new Publisher({ sendHighWaterMark: options.laserHwm, linger: 0 });
  await laser.bind(laserEndpoint);
  cleanups.push(() => laser.close());

  const store = await openStore({ dataDir: join(dir, 'store') });
  cleanups.push(() => store.close());
  const settings = new SettingsService(store);
  await settings.init();
  await settings.setChannel('energy_J', { enabled: true, rule: { kind: 'above', above: 0 } }, 'test');
  const journal = await ShotJournal.open(join(dir, 'journal'), { maxBytes: config.spoolMaxBytes });
  cleanups.push(() => journal.close());
  const disk = slowDisk(journal, options.writeMs);
  const sent: ShotRecord[] = [];
  const bus: Bus = {
    kind: 'memory',
    publishShots: async (shots) => void sent.push(...shots),
    publishTelemetry: () => {},
    consumeShots: async () => ({ close: async () => {} }),
    subscribeTelemetry: async () => ({ close: async () => {} }),
    ping: async () => {},
    close: async () => {},
  };
  const metrics = createMetrics();
  const relay = new Relay({ config, settings, journal, bus, metrics, logger, relayId: 'test', simulator: false, endpoints: config.zmqEndpoints! });
  const max = { depth: 0, bytes: 0 };
  const taken: number[] = [];
  const onMessage = relay.onMessage.bind(relay);
  relay.onMessage = (msg) => {
    onMessage(msg);
    if (typeof msg.payload.shot_id === 'number') taken.push(msg.payload.shot_id);
    const s = relay.ingestState();
    max.depth = Math.max(max.depth, s.queueDepth);
    max.bytes = Math.max(max.bytes, s.queueBytes);
  };
  await relay.start();
  cleanups.push(() => relay.stop());
  // a failed test must not leave the relay waiting for a stalled disk
  cleanups.push(() => disk.release());
  await until('the rule applied', () => relay.status().settingsVersion >= 1, 5_000);
  // Slow joiner: probes (no counter, no energy: not shots) until one arrives.
  await until('the relay to subscribe', () => {
    void laser.send(['laser', '{"probe":true}']).catch(() => {});
    return relay.status().messages > 0;
  }, 5_000, 20);
  return { relay, journal, disk, metrics, laser, sent, logs, max, taken, dir };
}

const PAD = 'x'.repeat(900);
const shot = (n: number) => JSON.stringify({ shot_id: n, timestamp: Date.now() / 1000, energy_J: 1 + (n % 7) / 10, pad: PAD });

/** Publishes counters from..to as fast as the socket takes them (the PUB drops what is beyond its HWM). */
async function flood(laser: Publisher, from: number, to: number): Promise<void> {
  for (let n = from; n <= to; n++) await laser.send(['laser', shot(n)]);
}

/** Waits until the relay holds nothing and takes nothing more (ZeroMQ's queues emptied). */
async function quiet(r: Rig, ms = 60_000): Promise<void> {
  let last = -1;
  let since = Date.now();
  await until('the relay to drain and go quiet', () => {
    const s = r.relay.ingestState();
    const messages = r.relay.status().messages;
    if (messages !== last || s.queueDepth > 0 || s.paused) {
      last = messages;
      since = Date.now();
      return false;
    }
    return Date.now() - since > 500;
  }, ms, 25);
}

async function journaled(dir: string): Promise<ShotRecord[]> {
  const jdir = join(dir, 'journal');
  const records: ShotRecord[] = [];
  for (const name of (await readdir(jdir)).filter((n) => n.endsWith('.jsonl')).sort()) {
    for (const line of (await readFile(join(jdir, name), 'utf8')).split('\n')) if (line) records.push(JSON.parse(line));
  }
  return records;
}

/** Every shot the relay took is in the journal, numbered 1..n in the laser's order. */
function assertLedger(records: ShotRecord[], taken: number[]): void {
  assert.equal(records.length, taken.length, 'every message the relay took (all are shots) is journaled');
  records.forEach((r, i) => assert.equal(r.shotNumber, i + 1, `shot numbers without gap or reuse (at ${i})`));
  assert.deepEqual(
    records.map((r) => r.source.laserCounter),
    taken,
    "journaled in the laser's order",
  );
}

describe('relay backpressure onto ZeroMQ', () => {
  it('bounds the queue ahead of a slow journal, pauses and resumes ingest, journals every shot it took and counts what the laser dropped', async (t) => {
    const LIMIT = 300;
    const r = await rig({ SHOTLINE_INGEST_QUEUE_MAX: String(LIMIT), SHOTLINE_ZMQ_RCVHWM: '1000' }, { writeMs: 25, laserHwm: 1000 });
    const N = 30_000;
    await flood(r.laser, 1, N);
    await quiet(r);
    // The last message, sent once everything is quiet (so it is not dropped), reveals any gap at the end.
    await r.laser.send(['laser', shot(N + 1)]);
    await until('the last message', () => r.taken.at(-1) === N + 1, 10_000);
    await until('the last shot journaled and sent', () => r.sent.at(-1)?.source.laserCounter === N + 1, 10_000);

    const state = r.relay.ingestState();
    const status = r.relay.status();
    t.diagnostic(`sent ${N + 1}, taken ${r.taken.length}, counted gaps ${status.gaps}; queue at most ${r.max.depth} (limit ${LIMIT}); ${state.pauses} pauses, ${state.pausedSeconds} s paused`);
    assert.ok(r.max.depth <= LIMIT, `queue ahead of the journal at most ${LIMIT}, was ${r.max.depth}`);
    assert.ok(r.max.depth >= LIMIT * 0.9, `the bound was reached (${r.max.depth}): the test did overload the relay`);
    assert.ok(state.pauses >= 2, `ingest paused and resumed repeatedly (${state.pauses} pauses)`);
    assert.equal(state.paused, false, 'reading again once the journal caught up');
    assert.ok(state.pausedSeconds > 0);
    assert.equal(state.queueDepth, 0);

    // What the relay did not take was dropped at the laser's high-water mark: the laser's counter counts it.
    assert.ok(r.taken.length < N, `the laser dropped some (${N + 1 - r.taken.length} of ${N + 1})`);
    assert.equal(r.taken[0], 1);
    assert.equal(status.gaps, N + 1 - r.taken.length, 'every message the relay did not take is a counted laser-counter gap');
    assert.equal(status.triggers, r.taken.length, 'every message taken was numbered (none refused, none dropped)');

    // Nothing accepted is lost: journal and bus have every shot, in order, numbered without a gap.
    assertLedger(await journaled(r.dir), r.taken);
    assert.deepEqual(
      r.sent.map((s) => s.shotNumber),
      r.taken.map((_, i) => i + 1),
      'sent to the bus in order',
    );

    const text = await r.metrics.registry.metrics();
    assert.match(text, new RegExp(`^shotline_ingest_pauses_total ${state.pauses}$`, 'm'));
    assert.match(text, /^shotline_ingest_paused_seconds_total (0\.\d*[1-9]\d*|[1-9][\d.]*)$/m);
    assert.match(text, new RegExp(`^shotline_ingest_queue_limit ${LIMIT}$`, 'm'));
    assert.match(text, /^shotline_ingest_queue_depth 0$/m);
    assert.match(text, /^shotline_ingest_paused 0$/m);
    assert.match(text, new RegExp(`^shotline_laser_counter_gaps_total ${status.gaps}$`, 'm'));

    // Logged when backpressure engages, but rate-limited: not a line per pause.
    const warnings = r.logs.filter((l) => /ingest paused at SHOTLINE_INGEST_QUEUE_MAX/.test(l.msg));
    assert.ok(warnings.length >= 1 && warnings.length <= 5, `${warnings.length} warnings for ${state.pauses} pauses`);
    assert.equal(warnings[0]!.limit, LIMIT);
    assert.ok(state.pauses > warnings.length, 'more pauses than lines');
  });

  it('bounds the bytes held too, and /readyz says so while the journal is stalled', async () => {
    const LIMIT_BYTES = 64 * 1024;
    const r = await rig({ SHOTLINE_INGEST_QUEUE_MAX: '100000', SHOTLINE_INGEST_QUEUE_MAX_BYTES: String(LIMIT_BYTES), SHOTLINE_ZMQ_RCVHWM: '1000' }, { writeMs: 5, laserHwm: 1000 });
    const size = Buffer.byteLength(shot(1));
    r.disk.stall();
    await flood(r.laser, 1, 2_000);
    await until('ingest to pause', () => r.relay.ingestState().paused, 10_000);
    const held = r.relay.ingestState();
    assert.ok(held.queueBytes >= LIMIT_BYTES && held.queueBytes < LIMIT_BYTES + size, `held ${held.queueBytes} bytes, bound ${LIMIT_BYTES}`);
    // Stays paused while the journal is stalled: nothing more is taken off ZeroMQ.
    const taken = r.taken.length;
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    assert.equal(r.taken.length, taken, 'nothing taken while paused');
    assert.throws(
      () => r.relay.checkIngest(),
      (err: Error & { details?: Record<string, unknown> }) => {
        assert.match(err.message, /^relay cannot keep up: ingest paused \d+% of the last 10 s \(\d+ messages wait for the journal, limit 100000\); .*\(0 laser-counter gaps so far\)$/);
        assert.equal(err.details?.paused, true);
        assert.equal(err.details?.queueBytes, held.queueBytes);
        return true;
      },
    );
    assert.ok(r.max.bytes < LIMIT_BYTES + size);

    r.disk.release();
    await quiet(r);
    assert.ok(r.max.bytes < LIMIT_BYTES + size, `at most the bound plus one message, was ${r.max.bytes}`);
    assert.ok(r.relay.ingestState().pauses >= 2);
    await until('every shot journaled', () => r.relay.status().lastShotNumber === r.taken.length, 10_000);
    assertLedger(await journaled(r.dir), r.taken);
    assert.equal(r.relay.status().gaps, r.taken.at(-1)! - r.taken.length, 'what the laser dropped is counted');
  });
});
