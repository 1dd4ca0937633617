// The sender between the journal and the bus: while the bus is down shots wait
// on disk; when it returns they go out oldest first, and each one is
// acknowledged in the journal only once the bus has it.
import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { ShotJournal } from '../../src/spool/journal.ts';
import { ShotSender } from '../../src/bus/sender.ts';
import { createMetrics } from '../../src/metrics.ts';
import type { Bus, Subscription } from '../../src/bus/types.ts';
import type { ShotRecord } from '../../src/shot.ts';
import { waitFor } from '../support/net.ts';

function shot(n: number): ShotRecord {
  return { uid: `uid-${n}`, shotNumber: n, campaign: null, receivedAt: new Date().toISOString(), channels: { e: n }, triggeredBy: ['e'], thresholds: {}, source: { endpoint: 'x', topic: '' } };
}

/** A bus that is down while `down`, and that can lose its acknowledgement (it has the batch, the sender hears a failure). */
class FlakyBus implements Bus {
  readonly kind = 'memory';
  down = true;
  loseNextAck = false;
  received: number[] = [];
  attempts = 0;
  async publishShots(shots: readonly ShotRecord[]): Promise<void> {
    this.attempts++;
    if (this.down) throw new Error('broker unreachable');
    this.received.push(...shots.map((s) => s.shotNumber));
    if (this.loseNextAck) {
      this.loseNextAck = false;
      throw new Error('request timed out');
    }
  }
  publishTelemetry(): void {}
  async consumeShots(): Promise<Subscription> {
    return { close: async () => {} };
  }
  async subscribeTelemetry(): Promise<Subscription> {
    return { close: async () => {} };
  }
  async ping(): Promise<void> {}
  async close(): Promise<void> {}
}

describe('shot sender', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'sender-'))));
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('keeps shots on disk while the bus is down and sends them in order when it returns, more than fit in memory', async () => {
    const journal = await ShotJournal.open(dir, { maxBytes: 1 << 20, memoryRecords: 25, segmentBytes: 4_000 });
    const bus = new FlakyBus();
    const sender = new ShotSender({ journal, bus, metrics: createMetrics(), logger: pino({ level: 'silent' }), maxBatch: 10 });
    sender.start();
    for (let round = 0; round < 20; round++) {
      await Promise.all(Array.from({ length: 10 }, () => journal.append(shot(journal.nextShotNumber()))));
      sender.notify();
    }
    await waitFor('a failed attempt', () => (bus.attempts > 0 ? true : undefined));
    assert.equal(sender.connected, false);
    assert.match(sender.lastError ?? '', /unreachable/);
    assert.equal(journal.pendingCount, 200);
    assert.ok(journal.stats().inMemory <= 25);

    bus.down = false;
    bus.loseNextAck = true; // the first batch after the outage arrives twice
    await waitFor('every shot sent', () => (journal.pendingCount === 0 ? true : undefined), 20_000);
    const firstSeen = [...new Set(bus.received)];
    assert.deepEqual(firstSeen, Array.from({ length: 200 }, (_, i) => i + 1), 'oldest first, none missing');
    assert.equal(bus.received.length, 210, 'only the batch whose ack was lost went twice');
    assert.equal(sender.connected, true);
    assert.equal(sender.failingSince, null);
    await sender.stop();
    await journal.close();
  });
});
