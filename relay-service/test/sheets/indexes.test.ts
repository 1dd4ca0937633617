// The entries indexes are created at every start, idempotently: a restart on
// the same storage creates them again without error, and on MongoDB the
// search's time-range index is there with its keys (docs/search.md,
// Performance). Both stores.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { MongoClient } from 'mongodb';
import { ApiClient } from '../support/api.ts';
import { startOn, testBackends, type TestBackend } from '../support/backends.ts';

const LAYOUT = { sections: [{ title: 'Target', fields: [{ key: 'material', label: 'Material', type: 'select', options: ['Cu', 'Al'] }] }] };

function suite(backend: TestBackend) {
  describe(`entries indexes (${backend.name})`, { skip: backend.skip }, () => {
    after(() => backend.cleanup());

    it('are created at a start and again at a restart on the same storage; a time-range search works after both', async () => {
      const env = await backend.env();
      const first = await startOn(backend, { env });
      try {
        const api = new ApiClient(first.url);
        assert.equal((await api.post('/api/v1/sheets', { name: 'ions', title: 'Ions', layout: LAYOUT })).status, 201);
        assert.equal((await api.post('/api/v1/sheets/ions/entries', { fields: { material: 'Cu' } })).status, 201);
      } finally {
        await first.stop();
      }
      const second = await startOn(backend, { env });
      try {
        const api = new ApiClient(second.url);
        const today = new Date().toISOString().slice(0, 10);
        const found = await api.post('/api/v1/search', { sheet: 'ions', from: today, where: [{ field: 'fields.material', op: '=', value: 'Cu' }] });
        assert.equal(found.status, 200, JSON.stringify(found.body));
        assert.equal(found.body.total, 1);
        if (env.MONGO_URL) {
          const client = new MongoClient(env.MONGO_URL, { serverSelectionTimeoutMS: 5000 });
          try {
            const indexes = await client.db().collection('entries').indexes();
            const timeRange = indexes.find((ix) => ix.name === 'sheet_receivedAt_createdAt');
            assert.deepEqual(timeRange?.key, { sheet: 1, receivedAt: 1, createdAt: 1 });
            assert.equal(new Set(indexes.map((ix) => ix.name)).size, indexes.length, 'each index once');
          } finally {
            await client.close();
          }
        }
      } finally {
        await second.stop();
      }
    });
  });
}

for (const backend of testBackends('entry-indexes')) suite(backend);
