// What only the embedded store has: its files, the data dir lock, compaction,
// load failures. Everything a backend must do is in contract.test.ts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { createEmbeddedStore } from '../../src/store/embedded.ts';
import { openStore } from '../../src/store/index.ts';
import type { Doc } from '../../src/store/types.ts';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'shotline-embedded-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const lines = async (file: string) => (await readFile(file, 'utf8')).split('\n').filter((l) => l.length > 0);

describe('embedded store', () => {
  it('keeps one file per collection, created on first use', async () => {
    const store = await createEmbeddedStore(dir, { compactionIntervalMs: 0 });
    const shots = store.collection<Doc & { n: number }>('shots');
    store.collection('untouched');
    await shots.insertOne({ _id: 'a', n: 1 });
    assert.deepEqual((await readdir(dir)).sort(), ['shots.db', 'store.lock']);
    await store.close();
    assert.deepEqual(await readdir(dir), ['shots.db']);
  });

  it('compacts on close: one line per document and index', async () => {
    const store = await createEmbeddedStore(dir, { compactionIntervalMs: 0 });
    const c = store.collection<Doc & { n: number }>('counters');
    await c.createIndexes([{ keys: { n: 1 } }]);
    await c.insertMany([
      { _id: 'a', n: 0 },
      { _id: 'b', n: 0 },
      { _id: 'gone', n: 0 },
    ]);
    for (let i = 0; i < 20; i++) await c.updateOne({ _id: 'a' }, { $inc: { n: 1 } });
    await c.deleteMany({ _id: 'gone' });
    assert.ok((await lines(path.join(dir, 'counters.db'))).length > 20);
    await store.close();
    const kept = await lines(path.join(dir, 'counters.db'));
    assert.equal(kept.length, 3); // a, b and the index on n
    assert.ok(kept.some((l) => l.includes('"n":20')));
  });

  it('refuses a second opener of the same data dir while the first is open', async () => {
    const first = await createEmbeddedStore(dir);
    await assert.rejects(createEmbeddedStore(dir), /already open in this process/);
    await first.close();
    const second = await createEmbeddedStore(dir);
    await second.close();
  });

  it('refuses a data dir locked by another live process, takes over a dead one', async () => {
    await writeFile(path.join(dir, 'store.lock'), `${process.ppid} ${os.hostname()}\n`);
    await assert.rejects(createEmbeddedStore(dir), /in use by process/);

    const dead = spawnSync(process.execPath, ['-e', '']).pid;
    await writeFile(path.join(dir, 'store.lock'), `${dead} ${os.hostname()}\n`);
    const store = await createEmbeddedStore(dir);
    assert.equal((await readFile(path.join(dir, 'store.lock'), 'utf8')).split(' ')[0], String(process.pid));
    await store.close();
  });

  it('rejects operations after close; close is idempotent', async () => {
    const store = await createEmbeddedStore(dir);
    const c = store.collection('x');
    await c.insertOne({ _id: 'a' });
    await store.close();
    await store.close();
    await assert.rejects(c.find({}), /closed/);
    await assert.rejects(store.ping(), /closed/);
    assert.throws(() => store.collection('y'), /closed/);
  });

  it('close waits for writes already under way', async () => {
    const store = await createEmbeddedStore(dir);
    const c = store.collection<Doc & { n: number }>('busy');
    const writes = Array.from({ length: 30 }, (_, i) => c.insertOne({ _id: `d${i}`, n: i }));
    await store.close();
    await Promise.all(writes);
    const again = await createEmbeddedStore(dir);
    assert.equal(await again.collection('busy').count(), 30);
    await again.close();
  });

  it('reports a collection file it cannot load, and serves the others', async () => {
    await writeFile(path.join(dir, 'bad.db'), 'not json\nnor this\n{"_id":"ok"}\n');
    const store = await createEmbeddedStore(dir);
    await assert.rejects(store.collection('bad').find({}), /cannot load .*bad\.db/);
    await store.collection('good').insertOne({ _id: 'a' });
    assert.equal(await store.collection('good').count(), 1);
    await store.close();
  });

  it('openStore picks the embedded store without a MongoDB URL', async () => {
    const store = await openStore({ dataDir: dir, mongoUrl: '' });
    assert.equal(store.kind, 'embedded');
    await store.ping();
    await store.close();
  });

  it('openStore picks MongoDB with a URL (connecting on first use)', async () => {
    const store = await openStore({ dataDir: dir, mongoUrl: 'mongodb://127.0.0.1:1/x?serverSelectionTimeoutMS=200' });
    assert.equal(store.kind, 'mongodb');
    await assert.rejects(store.ping());
    await store.close();
  });
});
