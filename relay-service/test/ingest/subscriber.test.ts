// ZmqIngest against real ZeroMQ sockets on 127.0.0.1. The fake laser is an
// XPUB, so each test publishes only once the relay's subscription arrived.
import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { ZmqIngest, type IngestedMessage, type GapInfo, type ZmqIngestOptions } from '../../src/ingest/subscriber.ts';
import { DebugBuffer, type LogSink } from '../../src/ingest/debug-buffer.ts';
import type { RejectReason } from '../../src/ingest/decoder.ts';
import { FakeLaser, until } from './zmq-support.ts';

const ISO_MICROS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;

interface Rig {
  laser: FakeLaser;
  ingest: ZmqIngest;
  messages: IngestedMessage[];
  rejects: { reason: RejectReason; detail: string; endpoint: string }[];
  gaps: { missing: number; info: GapInfo }[];
  debug: DebugBuffer;
  logs: { level: string; msg: string | undefined }[];
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function rig(topics: string[] = [], options: Partial<ZmqIngestOptions> = {}): Promise<Rig> {
  const laser = await FakeLaser.bind();
  cleanups.push(() => laser.close());
  const messages: IngestedMessage[] = [];
  const rejects: Rig['rejects'] = [];
  const gaps: Rig['gaps'] = [];
  const logs: Rig['logs'] = [];
  const logger: LogSink = {
    info: (_o, msg) => logs.push({ level: 'info', msg }),
    warn: (_o, msg) => logs.push({ level: 'warn', msg }),
    error: (_o, msg) => logs.push({ level: 'error', msg }),
  };
  const debug = new DebugBuffer({ capacity: 50 });
  const ingest = new ZmqIngest({
    endpoints: [{ endpoint: laser.endpoint, topics }],
    onMessage: (m) => messages.push(m),
    onReject: (reason, detail, endpoint) => rejects.push({ reason, detail, endpoint }),
    onGap: (missing, info) => gaps.push({ missing, info }),
    debugBuffer: debug,
    logger,
    ...options,
  });
  await ingest.start();
  cleanups.push(() => ingest.close());
  await laser.waitForSubscriptions(topics.length === 0 ? [''] : topics);
  return { laser, ingest, messages, rejects, gaps, debug, logs };
}

/** Sends a marker on `topic` and waits until it is handled: everything sent before it has been too. */
async function settle(r: Rig, topic = 'laser'): Promise<void> {
  const id = Math.random();
  await r.laser.send([topic, JSON.stringify({ marker: id })]);
  await until('the marker message', () => r.messages.some((m) => m.payload.marker === id));
}

describe('ZmqIngest (real sockets)', () => {
  it('receives single-frame and multipart messages', async () => {
    const r = await rig();
    await r.laser.send('{"shot_id":1,"energy_J":3.05}');
    await r.laser.send(['laser', '{"shot_id":2,"pointing":{"x":1.5}}']);
    await until('two messages', () => r.messages.length >= 2);
    const [single, multi] = r.messages;
    assert.equal(single!.topic, '');
    assert.deepEqual(single!.payload, { shot_id: 1, energy_J: 3.05 });
    assert.equal(single!.raw.toString(), '{"shot_id":1,"energy_J":3.05}');
    assert.equal(single!.endpoint, r.laser.endpoint);
    assert.equal(multi!.topic, 'laser');
    assert.deepEqual(multi!.payload, { shot_id: 2, pointing: { x: 1.5 } });
    assert.equal(multi!.raw.toString(), '{"shot_id":2,"pointing":{"x":1.5}}', 'raw is the payload frame');
    assert.equal(typeof multi!.receivedNs, 'bigint');
    assert.ok(multi!.receivedNs >= single!.receivedNs);
    assert.match(multi!.receivedAt, ISO_MICROS);
    assert.ok(Math.abs(Date.parse(multi!.receivedAt) - Date.now()) < 5_000, 'wall clock');
    const s = r.ingest.stats();
    assert.equal(s.received, 2);
    assert.equal(s.accepted, 2);
    assert.equal(s.malformed, 0);
    assert.equal(s.bytes, 29 + 5 + 34);
    assert.equal(s.endpoints[0]!.connected, true);
    assert.match(s.endpoints[0]!.lastMessageAt ?? '', ISO_MICROS);
    assert.deepEqual(r.debug.list().map((e) => e.status), ['ok', 'ok']);
  });

  it('applies topic filters (ZeroMQ prefix match)', async () => {
    const r = await rig(['laser', 'amp']);
    for (const topic of ['laser', 'other', 'amp', 'laser/north', 'x-laser', 'am']) await r.laser.send([topic, JSON.stringify({ topic })]);
    await r.laser.send('{"single":"frame"}'); // a single frame is filtered on its payload: dropped
    await settle(r);
    assert.deepEqual(
      r.messages.filter((m) => m.payload.marker === undefined).map((m) => m.topic),
      ['laser', 'amp', 'laser/north'],
    );
    assert.equal(r.ingest.stats().received, 4);
  });

  it('counts malformed messages by reason, keeps them for debugging, and goes on', async () => {
    const r = await rig([], { maxBytes: 256 });
    const bad: [RejectReason, (string | Buffer)[]][] = [
      ['not-json', ['laser', '{"shot_id": 1, "energy_J": 3.0']],
      ['not-object', ['laser', '[1,2,3]']],
      ['not-object', ['laser', 'null']],
      ['invalid-utf8', ['laser', Buffer.from([0x7b, 0xff, 0xfe, 0x7d])]],
      ['too-many-frames', ['laser', '{}', '{}']],
      ['empty', ['laser', '']],
      ['oversized', ['laser', `{"x":"${'a'.repeat(300)}"}`]],
      ['invalid-utf8', [Buffer.from([0xff]), '{}']],
    ];
    for (const [, frames] of bad) await r.laser.send(frames);
    await settle(r);
    const s = r.ingest.stats();
    assert.equal(s.malformed, bad.length);
    assert.deepEqual(s.malformedByReason, { oversized: 1, 'not-json': 1, 'not-object': 2, 'too-many-frames': 1, empty: 1, 'invalid-utf8': 2 });
    assert.equal(s.received, bad.length + 1);
    assert.equal(s.accepted, 1);
    assert.equal(s.endpoints[0]!.malformed, bad.length);
    assert.deepEqual(r.rejects.map((x) => x.reason), bad.map(([reason]) => reason));
    assert.ok(r.rejects.every((x) => x.endpoint === r.laser.endpoint && x.detail.length > 0));
    const kept = r.debug.list({ rejectedOnly: true });
    assert.deepEqual(kept.map((e) => e.status).reverse(), bad.map(([reason]) => reason));
    assert.equal(kept.find((e) => e.status === 'invalid-utf8' && e.topic === 'laser')!.previewEncoding, 'hex');
    assert.equal(kept.find((e) => e.status === 'oversized')!.size, 5 + 308);
    assert.equal(r.messages.length, 1, 'only the marker got through');
    assert.ok(r.logs.some((l) => l.level === 'warn' && /malformed/.test(l.msg ?? '')));
  });

  it('rate-limits malformed-message warnings', async () => {
    const r = await rig();
    for (let i = 0; i < 100; i++) await r.laser.send(['laser', 'garbage']);
    await settle(r);
    assert.equal(r.ingest.stats().malformed, 100);
    assert.equal(r.logs.filter((l) => /malformed/.test(l.msg ?? '')).length, 10);
    await r.ingest.close();
    assert.ok(r.logs.some((l) => l.msg === 'suppressed 90 similar messages'));
  });

  it("detects gaps, resets and repeats from the laser's own counter, per topic", async () => {
    const r = await rig();
    const send = (topic: string, shot_id: unknown) => r.laser.send([topic, JSON.stringify({ shot_id, energy_J: 3 })]);
    for (const id of [1, 2, 3, 6, 7]) await send('laser', id); // 4 and 5 lost
    for (const id of [100, 101, 103]) await send('amp', id); // 102 lost, other topic
    await send('laser', 7); // repeated
    await send('laser', 1); // laser restarted
    await send('laser', 2);
    await send('laser', 'not a counter'); // ignored for gaps
    await send('laser', 3);
    await settle(r);
    const s = r.ingest.stats();
    assert.equal(s.gaps, 3);
    assert.equal(s.counterResets, 1);
    assert.equal(s.duplicates, 1);
    assert.deepEqual(r.gaps, [
      { missing: 2, info: { endpoint: r.laser.endpoint, topic: 'laser', from: 3, to: 6 } },
      { missing: 1, info: { endpoint: r.laser.endpoint, topic: 'amp', from: 101, to: 103 } },
    ]);
  });

  it('uses the configured counter field, or none', async () => {
    const custom = await rig([], { laserCounterField: 'header/n' });
    for (const n of [5, 9]) await custom.laser.send(['laser', JSON.stringify({ header: { n }, shot_id: n })]);
    await settle(custom);
    assert.equal(custom.ingest.stats().gaps, 3);
    const off = await rig([], { laserCounterField: '' });
    for (const n of [5, 9]) await off.laser.send(['laser', JSON.stringify({ shot_id: n })]);
    await settle(off);
    assert.equal(off.ingest.stats().gaps, 0);
  });

  it('a throwing handler is counted and logged; the loop goes on', async () => {
    let calls = 0;
    const seen: unknown[] = [];
    const r = await rig([], {
      onMessage: (m) => {
        calls++;
        if (m.payload.boom) throw new Error('handler bug');
        seen.push(m.payload);
      },
    });
    await r.laser.send(['laser', '{"boom":true}']);
    await r.laser.send(['laser', '{"boom":true}']);
    await r.laser.send(['laser', '{"fine":1}']);
    await until('three handler calls', () => calls >= 3);
    assert.deepEqual(seen, [{ fine: 1 }]);
    assert.equal(r.ingest.stats().handlerErrors, 2);
    assert.ok(r.logs.some((l) => l.level === 'error' && /handler threw/.test(l.msg ?? '')));
  });

  it('subscribes to several endpoints, one loop each', async () => {
    const a = await FakeLaser.bind();
    const b = await FakeLaser.bind();
    cleanups.push(() => a.close(), () => b.close());
    const messages: IngestedMessage[] = [];
    const ingest = new ZmqIngest({
      endpoints: [
        { endpoint: a.endpoint, topics: [] },
        { endpoint: b.endpoint, topics: ['diag'] },
      ],
      onMessage: (m) => messages.push(m),
    });
    await ingest.start();
    cleanups.push(() => ingest.close());
    await Promise.all([a.waitForSubscriptions(['']), b.waitForSubscriptions(['diag'])]);
    await a.send(['laser', '{"from":"a"}']);
    await b.send(['laser', '{"from":"b-filtered"}']);
    await b.send(['diag', '{"from":"b"}']);
    await until('two messages', () => messages.length >= 2);
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(messages.map((m) => [m.endpoint, m.payload.from]).sort(), [[a.endpoint, 'a'], [b.endpoint, 'b']].sort());
    const s = ingest.stats();
    assert.deepEqual(s.endpoints.map((e) => [e.endpoint, e.received, e.topics]), [[a.endpoint, 1, []], [b.endpoint, 1, ['diag']]]);
  });

  it('tracks connection state and reconnects after the laser comes back', async () => {
    const r = await rig([], { reconnectIntervalMs: 50, reconnectMaxIntervalMs: 100 });
    await until('connected', () => r.ingest.stats().endpoints[0]!.connected);
    await r.laser.send(['laser', '{"shot_id":1}']);
    await until('first message', () => r.messages.length === 1);
    const endpoint = r.laser.endpoint;
    r.laser.close();
    await until('disconnected', () => !r.ingest.stats().endpoints[0]!.connected);
    assert.equal(r.ingest.stats().endpoints[0]!.disconnects, 1);
    const back = await FakeLaser.bind(endpoint);
    cleanups.push(() => back.close());
    await back.waitForSubscriptions(['']); // SUB resubscribes after reconnecting
    await back.send(['laser', '{"shot_id":5}']);
    await until('a message after the reconnect', () => r.messages.length === 2);
    const e = r.ingest.stats().endpoints[0]!;
    assert.equal(e.connected, true);
    assert.equal(e.reconnects, 1);
    assert.equal(e.gaps, 3, 'what was published while away shows up as a gap');
  });

  it('counts connection retries while the endpoint is down', async () => {
    const laser = await FakeLaser.bind();
    const endpoint = laser.endpoint;
    laser.close();
    const ingest = new ZmqIngest({ endpoints: [{ endpoint, topics: [] }], onMessage: () => {}, reconnectIntervalMs: 20, reconnectMaxIntervalMs: 40 });
    await ingest.start();
    cleanups.push(() => ingest.close());
    await until('connect retries', () => ingest.stats().endpoints[0]!.retries >= 2);
    assert.equal(ingest.stats().endpoints[0]!.connected, false);
  });

  it('close() ends the loops promptly and is idempotent; stats stay readable', async () => {
    const r = await rig();
    await r.laser.send(['laser', '{"a":1}']);
    await until('one message', () => r.messages.length === 1);
    const t0 = Date.now();
    await r.ingest.close();
    await r.ingest.close();
    assert.ok(Date.now() - t0 < 1_000);
    await r.laser.send(['laser', '{"a":2}']);
    await new Promise((res) => setTimeout(res, 50));
    assert.equal(r.messages.length, 1);
    assert.equal(r.ingest.stats().received, 1);
  });

  it('pause() leaves messages in ZeroMQ until resume(), in order, and counts pauses and time paused', async () => {
    const r = await rig();
    await settle(r);
    const before = r.messages.length;
    r.ingest.pause();
    r.ingest.pause(); // idempotent: one pause
    assert.equal(r.ingest.paused, true);
    for (let i = 1; i <= 20; i++) await r.laser.send(['laser', JSON.stringify({ shot_id: i })]);
    await new Promise((res) => setTimeout(res, 150));
    // A receive already waiting when the pause came still hands its message on; the rest wait in ZeroMQ.
    assert.ok(r.messages.length - before <= 1, `${r.messages.length - before} messages taken while paused`);
    const paused = r.ingest.stats();
    assert.equal(paused.paused, true);
    assert.equal(paused.pauses, 1);
    assert.ok(paused.pausedMs >= 100, `paused ${paused.pausedMs} ms`);
    r.ingest.resume();
    r.ingest.resume();
    await until('all 20 messages', () => r.messages.length - before === 20);
    assert.deepEqual(
      r.messages.slice(before).map((m) => m.payload.shot_id),
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
    const resumed = r.ingest.stats();
    assert.equal(resumed.paused, false);
    assert.equal(resumed.gaps, 0, 'nothing lost while paused (within the receive HWM)');
    const ms = resumed.pausedMs;
    await new Promise((res) => setTimeout(res, 30));
    assert.equal(r.ingest.stats().pausedMs, ms, 'time paused stops counting once resumed');
  });

  it('close() ends a paused loop promptly', async () => {
    const r = await rig();
    r.ingest.pause();
    const t0 = Date.now();
    await r.ingest.close();
    assert.ok(Date.now() - t0 < 1_000);
    assert.equal(r.ingest.paused, false);
  });

  it('start() names an endpoint ZeroMQ refuses', async () => {
    const ingest = new ZmqIngest({ endpoints: [{ endpoint: 'tcp://no-port-here', topics: [] }], onMessage: () => {} });
    await assert.rejects(ingest.start(), /tcp:\/\/no-port-here/);
    assert.throws(() => new ZmqIngest({ endpoints: [], onMessage: () => {} }), /no endpoints/);
  });
});
