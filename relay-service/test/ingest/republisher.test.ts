import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { Republisher, type DropReason } from '../../src/ingest/republisher.ts';
import { Collector, until } from './zmq-support.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function started(options: Partial<ConstructorParameters<typeof Republisher>[0]> = {}) {
  const drops: DropReason[] = [];
  const pub = new Republisher({ endpoint: 'tcp://127.0.0.1:*', onDrop: (r) => drops.push(r), ...options });
  await pub.start();
  cleanups.push(() => pub.close());
  return { pub, drops };
}

const isProbe = (frames: Buffer[]) => frames[0]?.toString() === 'probe';

describe('Republisher (real sockets)', () => {
  it('binds and reports the real endpoint', async () => {
    const { pub } = await started();
    assert.match(pub.endpoint, /^tcp:\/\/127\.0\.0\.1:\d+$/);
  });

  it('delivers every message, in order, as [topic, JSON]', async () => {
    const { pub, drops } = await started();
    const sub = new Collector(pub.endpoint);
    cleanups.push(() => sub.close());
    const probes = await sub.waitUntilJoined(() => pub.publish('probe', {}), isProbe);
    const N = 20_000;
    for (let i = 0; i < N; i++) {
      if (i % 2 === 0) pub.publish('laser', { shot_id: i, energy_J: 3 + i / N, nested: { ok: true } });
      else pub.publishRaw('laser', Buffer.from(`{"shot_id":${i}}`));
      // as in the relay: the receive loop yields between messages
      if (i % 100 === 99) await new Promise((r) => setImmediate(r));
    }
    pub.publishRaw('', '{"single":true}');
    await until(`${N + 1} messages`, () => sub.messages.length >= N + 1, 10_000);
    for (let i = 0; i < N; i++) {
      const [topic, body] = sub.messages[i]!;
      assert.equal(topic!.toString(), 'laser');
      assert.equal((JSON.parse(body!.toString()) as { shot_id: number }).shot_id, i);
    }
    assert.deepEqual(sub.messages[N]!.map(String), ['', '{"single":true}']);
    assert.deepEqual(JSON.parse(sub.messages[0]![1]!.toString()), { shot_id: 0, energy_J: 3, nested: { ok: true } });
    const s = pub.stats();
    assert.equal(s.published, N + 1 + probes);
    assert.equal(s.dropped, 0);
    assert.equal(s.queueDepth, 0);
    assert.deepEqual(drops, []);
  });

  it('a synchronous burst beyond what zeromq.js sends at once goes through the queue, in order, without loss', async () => {
    const { pub } = await started({ queueCapacity: 10_000 });
    const sub = new Collector(pub.endpoint);
    cleanups.push(() => sub.close());
    await sub.waitUntilJoined(() => pub.publish('probe', {}), isProbe);
    const N = 8_000;
    for (let i = 0; i < N; i++) pub.publishRaw('laser', `{"n":${i}}`); // no yielding: the socket turns busy
    assert.ok(pub.stats().queueDepth > 0, 'the burst was queued');
    await until(`${N} messages`, () => sub.messages.length >= N, 10_000);
    assert.deepEqual(sub.messages.map((m) => (JSON.parse(m[1]!.toString()) as { n: number }).n), Array.from({ length: N }, (_, i) => i));
    const s = pub.stats();
    assert.equal(s.dropped, 0);
    assert.equal(s.queueDepth, 0);
    assert.ok(s.maxQueueDepth > 0 && s.maxQueueDepth < N);
  });

  it('counts a drop when a burst overflows the queue, and still never throws', async () => {
    const { pub, drops } = await started({ queueCapacity: 100 });
    const sub = new Collector(pub.endpoint);
    cleanups.push(() => sub.close());
    await sub.waitUntilJoined(() => pub.publish('probe', {}), isProbe);
    for (let i = 0; i < 2_000; i++) pub.publishRaw('laser', `{"n":${i}}`);
    const s = pub.stats();
    assert.ok(s.dropped > 0);
    assert.ok(s.maxQueueDepth <= 100);
    assert.ok(drops.every((d) => d === 'queue-full'));
    await until('the queue to drain', () => pub.stats().queueDepth === 0);
    await until('what was not dropped to arrive', () => sub.messages.length === 2_000 - pub.stats().dropped);
    const got = sub.messages.map((m) => (JSON.parse(m[1]!.toString()) as { n: number }).n);
    assert.deepEqual(got, [...got].sort((a, b) => a - b), 'order kept');
  });

  it('never throws into the caller: unserializable, before start, after close', async () => {
    const drops: DropReason[] = [];
    const early = new Republisher({ endpoint: 'tcp://127.0.0.1:*', onDrop: (r) => drops.push(r) });
    early.publish('laser', { a: 1 });
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    await early.start();
    early.publish('laser', circular);
    early.publish('laser', { big: 10n });
    await early.close();
    early.publish('laser', { a: 1 });
    early.publishRaw('laser', '{}');
    assert.deepEqual(drops, ['not-started', 'unserializable', 'unserializable', 'closed', 'closed']);
    assert.equal(early.stats().dropped, 5);
  });

  it('a throwing onDrop callback does not reach the caller', async () => {
    const pub = new Republisher({ endpoint: 'tcp://127.0.0.1:*', onDrop: () => { throw new Error('metrics broke'); } });
    assert.doesNotThrow(() => pub.publish('laser', { a: 1 }));
    assert.equal(pub.stats().dropped, 1);
  });

  it('start() names an endpoint it cannot bind', async () => {
    const { pub } = await started();
    const second = new Republisher({ endpoint: pub.endpoint });
    await assert.rejects(second.start(), new RegExp(`cannot bind the republish endpoint ${pub.endpoint.replaceAll('.', '\\.')}`));
  });

  it('with noDrop, a subscriber stuck at its HWM makes sends fail: counted as drops, never thrown', async () => {
    const { pub, drops } = await started({ noDrop: true, sendHwm: 2 });
    const sub = new Collector(pub.endpoint, [], { receiveHwm: 2, read: false });
    cleanups.push(() => sub.close());
    const big = Buffer.alloc(256 * 1024, 0x20);
    await until('sends to be refused at the HWM', () => {
      pub.publishRaw('laser', big);
      return drops.includes('hwm');
    }, 10_000, 5);
    const before = pub.stats().dropped;
    assert.doesNotThrow(() => {
      for (let i = 0; i < 100; i++) pub.publishRaw('laser', big);
    });
    await until('the refusals to be counted', () => pub.stats().dropped >= before + 90);
    assert.ok(drops.every((d) => d === 'hwm' || d === 'queue-full'), drops.join());
    // the subscriber reads again: messages flow again
    void sub.read();
    const published = pub.stats().published;
    await until('a send to succeed again', () => {
      pub.publishRaw('laser', '{"again":true}');
      return pub.stats().published > published;
    }, 10_000, 20);
  });

  it('close() lets the queue drain (up to a timeout); nothing is left unaccounted', async () => {
    const { pub } = await started();
    const sub = new Collector(pub.endpoint);
    cleanups.push(() => sub.close());
    await sub.waitUntilJoined(() => pub.publish('probe', {}), isProbe);
    const before = pub.stats();
    for (let i = 0; i < 5_000; i++) pub.publishRaw('laser', `{"n":${i}}`);
    assert.ok(pub.stats().queueDepth > 0);
    await pub.close(2_000);
    const s = pub.stats();
    assert.equal(s.queueDepth, 0);
    assert.equal(s.published - before.published + s.dropped - before.dropped, 5_000);
    assert.equal(s.dropped, 0, 'a 2 s grace is plenty for 5,000 small messages');
    await until('all 5,000 at the subscriber', () => sub.messages.length === 5_000);
  });
});
