// The MongoDB store after the server went away. MongoDB here is MONGO_URL
// behind a TCP proxy of the test's own, which opens late or drops every
// connection at once (what a restarting server looks like to the driver);
// the server itself is never stopped.
//
// - Started while the server is down: the driver closes its topology for good
//   when the first connection fails and then fails every operation with
//   "Topology is closed"; the store connects again.
// - Every connection dropped at once while operations run: the driver's
//   server monitor can get stuck for good (see MongoStore#checkMonitor); the
//   store replaces its client.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { createMongoStore, type MongoStore } from '../../src/store/mongo.ts';
import { freePort, waitFor } from '../support/net.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../src/config.ts';
import { startShotline, type Shotline } from '../../src/shotline.ts';

const { MONGO_URL } = process.env;
const skip = MONGO_URL ? false : 'MONGO_URL not set: `npm test` at the repo root starts a MongoDB-wire server';
const target = new URL(MONGO_URL ?? 'mongodb://127.0.0.1:27017/x');

/** A TCP proxy to the MongoDB server on `port`: open it, drop every connection (and stop listening), open it again. */
class TcpProxy {
  readonly port: number;
  #server: Server | undefined;
  readonly #sockets = new Set<Socket>();

  constructor(port: number) {
    this.port = port;
  }

  open(): Promise<void> {
    this.#server = createServer((client) => {
      const upstream = connect(Number(target.port || 27017), target.hostname);
      for (const s of [client, upstream]) {
        this.#sockets.add(s);
        s.on('error', () => {});
        s.on('close', () => this.#sockets.delete(s));
      }
      client.pipe(upstream).pipe(client);
    });
    return new Promise((resolve) => this.#server!.listen(this.port, '127.0.0.1', resolve));
  }

  /** Every connection closed in one go, and no new ones until open(). */
  drop(): Promise<void> {
    for (const s of this.#sockets) s.destroy();
    const server = this.#server;
    this.#server = undefined;
    return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }
}

async function dropDatabase(db: string): Promise<void> {
  const c = new MongoClient(MONGO_URL!);
  await c.db(db).dropDatabase().catch(() => {});
  await c.close();
}

describe('MongoDB store started while the server is down', { skip }, () => {
  const db = `shotline_reconnect_${randomBytes(4).toString('hex')}`;
  let proxy: TcpProxy | undefined;
  let store: MongoStore | undefined;

  after(async () => {
    await store?.close();
    await proxy?.drop();
    await dropDatabase(db);
  });

  it('fails while nothing answers, then stores once the server is reachable, without a restart', async () => {
    proxy = new TcpProxy(await freePort());
    store = createMongoStore(`mongodb://127.0.0.1:${proxy.port}/${db}?serverSelectionTimeoutMS=500&connectTimeoutMS=500`);
    const shots = store.collection<{ _id: string; n: number }>('shots');
    await assert.rejects(shots.insertMany([{ _id: 'a', n: 1 }]));
    await assert.rejects(store.ping(), /unreachable since|no answer|ECONNREFUSED|closed/);

    await proxy.open();
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

describe('MongoDB store when the server drops every connection at once (a restart)', { skip }, () => {
  const db = `shotline_drop_${randomBytes(4).toString('hex')}`;
  let proxy: TcpProxy | undefined;
  let store: MongoStore | undefined;
  let reading = true;
  let readers: Promise<void>[] = [];

  after(async () => {
    reading = false;
    await Promise.all(readers);
    await store?.close();
    await proxy?.drop();
    await dropDatabase(db);
  });

  it('answers again after every drop, replacing its client when the driver stopped monitoring the server', { timeout: 180_000 }, async (t) => {
    proxy = new TcpProxy(await freePort());
    await proxy.open();
    // Short driver bounds, so that a stuck monitor is told from a slow one in seconds (this needs
    // a server that answers a hello within a second, not one busy with other clients' work).
    store = createMongoStore(`mongodb://127.0.0.1:${proxy.port}/${db}?connectTimeoutMS=1000`, { stuckHeartbeatGraceMs: 1000 });
    const s = store;
    const shots = s.collection<{ _id: string; n: number }>('shots');
    await shots.insertMany([{ _id: 'a', n: 1 }]);
    // Operations in flight all the time (as the watcher's writes and the relay's settings reads):
    // the driver's monitor gets stuck when one of them fails at the drop.
    readers = Array.from({ length: 4 }, async () => {
      // (a failing read waits a little: the driver fails some at once while the server is away)
      while (reading) await shots.findOne({ _id: 'a' }).catch(() => new Promise((r) => setTimeout(r, 20)));
    });

    // Whether a drop catches the monitor mid-check is a race (one drop in two or three here; the
    // driver checks at once only when its last check is 500 ms old, hence the wait): drop
    // until the store had to replace its client, then a few more times (the new client is
    // monitored as well), each time asking for an answer.
    const MAX_DROPS = 40;
    let drops = 0;
    let dropsSinceReplaced = 0;
    while (drops < MAX_DROPS && dropsSinceReplaced < 3) {
      await new Promise((r) => setTimeout(r, 700 + Math.random() * 300));
      await proxy.drop();
      drops++;
      await new Promise((r) => setTimeout(r, 200 + Math.random() * 200));
      await proxy.open();
      await waitFor(`the store to answer after drop ${drops} (client replaced ${s.clientRestarts}×)`, () => s.ping().then(() => true), 20_000, 100);
      if (s.clientRestarts > 0) dropsSinceReplaced++;
    }
    t.diagnostic(`${drops} drops; the store replaced its client ${s.clientRestarts}×`);
    assert.ok(s.clientRestarts >= 1, `no drop in ${MAX_DROPS} caught the driver's monitor mid-check, so this run proved nothing`);

    // Still the same store: writes and reads go through the new client.
    assert.deepEqual(await shots.insertMany([{ _id: 'a', n: 1 }, { _id: 'b', n: 2 }]), { inserted: 1, duplicates: 1 });
    assert.equal((await shots.findOne({ _id: 'b' }))?.n, 2);
  });
});

describe('a Shotline started while MongoDB is down', { skip }, () => {
  const db = `shotline_late_indexes_${randomBytes(4).toString('hex')}`;
  let proxy: TcpProxy | undefined;
  let shotline: Shotline | undefined;

  after(async () => {
    await shotline?.stop();
    await proxy?.drop();
    await dropDatabase(db);
  });

  it('creates its indexes (unique ones too) once the server answers, without a restart', { timeout: 200_000 }, async () => {
    proxy = new TcpProxy(await freePort());
    const dir = await mkdtemp(join(tmpdir(), 'late-indexes-'));
    const config = loadConfig({
      SHOTLINE_ROLE: 'api',
      SHOTLINE_PORT: '0',
      SHOTLINE_DATA_DIR: dir,
      SHOTLINE_ADMIN_TOKEN: 'late-indexes-admin-token-0123456789',
      // generous: a loaded test server may take seconds to answer; while the proxy is closed, refusals are immediate
      MONGO_URL: `mongodb://127.0.0.1:${proxy.port}/${db}?serverSelectionTimeoutMS=5000&connectTimeoutMS=5000`,
    });
    shotline = await startShotline(config, pino({ level: 'silent' }));
    await proxy.open();
    const client = new MongoClient(MONGO_URL!);
    try {
      const names = await waitFor(
        'the unique indexes of entries and tokens',
        async () => {
          const list = async (c: string) => (await client.db(db).collection(c).listIndexes().toArray().catch(() => [])).map((i) => String(i.name));
          const [entries, tokens] = await Promise.all([list('entries'), list('api_tokens')]);
          return entries.includes('sheet_shotKey') && tokens.includes('hash') ? { entries, tokens } : undefined;
        },
        150_000,
        500,
      );
      assert.ok(names.tokens.includes('hash'));
    } finally {
      await client.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
