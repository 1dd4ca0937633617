// The store contract: one suite, run against every backend. What passes here
// is what domain code may rely on; the expectations are MongoDB's behaviour.
//
// - embedded store: always, in a fresh temp dir per group;
// - MongoDB store: when MONGO_URL is set (npm test at the repo root starts a
//   MongoDB-wire server and sets it), in a fresh database per group
//   (`<db of MONGO_URL>_<random>_<n>`), dropped afterwards. Without MONGO_URL
//   the suite is reported as skipped, never as passed.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { MongoClient } from 'mongodb';
import { createEmbeddedStore } from '../../src/store/embedded.ts';
import { createMongoStore } from '../../src/store/mongo.ts';
import { StoreInputError } from '../../src/store/support.ts';
import { DuplicateKeyError, type Collection, type Doc, type IndexSpec, type Store } from '../../src/store/types.ts';

/** Behaviours a given server is known to get wrong: key → why. The test is skipped with that reason. */
type Differences = Partial<Record<string, string>>;

interface Backend {
  /** Opens a store on this group's storage; after a close, again on the same data. */
  open(): Promise<Store>;
  /** Removes this group's storage. */
  destroy(): Promise<void>;
}

interface Ctx {
  store: Store;
  backend: Backend;
}

type MakeBackend = () => Promise<Backend>;

// ---------------------------------------------------------------------------
// Fixtures

interface Shot extends Doc {
  n: number;
  kind: string;
  tags?: string[];
  meta: { run: number; operator?: string };
  energy?: number;
  at: Date;
  note?: string | null;
}

const day = (d: number) => new Date(Date.UTC(2024, 0, d));

const SHOTS: Shot[] = [
  { _id: 's1', n: 1, kind: 'main', tags: ['a', 'b'], meta: { run: 1, operator: 'Alice' }, energy: 10.5, at: day(1), note: null },
  { _id: 's2', n: 2, kind: 'main', tags: ['b'], meta: { run: 1, operator: 'bob' }, energy: 12, at: day(2), note: 'ok' },
  { _id: 's3', n: 3, kind: 'test', tags: [], meta: { run: 2, operator: 'ALICE' }, at: day(3) },
  { _id: 's4', n: 4, kind: 'main', tags: ['c'], meta: { run: 2 }, energy: 8, at: day(4) },
  { _id: 's5', n: 5, kind: 'test', meta: { run: 3, operator: 'carol' }, energy: 12, at: day(5) },
];

const ids = (docs: readonly Doc[]) => docs.map((d) => d._id);
const sortedIds = (docs: readonly Doc[]) => ids(docs).sort();

async function rejectsDuplicate(promise: Promise<unknown>): Promise<void> {
  await assert.rejects(promise, (err: unknown) => {
    assert.ok(err instanceof DuplicateKeyError, `expected DuplicateKeyError, got ${String(err)}`);
    assert.equal(err.code, 11000);
    return true;
  });
}

// ---------------------------------------------------------------------------
// The contract

export function storeContract(name: string, makeBackend: MakeBackend, options: { skip?: string; differences?: Differences } = {}): void {
  const differences = options.differences ?? {};
  /** `it`, skipped with the reason when this backend is known to differ from MongoDB there. */
  const check = (key: string, title: string, fn: () => Promise<void>) => {
    const reason = differences[key];
    it(title, reason ? { skip: `known difference from MongoDB: ${reason}` } : {}, fn);
  };

  const skip = options.skip;
  if (skip) {
    // Reported as a skipped test with the reason, never as a pass.
    describe(name, () => it('store contract', { skip }, () => {}));
    return;
  }
  describe(name, () => {
    // Every group gets fresh storage and its own store.
    const group = (title: string, body: (ctx: Ctx) => void) =>
      describe(title, () => {
        const ctx = {} as Ctx;
        before(async () => {
          ctx.backend = await makeBackend();
          ctx.store = await ctx.backend.open();
        });
        after(async () => {
          await ctx.store?.close();
          await ctx.backend?.destroy();
        });
        body(ctx);
      });

    group('insertOne', (ctx) => {
      it('stores a document and finds it by _id', async () => {
        const c = ctx.store.collection<Shot>('shots');
        assert.equal(c.name, 'shots');
        const first = SHOTS[0] as Shot;
        await c.insertOne(first);
        assert.deepEqual(await c.findOne({ _id: 's1' }), first);
        assert.equal(await c.findOne({ _id: 'nope' }), null);
      });

      it('refuses an existing _id with DuplicateKeyError and leaves the stored document as it was', async () => {
        const c = ctx.store.collection<Shot>('shots');
        await rejectsDuplicate(c.insertOne({ ...(SHOTS[0] as Shot), kind: 'changed' }));
        assert.equal((await c.findOne({ _id: 's1' }))?.kind, 'main');
        assert.equal(await c.count(), 1);
      });
    });

    group('insertMany', (ctx) => {
      const doc = (id: string, v: number) => ({ _id: id, v });

      it('writes a batch and counts what it wrote', async () => {
        const c = ctx.store.collection<{ _id: string; v: number }>('batch');
        assert.deepEqual(await c.insertMany([doc('a', 1), doc('b', 1), doc('c', 1)]), { inserted: 3, duplicates: 0 });
      });

      it('is idempotent: a re-sent batch writes only the new documents and leaves the others unchanged', async () => {
        const c = ctx.store.collection<{ _id: string; v: number }>('batch');
        assert.deepEqual(await c.insertMany([doc('b', 2), doc('c', 2), doc('d', 2), doc('e', 2)]), { inserted: 2, duplicates: 2 });
        assert.deepEqual(await c.find({}, { sort: { _id: 1 } }), [doc('a', 1), doc('b', 1), doc('c', 1), doc('d', 2), doc('e', 2)]);
        assert.deepEqual(await c.insertMany([doc('b', 3), doc('c', 3), doc('d', 3), doc('e', 3)]), { inserted: 0, duplicates: 4 });
        assert.equal(await c.count(), 5);
      });

      it('counts a repeated _id inside one batch as a duplicate (the first one is written)', async () => {
        const c = ctx.store.collection<{ _id: string; v: number }>('batch');
        assert.deepEqual(await c.insertMany([doc('f', 1), doc('f', 2), doc('g', 1)]), { inserted: 2, duplicates: 1 });
        assert.deepEqual(await c.findOne({ _id: 'f' }), doc('f', 1));
      });

      it('accepts an empty batch', async () => {
        const c = ctx.store.collection<{ _id: string; v: number }>('batch');
        assert.deepEqual(await c.insertMany([]), { inserted: 0, duplicates: 0 });
      });
    });

    group('find: operators', (ctx) => {
      let c: Collection<Shot>;
      before(async () => {
        c = ctx.store.collection<Shot>('shots');
        await c.insertMany(SHOTS);
      });
      const expect = (filter: Record<string, unknown>, expected: string[]) => async () => {
        assert.deepEqual(sortedIds(await c.find(filter)), expected, JSON.stringify(filter));
        assert.equal(await c.count(filter), expected.length, `count ${JSON.stringify(filter)}`);
      };

      it('matches everything with an empty filter', expect({}, ['s1', 's2', 's3', 's4', 's5']));
      it('equality on a top-level field', expect({ kind: 'main' }, ['s1', 's2', 's4']));
      it('equality on a dotted path', expect({ 'meta.run': 2 }, ['s3', 's4']));
      it('equality on an embedded document', expect({ meta: { run: 2 } }, ['s4']));
      it('equality on an array field matches an element', expect({ tags: 'b' }, ['s1', 's2']));
      it('equality with a whole array', expect({ tags: ['a', 'b'] }, ['s1']));
      it('equality on a Date', expect({ at: day(2) }, ['s2']));
      it('equality with null matches null and missing fields', expect({ note: null }, ['s1', 's3', 's4', 's5']));
      it('several fields are and-ed', expect({ kind: 'main', 'meta.run': 1 }, ['s1', 's2']));
      it('$eq', expect({ 'meta.operator': { $eq: 'bob' } }, ['s2']));
      it('$ne includes documents without the field', expect({ 'meta.operator': { $ne: 'bob' } }, ['s1', 's3', 's4', 's5']));
      it('$ne on an array field: no element equals', expect({ tags: { $ne: 'b' } }, ['s3', 's4', 's5']));
      it('$ne null: the field exists and is not null', expect({ note: { $ne: null } }, ['s2']));
      it('$gt and $lte together', expect({ n: { $gt: 2, $lte: 4 } }, ['s3', 's4']));
      it('$gte on a dotted path', expect({ 'meta.run': { $gte: 2 } }, ['s3', 's4', 's5']));
      it('$lt leaves out documents without the field', expect({ energy: { $lt: 11 } }, ['s1', 's4']));
      it('$gte and $lt on Dates', expect({ at: { $gte: day(2), $lt: day(4) } }, ['s2', 's3']));
      it('$gt on strings', expect({ kind: { $gt: 'pilot' } }, ['s3', 's5']));
      it('$in', expect({ kind: { $in: ['test', 'other'] } }, ['s3', 's5']));
      it('$in against an array field', expect({ tags: { $in: ['a', 'c'] } }, ['s1', 's4']));
      it('$in on a dotted path', expect({ 'meta.operator': { $in: ['bob', 'carol'] } }, ['s2', 's5']));
      it('$in with null matches missing fields', expect({ 'meta.operator': { $in: [null, 'bob'] } }, ['s2', 's4']));
      it('$in with an empty list matches nothing', expect({ kind: { $in: [] } }, []));
      it('$nin', expect({ kind: { $nin: ['main'] } }, ['s3', 's5']));
      it('$nin on an array field: no element in the list', expect({ tags: { $nin: ['b'] } }, ['s3', 's4', 's5']));
      it('$exists: false', expect({ energy: { $exists: false } }, ['s3']));
      it('$exists: true (an empty array exists)', expect({ tags: { $exists: true } }, ['s1', 's2', 's3', 's4']));
      it('$exists on a dotted path', expect({ 'meta.operator': { $exists: true } }, ['s1', 's2', 's3', 's5']));
      it('$exists: true with a null value', expect({ note: { $exists: true } }, ['s1', 's2']));
      it('$regex string with case-insensitive $options', expect({ 'meta.operator': { $regex: '^alice$', $options: 'i' } }, ['s1', 's3']));
      it('$regex as a RegExp', expect({ 'meta.operator': { $regex: /^b/ } }, ['s2']));
      it('a RegExp value with the i flag', expect({ 'meta.operator': /^ali/i }, ['s1', 's3']));
      it('$regex is case-sensitive without the option', expect({ 'meta.operator': { $regex: '^Ali' } }, ['s1']));
      it('$regex against an array field', expect({ tags: { $regex: '^[ab]$' } }, ['s1', 's2']));
      it('$regex only matches strings', expect({ n: { $regex: '1' } }, []));
      it('$or', expect({ $or: [{ kind: 'test' }, { energy: { $gt: 11 } }] }, ['s2', 's3', 's5']));
      it('$and with a nested $or', expect({ $and: [{ kind: 'main' }, { $or: [{ 'meta.run': 2 }, { tags: 'a' }] }] }, ['s1', 's4']));
      it('$and on the same field', expect({ $and: [{ n: { $gt: 1 } }, { n: { $lt: 4 } }] }, ['s2', 's3']));
      it('fields next to $or', expect({ kind: 'main', $or: [{ n: 1 }, { n: 4 }] }, ['s1', 's4']));
      it('$exists and equality on paths through arrays and embedded documents', async () => {
        const p = ctx.store.collection<Doc & Record<string, unknown>>('paths');
        await p.insertMany([
          { _id: 'e1', a: [] },
          { _id: 'e2', a: { b: [] } },
          { _id: 'e3', a: [{ b: 1 }, { c: 2 }] },
          { _id: 'e4', a: [{ c: 1 }] },
          { _id: 'e5' },
        ]);
        const match = async (filter: Record<string, unknown>) => sortedIds(await p.find(filter));
        assert.deepEqual(await match({ 'a.b': { $exists: true } }), ['e2', 'e3']);
        assert.deepEqual(await match({ 'a.b': { $exists: false } }), ['e1', 'e4', 'e5']);
        assert.deepEqual(await match({ 'a.c': { $exists: true } }), ['e3', 'e4']);
        assert.deepEqual(await match({ a: { $exists: true } }), ['e1', 'e2', 'e3', 'e4']);
        assert.deepEqual(await match({ 'a.b': 1 }), ['e3']);
        assert.deepEqual(await match({ 'a.c': { $gte: 1 } }), ['e3', 'e4']);
      });

      it('$in on _id', expect({ _id: { $in: ['s2', 's4', 'zz'] } }, ['s2', 's4']));
      it('$gt on _id', expect({ _id: { $gt: 's3' } }, ['s4', 's5']));
    });

    group('find: sort, skip, limit, count', (ctx) => {
      let c: Collection<Shot>;
      before(async () => {
        c = ctx.store.collection<Shot>('shots');
        await c.insertMany(SHOTS);
      });

      it('sorts on two keys', async () => {
        assert.deepEqual(ids(await c.find({}, { sort: { kind: 1, n: -1 } })), ['s4', 's2', 's1', 's5', 's3']);
        assert.deepEqual(ids(await c.find({}, { sort: { kind: -1, n: 1 } })), ['s3', 's5', 's1', 's2', 's4']);
      });

      it('skips and limits after sorting', async () => {
        assert.deepEqual(ids(await c.find({}, { sort: { kind: 1, n: -1 }, skip: 1, limit: 3 })), ['s2', 's1', 's5']);
        assert.deepEqual(ids(await c.find({}, { sort: { kind: 1, n: -1 }, skip: 3 })), ['s5', 's3']);
        assert.deepEqual(ids(await c.find({}, { sort: { n: 1 }, skip: 10, limit: 2 })), []);
        assert.deepEqual(ids(await c.find({ kind: 'main' }, { sort: { n: -1 }, limit: 2 })), ['s4', 's2']);
      });

      it('returns whole documents from a sorted page', async () => {
        assert.deepEqual(await c.find({ kind: 'test' }, { sort: { n: 1 }, limit: 1 }), [SHOTS[2]]);
      });

      it('sorts missing fields first ascending, last descending', async () => {
        assert.deepEqual(ids(await c.find({}, { sort: { energy: 1, _id: 1 } })), ['s3', 's4', 's1', 's2', 's5']);
        assert.deepEqual(ids(await c.find({}, { sort: { energy: -1, _id: 1 } })), ['s2', 's5', 's1', 's4', 's3']);
        assert.deepEqual(ids(await c.find({}, { sort: { energy: -1, _id: 1 }, limit: 3 })), ['s2', 's5', 's1']);
      });

      it('sorts on a dotted path, strings in binary order', async () => {
        assert.deepEqual(ids(await c.find({}, { sort: { 'meta.operator': 1 } })), ['s4', 's3', 's1', 's2', 's5']);
        assert.deepEqual(ids(await c.find({}, { sort: { 'meta.operator': -1 }, limit: 2 })), ['s5', 's2']);
      });

      it('sorts on Dates', async () => {
        assert.deepEqual(ids(await c.find({ kind: 'main' }, { sort: { at: -1 } })), ['s4', 's2', 's1']);
      });

      check('array-sort', 'sorts arrays by their smallest element ascending, largest descending', async () => {
        const a = ctx.store.collection<{ _id: string; vals: number[] }>('arrays');
        await a.insertMany([
          { _id: 'x1', vals: [5, 1] },
          { _id: 'x2', vals: [3] },
          { _id: 'x3', vals: [2, 4] },
        ]);
        assert.deepEqual(ids(await a.find({}, { sort: { vals: 1 } })), ['x1', 'x3', 'x2']);
        assert.deepEqual(ids(await a.find({}, { sort: { vals: -1 } })), ['x1', 'x3', 'x2']);
        assert.deepEqual(ids(await a.find({}, { sort: { vals: -1 }, limit: 2 })), ['x1', 'x3']);
      });

      it('limits and skips without a sort', async () => {
        assert.equal((await c.find({}, { limit: 2 })).length, 2);
        assert.equal((await c.find({}, { skip: 2 })).length, 3);
        const all = ids(await c.find({}));
        assert.deepEqual([...ids(await c.find({}, { limit: 3 })), ...ids(await c.find({}, { skip: 3 }))].sort(), [...all].sort());
      });

      it('findOne honours the sort', async () => {
        assert.equal((await c.findOne({ kind: 'main' }, { sort: { n: -1 } }))?._id, 's4');
        assert.equal((await c.findOne({}, { sort: { 'meta.run': -1, n: 1 } }))?._id, 's5');
        assert.equal(await c.findOne({ kind: 'none' }, { sort: { n: 1 } }), null);
      });

      it('counts', async () => {
        assert.equal(await c.count(), 5);
        assert.equal(await c.count({}), 5);
        assert.equal(await c.count({ kind: 'main' }), 3);
        assert.equal(await c.count({ kind: 'none' }), 0);
        assert.equal(await ctx.store.collection('empty').count(), 0);
        assert.deepEqual(await ctx.store.collection('empty').find({}, { sort: { a: 1 }, limit: 1 }), []);
      });
    });

    group('updateOne', (ctx) => {
      interface Item extends Doc {
        kind?: string;
        meta?: Record<string, unknown>;
        status?: string;
        count?: number;
        log?: string[];
        n?: number;
        [k: string]: unknown;
      }
      let c: Collection<Item>;
      before(async () => {
        c = ctx.store.collection<Item>('items');
        await c.insertMany([
          { _id: 'u1', kind: 'main', meta: { run: 1 }, status: 'new', count: 1, log: ['created'] },
          { _id: 'u2', kind: 'main', count: 10 },
          { _id: 'u3', kind: 'main', count: 20 },
        ]);
      });

      it('$set on new and dotted paths', async () => {
        assert.deepEqual(await c.updateOne({ _id: 'u1' }, { $set: { 'meta.op': 'x', status: 'done' } }), { matched: 1, modified: 1, upserted: false });
        const doc = await c.findOne({ _id: 'u1' });
        assert.deepEqual(doc?.meta, { run: 1, op: 'x' });
        assert.equal(doc?.status, 'done');
      });

      it('an update that changes nothing matches but does not modify', async () => {
        assert.deepEqual(await c.updateOne({ _id: 'u1' }, { $set: { 'meta.op': 'x', status: 'done' } }), { matched: 1, modified: 0, upserted: false });
      });

      it('$unset an existing field, then a missing one', async () => {
        assert.deepEqual(await c.updateOne({ _id: 'u1' }, { $unset: { status: '' } }), { matched: 1, modified: 1, upserted: false });
        assert.equal('status' in ((await c.findOne({ _id: 'u1' })) ?? {}), false);
        assert.deepEqual(await c.updateOne({ _id: 'u1' }, { $unset: { status: 1 } }), { matched: 1, modified: 0, upserted: false });
        assert.deepEqual(await c.updateOne({ _id: 'u1' }, { $unset: { 'meta.op': true } }), { matched: 1, modified: 1, upserted: false });
        assert.deepEqual((await c.findOne({ _id: 'u1' }))?.meta, { run: 1 });
      });

      it('$inc an existing field, a missing one and a dotted path', async () => {
        assert.deepEqual(await c.updateOne({ _id: 'u1' }, { $inc: { count: 2, fresh: -1.5, 'meta.run': 1 } }), { matched: 1, modified: 1, upserted: false });
        const doc = await c.findOne({ _id: 'u1' });
        assert.equal(doc?.count, 3);
        assert.equal(doc?.fresh, -1.5);
        assert.deepEqual(doc?.meta, { run: 2 });
      });

      check('inc-zero', '$inc by 0 changes nothing: matched, not modified', async () => {
        assert.deepEqual(await c.updateOne({ _id: 'u1' }, { $inc: { count: 0 } }), { matched: 1, modified: 0, upserted: false });
      });

      it('$push onto an array, onto a missing field, and $each', async () => {
        assert.deepEqual(await c.updateOne({ _id: 'u1' }, { $push: { log: 'pushed', events: { at: day(9) } } }), { matched: 1, modified: 1, upserted: false });
        await c.updateOne({ _id: 'u1' }, { $push: { log: { $each: ['x', 'y'] } } });
        const doc = await c.findOne({ _id: 'u1' });
        assert.deepEqual(doc?.log, ['created', 'pushed', 'x', 'y']);
        assert.deepEqual(doc?.events, [{ at: day(9) }]);
      });

      it('several operators in one update', async () => {
        await c.updateOne({ _id: 'u2' }, { $set: { status: 'busy' }, $inc: { count: 1 }, $push: { log: 'a' }, $unset: { kind: '' } });
        assert.deepEqual(await c.findOne({ _id: 'u2' }), { _id: 'u2', count: 11, status: 'busy', log: ['a'] });
      });

      it('changes one document even when several match', async () => {
        assert.deepEqual(await c.updateOne({ kind: 'main' }, { $set: { picked: true } }), { matched: 1, modified: 1, upserted: false });
        assert.equal(await c.count({ picked: true }), 1);
      });

      it('matches nothing without upsert: no document is written', async () => {
        assert.deepEqual(await c.updateOne({ _id: 'none' }, { $set: { status: 'x' } }), { matched: 0, modified: 0, upserted: false });
        assert.equal(await c.findOne({ _id: 'none' }), null);
      });

      it('upsert inserts a document built from _id and the equality fields of the filter', async () => {
        const filter = { _id: 'u9', kind: 'main', 'meta.run': 7, n: { $gt: 5 } };
        assert.deepEqual(await c.updateOne(filter, { $set: { status: 'new' }, $inc: { count: 1 } }, { upsert: true }), {
          matched: 0,
          modified: 0,
          upserted: true,
        });
        assert.deepEqual(await c.findOne({ _id: 'u9' }), { _id: 'u9', kind: 'main', meta: { run: 7 }, status: 'new', count: 1 });
      });

      it('upsert updates when the filter matches', async () => {
        assert.deepEqual(await c.updateOne({ _id: 'u9', kind: 'main' }, { $inc: { count: 1 } }, { upsert: true }), { matched: 1, modified: 1, upserted: false });
        assert.equal((await c.findOne({ _id: 'u9' }))?.count, 2);
        assert.equal(await c.count({ _id: 'u9' }), 1);
      });

      it('upsert takes equality fields from $eq and $and', async () => {
        assert.equal((await c.updateOne({ _id: { $eq: 'u10' }, kind: { $eq: 'x' } }, { $set: { status: 'a' } }, { upsert: true })).upserted, true);
        assert.deepEqual(await c.findOne({ _id: 'u10' }), { _id: 'u10', kind: 'x', status: 'a' });
        assert.equal((await c.updateOne({ $and: [{ _id: 'u11' }, { kind: 'y' }] }, { $set: { status: 'b' } }, { upsert: true })).upserted, true);
        assert.deepEqual(await c.findOne({ _id: 'u11' }), { _id: 'u11', kind: 'y', status: 'b' });
      });

      it('upsert without _id in the filter gives the new document a string _id', async () => {
        assert.equal((await c.updateOne({ kind: 'fresh' }, { $set: { status: 'z' } }, { upsert: true })).upserted, true);
        const doc = await c.findOne({ kind: 'fresh' });
        assert.equal(typeof doc?._id, 'string');
        assert.ok((doc?._id ?? '').length > 0);
        assert.equal(doc?.status, 'z');
      });

      it('upsert whose _id exists but whose other conditions fail raises DuplicateKeyError', async () => {
        await rejectsDuplicate(c.updateOne({ _id: 'u9', kind: 'other' }, { $set: { status: 'x' } }, { upsert: true }));
        assert.equal((await c.findOne({ _id: 'u9' }))?.kind, 'main');
      });

      it('a failing update leaves the document unchanged', async () => {
        await assert.rejects(c.updateOne({ _id: 'u3' }, { $inc: { kind: 1 } }));
        assert.deepEqual(await c.findOne({ _id: 'u3' }), { _id: 'u3', kind: 'main', count: 20 });
      });
    });

    group('optimistic concurrency', (ctx) => {
      interface Versioned extends Doc {
        revision: number;
        by?: string;
      }

      it('of two concurrent updates expecting the same revision, exactly one wins', async () => {
        const c = ctx.store.collection<Versioned>('versioned');
        await c.insertOne({ _id: 'r1', revision: 1 });
        const results = await Promise.all(
          ['A', 'B'].map((by) => c.updateOne({ _id: 'r1', revision: 1 }, { $inc: { revision: 1 }, $set: { by } })),
        );
        assert.deepEqual(results.map((r) => r.matched).sort(), [0, 1]);
        const winner = results[0]?.matched === 1 ? 'A' : 'B';
        assert.deepEqual(await c.findOne({ _id: 'r1' }), { _id: 'r1', revision: 2, by: winner });
      });

      it('under contention every revision is taken exactly once', async () => {
        const c = ctx.store.collection<Versioned>('versioned');
        await c.insertOne({ _id: 'r2', revision: 0 });
        const writers = Array.from({ length: 8 }, (_, w) => `w${w}`);
        const won: number[] = [];
        await Promise.all(
          writers.map(async (by) => {
            for (let attempt = 0; attempt < 100; attempt++) {
              const current = await c.findOne({ _id: 'r2' });
              const rev = current?.revision ?? 0;
              const r = await c.updateOne({ _id: 'r2', revision: rev }, { $inc: { revision: 1 }, $set: { by } });
              if (r.matched === 1) {
                won.push(rev + 1);
                return;
              }
            }
            assert.fail(`${by} never won`);
          }),
        );
        assert.deepEqual(
          won.sort((a, b) => a - b),
          [1, 2, 3, 4, 5, 6, 7, 8],
        );
      });
    });

    group('findOneAndUpdate', (ctx) => {
      interface Counter extends Doc {
        seq: number;
        label?: string;
      }

      it('returns the document after the update', async () => {
        const c = ctx.store.collection<Counter>('counters');
        await c.insertOne({ _id: 'c1', seq: 5 });
        assert.deepEqual(await c.findOneAndUpdate({ _id: 'c1' }, { $inc: { seq: 1 }, $set: { label: 'x' } }), { _id: 'c1', seq: 6, label: 'x' });
        assert.deepEqual(await c.findOne({ _id: 'c1' }), { _id: 'c1', seq: 6, label: 'x' });
      });

      it('returns null when nothing matches and there is no upsert', async () => {
        const c = ctx.store.collection<Counter>('counters');
        assert.equal(await c.findOneAndUpdate({ _id: 'c2' }, { $inc: { seq: 1 } }), null);
        assert.equal(await c.findOneAndUpdate({ _id: 'c1', seq: 0 }, { $inc: { seq: 1 } }), null);
        assert.equal(await c.findOne({ _id: 'c2' }), null);
      });

      it('upserts and returns the new document', async () => {
        const c = ctx.store.collection<Counter>('counters');
        assert.deepEqual(await c.findOneAndUpdate({ _id: 'c3', label: 'new' }, { $inc: { seq: 1 } }, { upsert: true }), { _id: 'c3', label: 'new', seq: 1 });
      });

      it('is an atomic counter: 50 concurrent upserting increments give 1..50 once each', async () => {
        const c = ctx.store.collection<Counter>('counters');
        const values = await Promise.all(
          Array.from({ length: 50 }, async () => (await c.findOneAndUpdate({ _id: 'seq' }, { $inc: { seq: 1 } }, { upsert: true }))?.seq),
        );
        assert.deepEqual(
          values.sort((a, b) => (a ?? 0) - (b ?? 0)),
          Array.from({ length: 50 }, (_, i) => i + 1),
        );
        assert.deepEqual(await c.findOne({ _id: 'seq' }), { _id: 'seq', seq: 50 });
      });
    });

    group('deleteMany', (ctx) => {
      it('deletes what matches and returns how many', async () => {
        const c = ctx.store.collection<Shot>('shots');
        await c.insertMany(SHOTS);
        assert.equal(await c.deleteMany({ kind: 'main', n: { $gte: 2 } }), 2);
        assert.deepEqual(sortedIds(await c.find({})), ['s1', 's3', 's5']);
        assert.equal(await c.deleteMany({ kind: 'none' }), 0);
        assert.equal(await c.deleteMany({}), 3);
        assert.equal(await c.count(), 0);
      });

      it('a deleted _id can be inserted again', async () => {
        const c = ctx.store.collection<Shot>('shots');
        await c.insertOne(SHOTS[0] as Shot);
        assert.equal(await c.count(), 1);
      });
    });

    group('indexes', (ctx) => {
      interface Part extends Doc {
        serial: string;
        kind?: string;
        at?: Date;
      }

      it('creates indexes, again without error', async () => {
        const c = ctx.store.collection<Part>('parts');
        const specs: IndexSpec[] = [
          { keys: { serial: 1 }, unique: true, name: 'serial_unique' },
          { keys: { kind: 1, at: -1 }, name: 'kind_at' },
        ];
        await c.createIndexes(specs);
        await c.createIndexes(specs);
        await c.createIndexes([]);
      });

      it('a unique index refuses a duplicate key in insertOne', async () => {
        const c = ctx.store.collection<Part>('parts');
        await c.insertOne({ _id: 'p1', serial: 'A' });
        await rejectsDuplicate(c.insertOne({ _id: 'p2', serial: 'A' }));
        assert.equal(await c.count(), 1);
      });

      it('insertMany counts unique-index clashes as duplicates and writes the rest', async () => {
        const c = ctx.store.collection<Part>('parts');
        assert.deepEqual(
          await c.insertMany([
            { _id: 'p3', serial: 'B' },
            { _id: 'p4', serial: 'A' },
            { _id: 'p1', serial: 'Z' },
            { _id: 'p5', serial: 'C' },
          ]),
          { inserted: 2, duplicates: 2 },
        );
        assert.deepEqual(sortedIds(await c.find({})), ['p1', 'p3', 'p5']);
      });

      it('an update that would duplicate a unique key raises DuplicateKeyError and changes nothing', async () => {
        const c = ctx.store.collection<Part>('parts');
        await rejectsDuplicate(c.updateOne({ _id: 'p3' }, { $set: { serial: 'A' } }));
        assert.equal((await c.findOne({ _id: 'p3' }))?.serial, 'B');
        await rejectsDuplicate(c.findOneAndUpdate({ _id: 'p3' }, { $set: { serial: 'C' } }));
        await rejectsDuplicate(c.updateOne({ _id: 'p6' }, { $set: { serial: 'C' } }, { upsert: true }));
        assert.equal(await c.findOne({ _id: 'p6' }), null);
      });

      it('a unique index is refused when the collection holds duplicates', async () => {
        const c = ctx.store.collection<Part>('parts');
        await c.insertMany([
          { _id: 'q1', serial: 'Q1', kind: 'k' },
          { _id: 'q2', serial: 'Q2', kind: 'k' },
        ]);
        await rejectsDuplicate(c.createIndexes([{ keys: { kind: 1 }, unique: true, name: 'kind_unique' }]));
        await c.insertOne({ _id: 'q3', serial: 'Q3', kind: 'k' }); // no unique index on kind was left behind
      });
    });

    group('values', (ctx) => {
      it('Dates, nested objects and arrays, null, booleans and numbers round-trip', async () => {
        const c = ctx.store.collection<Doc & Record<string, unknown>>('values');
        const doc = {
          _id: 'v1',
          at: new Date('2024-03-01T12:34:56.789Z'),
          epoch: new Date(0),
          nested: { a: { b: [1, { c: new Date('2023-01-01T00:00:00.000Z'), d: [] }], e: {} } },
          list: [{ x: 1 }, { x: 2, y: [true, false] }],
          nothing: null,
          yes: true,
          no: false,
          zero: 0,
          negative: -12.25,
          big: 2 ** 52,
          text: 'Ünïcødé ✓ 🚀',
          empty: '',
        };
        await c.insertOne(doc);
        const back = await c.findOne({ _id: 'v1' });
        assert.deepEqual(back, doc);
        assert.ok(back?.at instanceof Date);
        assert.deepEqual(await c.find({ 'nested.a.b.c': new Date('2023-01-01T00:00:00.000Z') }), [doc]);
        assert.deepEqual(await c.findOneAndUpdate({ _id: 'v1' }, { $set: { 'nested.a.e.f': new Date(5) } }), {
          ...doc,
          nested: { a: { b: doc.nested.a.b, e: { f: new Date(5) } } },
        });
      });

      it('undefined fields are not stored', async () => {
        const c = ctx.store.collection<Doc & Record<string, unknown>>('values');
        await c.insertOne({ _id: 'v2', a: 1, b: undefined, nested: { c: undefined, d: 2 } });
        assert.deepEqual(await c.findOne({ _id: 'v2' }), { _id: 'v2', a: 1, nested: { d: 2 } });
        await c.updateOne({ _id: 'v2' }, { $set: { a: 2, e: undefined } });
        assert.deepEqual(await c.findOne({ _id: 'v2' }), { _id: 'v2', a: 2, nested: { d: 2 } });
      });
    });

    group('persistence', (ctx) => {
      it('a closed and reopened store keeps documents, indexes and counters', async () => {
        const c = ctx.store.collection<Doc & Record<string, unknown>>('kept');
        await c.createIndexes([{ keys: { serial: 1 }, unique: true }]);
        await c.insertMany([
          { _id: 'k1', serial: 'S1', at: day(1), nested: { a: [1, 2] } },
          { _id: 'k2', serial: 'S2', at: day(2) },
        ]);
        await c.updateOne({ _id: 'k1' }, { $set: { 'nested.b': 'x' } });
        await c.deleteMany({ _id: 'k2' });
        await c.findOneAndUpdate({ _id: 'seq' }, { $inc: { n: 1 } }, { upsert: true });
        await ctx.store.close();

        ctx.store = await ctx.backend.open();
        const again = ctx.store.collection<Doc & Record<string, unknown>>('kept');
        assert.deepEqual(await again.find({}, { sort: { _id: 1 } }), [
          { _id: 'k1', serial: 'S1', at: day(1), nested: { a: [1, 2], b: 'x' } },
          { _id: 'seq', n: 1 },
        ]);
        await rejectsDuplicate(again.insertOne({ _id: 'k3', serial: 'S1' }));
        assert.equal((await again.findOneAndUpdate({ _id: 'seq' }, { $inc: { n: 1 } }, { upsert: true }))?.n, 2);
      });
    });

    group('ping and refused input', (ctx) => {
      it('ping resolves', async () => {
        await ctx.store.ping();
      });

      const refuses = async (promise: Promise<unknown>) => assert.rejects(promise, StoreInputError);

      it('refuses query operators outside the supported subset', async () => {
        const c = ctx.store.collection('refused');
        await refuses(c.find({ $where: 'true' }));
        await refuses(c.find({ a: { $elemMatch: { b: 1 } } }));
        await refuses(c.find({ a: { $not: { $gt: 1 } } }));
        await refuses(c.find({ a: { $gt: 1, b: 2 } }));
        await refuses(c.count({ $nor: [{ a: 1 }] }));
        await refuses(c.find({ a: { $options: 'i' } }));
        await refuses(c.find({ a: { $ne: /x/ } }));
      });

      it('refuses undefined in a filter (it would match everything)', async () => {
        const c = ctx.store.collection('refused');
        await refuses(c.findOne({ _id: undefined }));
        await refuses(c.deleteMany({ a: { $in: [undefined] } }));
      });

      it('refuses update operators outside the subset, conflicting paths and _id changes', async () => {
        const c = ctx.store.collection('refused');
        await refuses(c.updateOne({ _id: 'a' }, { $rename: { a: 'b' } } as never));
        await refuses(c.updateOne({ _id: 'a' }, {}));
        await refuses(c.updateOne({ _id: 'a' }, { $set: { a: 1 }, $inc: { a: 1 } }));
        await refuses(c.updateOne({ _id: 'a' }, { $set: { a: 1, 'a.b': 2 } }));
        await refuses(c.updateOne({ _id: 'a' }, { $set: { _id: 'b' } }));
        await refuses(c.updateOne({ _id: 'a' }, { $inc: { a: 'x' as unknown as number } }));
      });

      it('refuses documents a backend could not store unchanged', async () => {
        const c = ctx.store.collection<Doc & Record<string, unknown>>('refused');
        await refuses(c.insertOne({ _id: 'a', 'x.y': 1 }));
        await refuses(c.insertOne({ _id: 'a', nested: { $x: 1 } }));
        await refuses(c.insertOne({ _id: 'a', n: Number.NaN }));
        await refuses(c.insertMany([{ _id: 'b' }, { _id: 'a', n: Infinity }]));
        await refuses(c.insertOne({ _id: 5 } as unknown as Doc & Record<string, unknown>));
        await refuses(c.insertOne({ _id: 'a', m: new Map() }));
        assert.equal(await c.count(), 0);
      });

      it('refuses bad collection names and find options', async () => {
        assert.throws(() => ctx.store.collection('../escape'), StoreInputError);
        assert.throws(() => ctx.store.collection(''), StoreInputError);
        assert.throws(() => ctx.store.collection('system.users'), StoreInputError);
        const c = ctx.store.collection('refused');
        await refuses(c.find({}, { limit: -1 }));
        await refuses(c.find({}, { sort: { a: 2 as 1 } }));
      });
    });
  });
}

// ---------------------------------------------------------------------------
// Backends

function embeddedBackend(): MakeBackend {
  return async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'shotline-store-'));
    return {
      open: () => createEmbeddedStore(dir, { compactionIntervalMs: 0 }),
      destroy: () => rm(dir, { recursive: true, force: true }),
    };
  };
}

function mongoBackend(url: string): MakeBackend {
  const base = /^mongodb(?:\+srv)?:\/\/[^/?]*\/([^?]+)/.exec(url)?.[1] ?? 'shotline_test';
  const run = randomBytes(4).toString('hex');
  let n = 0;
  return async () => {
    const dbName = `${decodeURIComponent(base)}_${run}_${++n}`;
    return {
      open: async () => createMongoStore(url, { dbName }),
      destroy: async () => {
        const client = new MongoClient(url, { serverSelectionTimeoutMS: 5000 });
        try {
          await client.db(dbName).dropDatabase();
        } finally {
          await client.close();
        }
      },
    };
  };
}

/** What the server at `url` is, to name its known differences from MongoDB. */
async function serverDifferences(url: string): Promise<Differences> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 5000 });
  try {
    const info = await client.db('admin').command({ buildInfo: 1 });
    const ferret = typeof info.ferretdbVersion === 'string' || Array.isArray(info.ferretdbFeatures) || 'ferretdbFeatures' in info;
    if (!ferret) return {};
    return FERRETDB_V1_DIFFERENCES;
  } finally {
    await client.close();
  }
}

/** Filled from runs against the test server; each is a place where FerretDB v1 answers unlike MongoDB. */
const FERRETDB_V1_DIFFERENCES: Differences = {
  'inc-zero': 'FerretDB v1 counts `$inc: { f: 0 }` as a modification (MongoDB: matched 1, modified 0)',
};

storeContract('embedded store', embeddedBackend());

const MONGO_URL = process.env.MONGO_URL;
if (MONGO_URL) {
  storeContract('MongoDB store', mongoBackend(MONGO_URL), { differences: await serverDifferences(MONGO_URL) });
} else {
  storeContract('MongoDB store', mongoBackend('mongodb://unset'), {
    skip: 'MONGO_URL not set: the MongoDB backend is untested (npm test at the repo root starts a MongoDB-wire server and sets it)',
  });
}
