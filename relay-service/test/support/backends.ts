// One test suite, run against both stores through a real Shotline over HTTP:
// the embedded store (always) and MongoDB (when MONGO_URL is set: a fresh
// database per backend instance, dropped by cleanup). Without MONGO_URL the
// MongoDB run is reported as skipped, never as passed.
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import pino, { type Logger } from 'pino';
import { loadConfig } from '../../src/config.ts';
import { startShotline, type Shotline, type ShotlineHooks } from '../../src/shotline.ts';
import { ADMIN_TOKEN } from './api.ts';
import { freePort } from './net.ts';

export interface TestBackend {
  name: string;
  /** why this backend is not tested here, or false */
  skip: string | false;
  /** A fresh data dir (and database); each call a new one. */
  env(): Promise<Record<string, string>>;
  /** The stored documents of a collection in the storage of the last env(), as the backend holds them. */
  raw(collection: string): Promise<Record<string, any>[]>;
  /** Removes everything env() made. */
  cleanup(): Promise<void>;
}

function embedded(tag: string): TestBackend {
  const dirs: string[] = [];
  return {
    name: 'embedded store',
    skip: false,
    async env() {
      const dir = await mkdtemp(join(tmpdir(), `shotline-${tag}-`));
      dirs.push(dir);
      return { SHOTLINE_DATA_DIR: dir };
    },
    async raw(collection) {
      // nedb's file: one JSON document per line, a later line replaces an earlier one with the same _id.
      const text = await readFile(join(dirs.at(-1)!, 'store', `${collection}.db`), 'utf8').catch(() => '');
      const docs = new Map<string, Record<string, any>>();
      for (const line of text.split('\n')) {
        if (!line.trim()) continue;
        const doc = JSON.parse(line);
        if (doc.$$indexCreated || doc.$$indexRemoved) continue;
        if (doc.$$deleted) docs.delete(doc._id);
        else docs.set(doc._id, doc);
      }
      return [...docs.values()];
    },
    async cleanup() {
      for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
    },
  };
}

function mongo(tag: string, url: string | undefined): TestBackend {
  const dirs: string[] = [];
  const dbs: string[] = [];
  const base = (url && /^mongodb(?:\+srv)?:\/\/[^/?]*\/([^?]+)/.exec(url)?.[1]) || 'shotline_test';
  const run = randomBytes(3).toString('hex');
  const withDb = (db: string) => url!.replace(/^(mongodb(?:\+srv)?:\/\/[^/?]*)(\/[^?]*)?/, `$1/${db}`);
  return {
    name: 'MongoDB store',
    skip: url ? false : 'MONGO_URL not set: the MongoDB backend is untested here (npm test at the repo root starts a MongoDB-wire server and sets it)',
    async env() {
      const dir = await mkdtemp(join(tmpdir(), `shotline-${tag}-m-`));
      dirs.push(dir);
      const db = `${base}_${tag}_${run}_${dbs.length + 1}`;
      dbs.push(db);
      return { SHOTLINE_DATA_DIR: dir, MONGO_URL: withDb(db) };
    },
    async raw(collection) {
      const client = new MongoClient(url!, { serverSelectionTimeoutMS: 5000 });
      try {
        return (await client.db(dbs.at(-1)).collection(collection).find({}).toArray()) as Record<string, any>[];
      } finally {
        await client.close();
      }
    },
    async cleanup() {
      if (dbs.length > 0) {
        const client = new MongoClient(url!, { serverSelectionTimeoutMS: 5000 });
        try {
          for (const db of dbs.splice(0)) await client.db(db).dropDatabase().catch(() => {});
        } finally {
          await client.close();
        }
      }
      for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
    },
  };
}

/** Both backends; `tag` names this test file's temp dirs and databases. */
export function testBackends(tag: string): TestBackend[] {
  return [embedded(tag), mongo(tag, process.env.MONGO_URL)];
}

export interface StartOptions {
  /** more environment (overrides the defaults below) */
  env?: Record<string, string>;
  hooks?: ShotlineHooks;
  logger?: Logger;
}

/**
 * A Shotline (role all, in-process bus) on a fresh storage of `backend`, on a
 * free port, with ADMIN_TOKEN as the first admin token, no simulator, and a
 * ZeroMQ endpoint nobody publishes on unless SHOTLINE_ZMQ_ENDPOINTS is given.
 */
export async function startOn(backend: TestBackend, options: StartOptions = {}): Promise<Shotline> {
  const config = loadConfig({
    SHOTLINE_PORT: '0',
    SHOTLINE_SIMULATOR: 'off',
    SHOTLINE_ZMQ_ENDPOINTS: `tcp://127.0.0.1:${await freePort()}`,
    SHOTLINE_ZMQ_PUBLISH: `tcp://127.0.0.1:${await freePort()}`,
    SHOTLINE_ADMIN_TOKEN: ADMIN_TOKEN,
    ...(await backend.env()),
    ...options.env,
  });
  return startShotline(config, options.logger ?? pino({ level: 'silent' }), options.hooks ?? {});
}
