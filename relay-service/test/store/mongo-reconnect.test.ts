// A service started while MongoDB is down must store as soon as it is back.
// The driver closes its topology for good when the first connection fails and
// then fails every operation with "Topology is closed"; the store connects
// again. MongoDB here is MONGO_URL behind a TCP proxy this test opens late.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { createMongoStore, type MongoStore } from '../../src/store/mongo.ts';
import { freePort, waitFor } from '../support/net.ts';

const { MONGO_URL } = process.env;
const skip = MONGO_URL ? false : 'MONGO_URL not set: `npm test` at the repo root starts a MongoDB-wire server';

describe('MongoDB store started while the server is down', { skip }, () => {
  const target = new URL(MONGO_URL ?? 'mongodb://127.0.0.1:27017/x');
  const db = `shotline_reconnect_${randomBytes(4).toString('hex')}`;
  let proxy: Server | undefined;
  const sockets = new Set<Socket>();
  let store: MongoStore | undefined;

  after(async () => {
    await store?.close();
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve()));
    const c = new MongoClient(MONGO_URL!);
    await c.db(db).dropDatabase().catch(() => {});
    await c.close();
  });

  it('fails while nothing answers, then stores once the server is reachable, without a restart', async () => {
    const port = await freePort();
    store = createMongoStore(`mongodb://127.0.0.1:${port}/${db}?serverSelectionTimeoutMS=500&connectTimeoutMS=500`);
    const shots = store.collection<{ _id: string; n: number }>('shots');
    await assert.rejects(shots.insertMany([{ _id: 'a', n: 1 }]));
    await assert.rejects(store.ping(), /unreachable since|no answer|ECONNREFUSED|closed/);

    proxy = createServer((client) => {
      const upstream = connect(Number(target.port || 27017), target.hostname);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('error', () => {});
        s.on('close', () => sockets.delete(s));
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => proxy!.listen(port, '127.0.0.1', resolve));

    await waitFor('an insert to succeed', async () => {
      try {
        return await shots.insertMany([{ _id: 'a', n: 1 }]);
      } catch {
        return undefined;
      }
    }, 15_000, 200);
    assert.equal((await shots.findOne({ _id: 'a' }))?.n, 1);
    await store.ping();
  });
});
