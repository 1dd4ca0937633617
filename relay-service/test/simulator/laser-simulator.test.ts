import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { LaserSimulator, ShotGenerator, MALFORMED_KINDS, type LaserShot } from '../../src/simulator/laser-simulator.ts';
import { decodeMessage, extractChannels, readLaserCounter, readLaserTime } from '../../src/ingest/decoder.ts';
import { ZmqIngest, type IngestedMessage } from '../../src/ingest/subscriber.ts';
import { Collector, until } from '../ingest/zmq-support.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

const fixedClock = () => {
  let t = 1_764_064_800_000;
  return () => (t += 100);
};

function withoutTime(shot: Record<string, unknown>) {
  const { timestamp: _t, ...rest } = shot;
  return rest;
}

describe('ShotGenerator', () => {
  it('is reproducible: same seed and clock, same shots; another seed, other shots', () => {
    const a = new ShotGenerator({ seed: 42, now: fixedClock() });
    const b = new ShotGenerator({ seed: 42, now: fixedClock() });
    const c = new ShotGenerator({ seed: 43, now: fixedClock() });
    const sa = Array.from({ length: 2_000 }, () => a.next());
    const sb = Array.from({ length: 2_000 }, () => b.next());
    const sc = Array.from({ length: 2_000 }, () => c.next());
    assert.deepEqual(sa, sb);
    assert.notDeepEqual(sa.map((s) => s.energy_J), sc.map((s) => s.energy_J));
  });

  it('counts shot_id up by one from the configured start, with epoch-ms timestamps', () => {
    const g = new ShotGenerator({ startShotId: 1000 });
    const shots = Array.from({ length: 100 }, () => g.next());
    assert.deepEqual(shots.map((s) => s.shot_id), Array.from({ length: 100 }, (_, i) => 1000 + i));
    for (const s of shots) assert.ok(Math.abs(s.timestamp - Date.now()) < 5_000);
    assert.equal(g.nextShotId, 1100);
  });

  it('produces Draco-like values: ~3 J with spikes, ~30 fs, µrad pointing, ~1e-5 mbar', () => {
    const g = new ShotGenerator({ seed: 7, now: fixedClock() });
    const shots: LaserShot[] = Array.from({ length: 20_000 }, () => g.next());
    const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
    const energy = shots.map((s) => s.energy_J);
    assert.ok(Math.abs(mean(energy) - 3.05) < 0.2, `mean energy ${mean(energy)}`);
    const spikes = energy.filter((e) => e > 3.6).length / energy.length;
    assert.ok(spikes > 0.03 && spikes < 0.12, `spike fraction ${spikes}`);
    assert.ok(Math.abs(mean(shots.map((s) => s.pulse_duration_fs)) - 30.1) < 1.5);
    assert.ok(shots.every((s) => Math.abs(s.pointing_x_urad) < 40 && Math.abs(s.pointing_y_urad) < 40));
    const pressure = shots.map((s) => s.chamber_pressure_mbar);
    assert.ok(pressure.every((p) => p > 0));
    const median = [...pressure].sort((a, b) => a - b)[pressure.length >> 1]!;
    assert.ok(median > 1e-5 && median < 4e-5, `median pressure ${median}`);
    assert.ok(pressure.some((p) => p > 3e-4), 'vacuum bursts happen');
    assert.ok(shots.every((s) => s.contrast > 0 && s.contrast < 1e-8));
    // every numeric field is a finite channel, nested amplifier values included
    const ch = extractChannels(shots[0] as unknown as Record<string, unknown>);
    for (const name of ['energy_J', 'pulse_duration_fs', 'pointing_x_urad', 'pointing_y_urad', 'chamber_pressure_mbar', 'contrast', 'amplifier/pump_energy_J', 'shot_id']) {
      assert.ok(Number.isFinite(ch.get(name)), name);
    }
    assert.equal(ch.has('shutter_open'), false);
  });

  it('spikeFraction 0 gives no spikes', () => {
    const g = new ShotGenerator({ seed: 3, spikeFraction: 0 });
    const energy = Array.from({ length: 5_000 }, () => g.next().energy_J);
    assert.ok(energy.every((e) => e < 3.6), `max ${Math.max(...energy)}`);
  });

  it('makes each kind of malformed message, which the decoder refuses for that reason', () => {
    const g = new ShotGenerator();
    for (const kind of MALFORMED_KINDS) {
      for (const topic of ['laser', '']) {
        const m = g.malformed(topic, kind);
        const frames = m.frames.map((f) => (typeof f === 'string' ? Buffer.from(f) : f));
        const r = decodeMessage(frames, { maxBytes: 1 << 20 });
        assert.equal(r.ok, false);
        if (!r.ok) assert.equal(r.reason, kind, `${kind} with topic '${topic}'`);
      }
    }
  });
});

describe('LaserSimulator (real sockets)', () => {
  async function sim(options: Partial<ConstructorParameters<typeof LaserSimulator>[0]> = {}) {
    const s = new LaserSimulator({ endpoint: 'tcp://127.0.0.1:*', ...options });
    await s.start();
    cleanups.push(() => s.stop());
    return s;
  }

  it('publishes well-formed shots with increasing shot_id at the configured rate', async () => {
    const s = await sim({ rate: 50, startShotId: 500 });
    assert.match(s.endpoint, /^tcp:\/\/127\.0\.0\.1:\d+$/);
    const sub = new Collector(s.endpoint, ['laser']);
    cleanups.push(() => sub.close());
    await until('the first shot', () => sub.messages.length > 0);
    const t0 = performance.now();
    const first = sub.messages.length;
    await new Promise((r) => setTimeout(r, 1_000));
    const perSecond = ((sub.messages.length - first) * 1000) / (performance.now() - t0);
    assert.ok(perSecond > 35 && perSecond < 65, `${perSecond} shots/s at rate 50`);
    const ids: number[] = [];
    for (const frames of sub.messages) {
      const r = decodeMessage(frames, { maxBytes: 1 << 20 });
      assert.ok(r.ok);
      if (!r.ok) continue;
      assert.equal(r.topic, 'laser');
      ids.push(readLaserCounter(r.payload, 'shot_id')!);
      assert.ok(readLaserTime(r.payload, 'timestamp'));
      assert.ok((r.payload.energy_J as number) > 1);
    }
    assert.ok(ids[0]! >= 500);
    for (let i = 1; i < ids.length; i++) assert.equal(ids[i], ids[i - 1]! + 1, 'consecutive shot_id');
    const stats = s.stats();
    assert.equal(stats.malformed, 0);
    assert.equal(stats.sent, stats.shots);
    assert.equal(stats.nextShotId, 500 + stats.shots);
  });

  it('sends single-frame messages when asked', async () => {
    const s = await sim({ rate: 100, singleFrame: true });
    const sub = new Collector(s.endpoint);
    cleanups.push(() => sub.close());
    await until('a shot', () => sub.messages.length > 0);
    assert.equal(sub.messages[0]!.length, 1);
    assert.ok(decodeMessage(sub.messages[0]!, { maxBytes: 1 << 20 }).ok);
  });

  it('seeded runs publish identical shots (apart from the timestamp)', async () => {
    const collect = async () => {
      const s = await sim({ rate: 200, seed: 99 });
      const sub = new Collector(s.endpoint);
      cleanups.push(() => sub.close());
      await until('40 shots', () => sub.messages.length >= 40);
      await s.stop();
      const byId = new Map<number, Record<string, unknown>>();
      for (const frames of sub.messages) {
        const r = decodeMessage(frames, { maxBytes: 1 << 20 });
        if (r.ok) byId.set(r.payload.shot_id as number, withoutTime(r.payload));
      }
      return byId;
    };
    const a = await collect();
    const b = await collect();
    const common = [...a.keys()].filter((id) => b.has(id));
    assert.ok(common.length >= 20, `${common.length} shot_ids seen in both runs`);
    for (const id of common) assert.deepEqual(a.get(id), b.get(id), `shot ${id}`);
  });

  it('mixes in malformed messages without breaking the shot_id sequence', async () => {
    const s = await sim({ rate: 500, malformedFraction: 0.3, seed: 5 });
    const messages: IngestedMessage[] = [];
    const ingest = new ZmqIngest({ endpoints: [{ endpoint: s.endpoint, topics: [] }], onMessage: (m) => messages.push(m) });
    await ingest.start();
    cleanups.push(() => ingest.close());
    await until('300 messages', () => ingest.stats().received >= 300, 10_000);
    const st = ingest.stats();
    assert.ok(st.malformed > 40 && st.malformed < 150, `${st.malformed} malformed of ${st.received}`);
    assert.equal(st.gaps, 0, 'malformed messages do not use up shot_ids');
    assert.equal(st.counterResets, 0);
    const reasons = Object.entries(st.malformedByReason).filter(([, n]) => n > 0).map(([r]) => r);
    assert.ok(reasons.length >= 4, reasons.join());
    assert.equal(s.stats().sent, s.stats().shots + s.stats().malformed);
  });

  it('reaches high rates by sending batches per tick', async () => {
    const s = await sim({ rate: 50_000, sendHwm: 0 });
    const sub = new Collector(s.endpoint);
    cleanups.push(() => sub.close());
    await until('the first shot', () => sub.messages.length > 0);
    const start = s.stats().sent;
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, 500));
    const sent = s.stats().sent - start;
    const ms = performance.now() - t0;
    // Timers fire at most about once a millisecond: more messages than milliseconds means it sends batches per tick.
    // (How fast it goes is for the benchmark, not a test.)
    assert.ok(sent > 2 * ms, `${sent} messages in ${Math.round(ms)} ms at rate 50,000`);
    await s.stop();
    // a ceiling for a loaded machine, not a speed requirement: nothing is dropped (sendHwm 0), only queued
    await until('the subscriber to catch up', () => sub.messages.length >= s.stats().sent - start, 60_000);
    // every shot arrived in order: no EBUSY losses inside the simulator
    const ids = sub.messages.map((f) => (JSON.parse(f[1]!.toString()) as { shot_id: number }).shot_id);
    for (let i = 1; i < ids.length; i++) assert.equal(ids[i], ids[i - 1]! + 1);
  });

  it('stop() is prompt even at a slow rate, and idempotent', async () => {
    const s = await sim({ rate: 0.1 });
    const t0 = Date.now();
    await s.stop();
    await s.stop();
    assert.ok(Date.now() - t0 < 500);
    assert.equal(s.stats().sent, 1, 'the first shot goes out at start');
    assert.equal(s.running, false);
  });

  it('validates its options', () => {
    assert.throws(() => new LaserSimulator({ endpoint: 'tcp://127.0.0.1:*', rate: 0 }), /rate/);
    assert.throws(() => new LaserSimulator({ endpoint: 'tcp://127.0.0.1:*', rate: NaN }), /rate/);
    assert.throws(() => new LaserSimulator({ endpoint: 'tcp://127.0.0.1:*', malformedFraction: 2 }), /malformedFraction/);
    assert.throws(() => new LaserSimulator({ endpoint: 'tcp://127.0.0.1:*', spikeFraction: -1 }), /spikeFraction/);
    assert.equal(new LaserSimulator({ endpoint: 'tcp://127.0.0.1:*', rate: Infinity }).rate, Infinity);
  });
});
