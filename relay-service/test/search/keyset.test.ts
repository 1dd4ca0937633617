// Keyset pages against the store itself (SearchService, no HTTP): for random
// entries with missing, null and mixed-type values and random sorts, the
// pages put together are exactly the one big sorted result.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compileSearch } from '../../src/search/query.ts';
import { SearchService, type EntryDoc } from '../../src/search/service.ts';
import type { Store } from '../../src/store/types.ts';
import { BACKENDS } from './harness.ts';

const scalar = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom(0.5, -2.5),
  fc.constantFrom('', 'a', 'b', 'B', 'ab', 'é'),
  fc.boolean(),
);

const doc = fc.record({ x: scalar, y: scalar, shot: fc.integer({ min: 1, max: 4 }) });

for (const backend of BACKENDS) {
  describe(`keyset pages (${backend.name})`, { skip: backend.skip }, () => {
    let store: Store;
    let destroy: () => Promise<void>;
    let run = 0;
    before(async () => {
      ({ store, destroy } = await backend.open('keyset'));
    });
    after(async () => {
      await store?.close();
      await destroy?.();
    });

    it('all pages together are the sorted result, whatever the values', async () => {
      const service = new SearchService(store);
      const coll = store.collection<EntryDoc>('entries');
      await fc.assert(
        fc.asyncProperty(
          fc.array(doc, { minLength: 1, maxLength: 14 }),
          fc.constantFrom<['x'] | ['x', 'y'] | ['shotNumber', 'x']>(['x'], ['x', 'y'], ['shotNumber', 'x']),
          fc.constantFrom('asc', 'desc'),
          fc.constantFrom('asc', 'desc'),
          fc.integer({ min: 1, max: 5 }),
          async (docs, keys, dir1, dir2, limit) => {
            const sheet = `k${run++}`;
            await coll.insertMany(
              docs.map((d, i) => ({
                _id: `${sheet}-${String(i).padStart(2, '0')}`,
                sheet,
                shotNumber: d.shot,
                fields: { ...(d.x !== undefined && { x: d.x }), ...(d.y !== undefined && { y: d.y }) },
                deleted: false,
              })),
            );
            const sort = keys.map((k, i) => ({ field: k === 'shotNumber' ? k : `fields.${k}`, dir: i === 0 ? dir1 : dir2 }));
            const all = (await service.search(compileSearch({ sheet, sort, limit: 1000 }))).items.map((e) => e.id);
            assert.equal(all.length, docs.length);
            const seen: string[] = [];
            let cursor: string | null = null;
            for (let pages = 0; pages <= docs.length; pages++) {
              const page = await service.search(compileSearch({ sheet, sort, limit, cursor }));
              seen.push(...page.items.map((e) => e.id));
              cursor = page.nextCursor;
              if (!cursor) break;
            }
            assert.deepEqual(seen, all);
          },
        ),
        { numRuns: backend.name.startsWith('Mongo') ? 25 : 60 },
      );
    });
  });
}
