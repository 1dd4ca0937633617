import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, readdir, appendFile } from 'node:fs/promises';
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
});
