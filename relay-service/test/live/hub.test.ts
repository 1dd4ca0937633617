// The live hub never waits for a viewer: a backed-up socket is sampled, and
// closed when it stays behind. The socket here is a stand-in whose queued
// bytes the test sets: a real WebSocket's bufferedAmount cannot be forced.
import { describe, it, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { WebSocket } from 'ws';
import { LiveHub } from '../../src/live/hub.ts';
import { createMetrics } from '../../src/metrics.ts';
import type { ShotRecord } from '../../src/shot.ts';

class Socket extends EventEmitter {
  bufferedAmount = 0;
  sent: any[] = [];
  closed: { code: number; reason: string } | null = null;
  send(text: string) {
    this.sent.push(JSON.parse(text));
  }
  close(code: number, reason: string) {
    this.closed = { code, reason };
    this.emit('close');
  }
}

const shot = (n: number): ShotRecord => ({ uid: `u${n}`, shotNumber: n, campaign: null, receivedAt: '', channels: {}, triggeredBy: [], thresholds: {}, source: { endpoint: '', topic: '' } });

describe('live hub', () => {
  let hub: LiveHub;
  afterEach(() => hub?.close());

  it('sends each stored shot to the clients that asked for shots', () => {
    hub = new LiveHub({ metrics: createMetrics(), channelHz: 10 });
    const a = new Socket();
    const b = new Socket();
    hub.add(a as unknown as WebSocket, ['shots']);
    hub.add(b as unknown as WebSocket, ['channels']);
    hub.publishShots([shot(1), shot(2)]);
    assert.deepEqual(a.sent.filter((m) => m.type === 'shot').map((m) => m.shot.shotNumber), [1, 2]);
    assert.equal(b.sent.filter((m) => m.type === 'shot').length, 0);
  });

  it('coalesces channel values to the latest, at most channelHz per client', async () => {
    const metrics = createMetrics();
    hub = new LiveHub({ metrics, channelHz: 20 });
    const s = new Socket();
    hub.add(s as unknown as WebSocket, ['channels']);
    for (let i = 0; i < 1000; i++) hub.publishTelemetry({ type: 'channels', relayId: 'r', at: String(i), values: { e: i } });
    await new Promise((r) => setTimeout(r, 120));
    const updates = s.sent.filter((m) => m.type === 'channels');
    assert.ok(updates.length >= 1 && updates.length <= 3, `${updates.length} updates for 1000 values in 120 ms at 20 Hz`);
    assert.equal(updates.at(-1).values.e, 999, 'the latest value');
  });

  it('skips messages for a backed-up client and counts them, without affecting others', () => {
    const metrics = createMetrics();
    hub = new LiveHub({ metrics, channelHz: 10 });
    const slow = new Socket();
    const fast = new Socket();
    hub.add(slow as unknown as WebSocket, ['shots']);
    hub.add(fast as unknown as WebSocket, ['shots']);
    slow.bufferedAmount = 1024 * 1024;
    hub.publishShots([shot(1), shot(2), shot(3)]);
    assert.equal(slow.sent.filter((m) => m.type === 'shot').length, 0);
    assert.equal(fast.sent.filter((m) => m.type === 'shot').length, 3);
    assert.equal(slow.closed, null);
  });

  it('closes a client that stays far behind, and forgets it', async () => {
    const metrics = createMetrics();
    hub = new LiveHub({ metrics, channelHz: 10 });
    const stuck = new Socket();
    hub.add(stuck as unknown as WebSocket, ['shots']);
    stuck.bufferedAmount = 64 * 1024 * 1024;
    hub.publishShots([shot(1)]);
    assert.equal(stuck.closed?.code, 1013);
    assert.equal(hub.clientCount, 0);
    const text = await metrics.registry.metrics();
    assert.match(text, /^shotline_live_slow_disconnects_total 1$/m);
  });
  it('closes a stalled client that has been skipped for 30 s, even though its buffer stays small', (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: 1_000_000 });
    const metrics = createMetrics();
    hub = new LiveHub({ metrics, channelHz: 10 });
    const stalled = new Socket();
    hub.add(stalled as unknown as WebSocket, ['shots']);
    stalled.bufferedAmount = 300 * 1024; // sampled, far from the 4 MiB limit
    hub.publishShots([shot(1)]);
    t.mock.timers.tick(29_000);
    hub.publishShots([shot(2)]);
    assert.equal(stalled.closed, null, 'behind for 29 s: still connected');
    t.mock.timers.tick(2_000);
    hub.publishShots([shot(3)]);
    assert.equal((stalled.closed as Socket['closed'])?.code, 1013, 'closed once behind for more than 30 s');
    assert.equal(hub.clientCount, 0);
  });

  it('a client that catches up is not closed later', (t) => {
    t.mock.timers.enable({ apis: ['Date'], now: 1_000_000 });
    hub = new LiveHub({ metrics: createMetrics(), channelHz: 10 });
    const s = new Socket();
    hub.add(s as unknown as WebSocket, ['shots']);
    s.bufferedAmount = 300 * 1024;
    hub.publishShots([shot(1)]);
    s.bufferedAmount = 0;
    t.mock.timers.tick(20_000);
    hub.publishShots([shot(2)]);
    s.bufferedAmount = 300 * 1024;
    t.mock.timers.tick(20_000);
    hub.publishShots([shot(3)]);
    assert.equal(s.closed, null);
    assert.deepEqual(s.sent.filter((m) => m.type === 'shot').map((m) => m.shot.shotNumber), [2]);
  });
});
