import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, readdir, appendFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ShotJournal } from '../../src/spool/journal.ts';
import type { ShotRecord } from '../../src/shot.ts';

function shot(n: number): ShotRecord {
  return { uid: `uid-${n}`, shotNumber: n, campaign: null, receivedAt: new Date().toISOString(), channels: { e: n }, triggeredBy: ['e'], thresholds: {}, source: { endpoint: 'x', topic: '' } };
}

async function appendShots(j: ShotJournal, count: number): Promise<number[]> {
  const numbers: number[] = [];
  const writes: Promise<void>[] = [];
  for (let i = 0; i < count; i++) {
    const n = j.nextShotNumber();
    numbers.push(n);
    writes.push(j.append(shot(n)));
  }
  await Promise.all(writes);
  return numbers;
}

describe('shot journal (counter and spool)', () => {
  let dir: string;
  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'journal-'))));
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('hands out 1, 2, 3… and continues after a reopen without reusing a number', async () => {
    let j = await ShotJournal.open(dir, { maxBytes: 1 << 20 });
    assert.deepEqual(await appendShots(j, 3), [1, 2, 3]);
    await j.close();
    j = await ShotJournal.open(dir, { maxBytes: 1 << 20 });
    assert.equal(j.lastShotNumber, 3);
    assert.deepEqual(await appendShots(j, 2), [4, 5]);
    await j.close();
  });

  it('keeps unacknowledged shots pending across a restart, in order', async () => {
    let j = await ShotJournal.open(dir, { maxBytes: 1 << 20 });
    await appendShots(j, 10);
    j.ack(4);
    await j.close();
    j = await ShotJournal.open(dir, { maxBytes: 1 << 20 });
    assert.deepEqual(j.pending(100).map((s) => s.shotNumber), [5, 6, 7, 8, 9, 10]);
    assert.equal(j.stats().ackedShotNumber, 4);
    j.ack(10);
    assert.equal(j.pendingCount, 0);
    await j.close();
    j = await ShotJournal.open(dir, { maxBytes: 1 << 20 });
    assert.equal(j.pendingCount, 0);
    assert.equal(j.nextShotNumber(), 11);
    await j.close();
  });

  it('without close (a crash) loses no appended shot: every resolved append is on disk', async () => {
    const j = await ShotJournal.open(dir, { maxBytes: 1 << 20 });
    await appendShots(j, 25);
    // no close(): reopen from what is on disk
    const k = await ShotJournal.open(dir, { maxBytes: 1 << 20 });
    assert.equal(k.lastShotNumber, 25);
    assert.equal(k.pendingCount, 25);
    await k.close();
    await j.close();
  });

  it('drops a torn last line left by a crash mid-write and continues after the last whole shot', async () => {
    let j = await ShotJournal.open(dir, { maxBytes: 1 << 20 });
    await appendShots(j, 3);
    await j.close();
    const [segment] = (await readdir(dir)).filter((n) => n.endsWith('.jsonl'));
    await appendFile(join(dir, segment!), '{"uid":"uid-4","shotNum');
    j = await ShotJournal.open(dir, { maxBytes: 1 << 20 });
    assert.equal(j.lastShotNumber, 3);
    assert.deepEqual(await appendShots(j, 1), [4]);
    await j.close();
    j = await ShotJournal.open(dir, { maxBytes: 1 << 20 });
    assert.deepEqual(j.pending(10).map((s) => s.shotNumber), [1, 2, 3, 4]);
    await j.close();
  });

  it('never goes below a floor known from elsewhere (the store), e.g. after losing the data dir', async () => {
    const j = await ShotJournal.open(dir, { maxBytes: 1 << 20, floor: 1234 });
    assert.equal(j.nextShotNumber(), 1235);
    await j.close();
  });

  it('group-commits appends made in one turn of the event loop', async () => {
    const j = await ShotJournal.open(dir, { maxBytes: 1 << 20 });
    const numbers = await appendShots(j, 500);
    assert.equal(numbers.at(-1), 500);
    assert.equal(j.stats().pendingBytes > 0, true);
    assert.equal(j.stats().segments, 1);
    await j.close();
  });
  it('merges appends made while a write is in progress into the next write', async () => {
    // One append per event-loop turn: each turn's group alone would be its own write and
    // fdatasync; a write (two thread-pool round trips) outlasts a turn, so groups merge.
    const j = await ShotJournal.open(dir, { maxBytes: 1 << 20 });
    const turns = 200;
    const appended: Promise<void>[] = [];
    for (let i = 1; i <= turns; i++) {
      appended.push(j.append(shot(j.nextShotNumber())));
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(appended);
    assert.equal(j.stats().lastShotNumber, turns);
    assert.ok(j.stats().writes < turns, `${j.stats().writes} writes for ${turns} turns`);
    assert.equal(j.stats().writeQueue, 0);
    await j.close();
    const again = await ShotJournal.open(dir, { maxBytes: 1 << 20 });
    assert.deepEqual((await again.next(1000)).map((s) => s.shotNumber), Array.from({ length: turns }, (_, i) => i + 1));
    await again.close();
  });
  it('keeps only a window of unsent shots in memory and reads the rest back from disk, in order, across segments and restarts', async () => {
    const opts = { maxBytes: 1 << 20, memoryRecords: 10, segmentBytes: 2_000 };
    const j = await ShotJournal.open(dir, opts);
    for (let i = 0; i < 10; i++) await appendShots(j, 10); // ten writes, so several segments
    assert.equal(j.pendingCount, 100);
    assert.equal(j.stats().inMemory, 10, 'the window');
    assert.equal(j.pending(1000).length, 10);
    assert.ok(j.stats().segments > 3, 'several segments');
    // The sender's loop: take a batch, ack it, take the next.
    const sent: number[] = [];
    for (let round = 0; round < 4; round++) {
      const batch = await j.next(7);
      assert.ok(j.stats().inMemory <= 10);
      sent.push(...batch.map((s) => s.shotNumber));
      j.ack(batch.at(-1)!.shotNumber);
    }
    assert.deepEqual(sent, Array.from({ length: 28 }, (_, i) => i + 1));
    await appendShots(j, 5); // 101..105 go behind the spilled ones
    await j.close();

    const k = await ShotJournal.open(dir, opts);
    assert.equal(k.pendingCount, 77);
    assert.equal(k.stats().inMemory, 10);
    const rest: number[] = [];
    while (k.pendingCount > 0) {
      const batch = await k.next(9);
      rest.push(...batch.map((s) => s.shotNumber));
      k.ack(batch.at(-1)!.shotNumber);
    }
    assert.deepEqual(rest, Array.from({ length: 77 }, (_, i) => i + 29));
    assert.equal(k.stats().pendingBytes, 0);
    assert.equal(k.nextShotNumber(), 106);
    await k.close();
  });

  it('is bounded: full once the unsent (and queued) shots reach maxBytes, free again when Kafka takes some', async () => {
    const j = await ShotJournal.open(dir, { maxBytes: 4_000 });
    let n = 0;
    const writes: Promise<void>[] = [];
    while (!j.full) {
      n = j.nextShotNumber();
      writes.push(j.append(shot(n)));
    }
    assert.ok(n > 5 && n < 40, `full after ${n} shots of ~200 bytes`);
    await Promise.all(writes);
    assert.equal(j.full, true);
    assert.ok(j.stats().pendingBytes >= 4_000);
    j.ack(Math.floor(n / 2));
    assert.equal(j.full, false);
    await j.close();
  });

  it('a segment file left empty by a crash right after its creation neither hides nor deletes the shots written after the restart', async () => {
    const j = await ShotJournal.open(dir, { maxBytes: 1 << 20 });
    await appendShots(j, 10);
    j.ack(10);
    await j.close();
    // the crash: the next segment was created, nothing written to it yet
    await writeFile(join(dir, '000000000011.jsonl'), '');
    const k = await ShotJournal.open(dir, { maxBytes: 1 << 20 });
    assert.deepEqual(await appendShots(k, 2), [11, 12]);
    k.ack(11); // 12 is not acknowledged
    await k.close();
    const l = await ShotJournal.open(dir, { maxBytes: 1 << 20 });
    assert.deepEqual(l.pending(10).map((s) => s.shotNumber), [12], 'shot 12 is still waiting to be sent');
    assert.equal(l.nextShotNumber(), 13, 'and its number is not handed out again');
    await l.close();
  });
});
