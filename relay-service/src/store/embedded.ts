// The embedded store: used when no MONGO_URL is configured. Each collection is
// an nedb datastore (@seald-io/nedb: in-memory with an append-only file,
// MongoDB's query language) in `<dataDir>/<name>.db`, created on first use and
// loaded once.
//
// How it keeps MongoDB's observable behaviour:
// - filters are rewritten where nedb's matcher answers differently
//   (embedded-query.ts), sorting uses MongoDB's type order;
// - every write of a collection runs under one async mutex, so a
//   read-modify-write (updateOne, findOneAndUpdate, upserts, insertMany's
//   duplicate check) cannot interleave with another write in this process;
//   nedb's own executor only serialises single nedb calls;
// - upserts build the new document from the filter's equality fields and
//   `_id` as MongoDB does (nedb's own upsert drops dotted paths and keeps
//   operator objects);
// - `modified` counts only documents whose content changed.
//
// One process owns a data dir: a lock file (`store.lock`, pid and host)
// refuses a second opener while the first is alive, since nedb keeps the data
// in memory and two writers would silently lose each other's writes.
//
// Durability: nedb appends each write to the file (no fsync) and rewrites the
// file crash-safely (write, fsync, rename) when compacting: on load, on
// close, and periodically when updates or deletes left superseded lines.
import { constants as fsConstants } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import Datastore from '@seald-io/nedb';
import { sortDocuments, toNedbQuery } from './embedded-query.ts';
import {
  assertCollectionName,
  assertDocument,
  assertFilter,
  assertFindOptions,
  assertIndexes,
  assertUpdate,
  newId,
  silentLogger,
  StoreInputError,
  upsertSeed,
  withoutUndefined,
  type StoreLogger,
} from './support.ts';
import {
  DuplicateKeyError,
  type Collection,
  type Doc,
  type Filter,
  type FindOptions,
  type IndexSpec,
  type InsertManyResult,
  type Store,
  type UpdateResult,
  type UpdateSpec,
} from './types.ts';

export interface EmbeddedStoreOptions {
  logger?: StoreLogger;
  /** Compaction of collection files that have superseded lines, every this many ms; 0: only on load and close. Default 10 minutes, at least 5 s. */
  compactionIntervalMs?: number;
}

const DEFAULT_COMPACTION_MS = 10 * 60 * 1000;
const LOCK_FILE = 'store.lock';

// ---------------------------------------------------------------------------
// nedb, typed as used here (its bundled typings model cursors loosely).

type Stored = Doc & Record<string, unknown>;

interface NedbCursor<R> extends PromiseLike<R> {
  skip(n: number): NedbCursor<R>;
  limit(n: number): NedbCursor<R>;
}

interface NedbDatastore {
  loadDatabaseAsync(): Promise<void>;
  compactDatafileAsync(): Promise<void>;
  insertAsync(doc: Stored | Stored[]): Promise<unknown>;
  findAsync(query: object, projection?: object): NedbCursor<Stored[]>;
  findOneAsync(query: object): NedbCursor<Stored | null>;
  countAsync(query: object): NedbCursor<number>;
  updateAsync(
    query: object,
    update: object,
    options: { upsert?: boolean; returnUpdatedDocs: true },
  ): Promise<{ numAffected: number; affectedDocuments: Stored | null; upsert: boolean }>;
  removeAsync(query: object, options: { multi: boolean }): Promise<number>;
  ensureIndexAsync(options: { fieldName: string | string[]; unique: boolean }): Promise<void>;
}

// nedb is CommonJS with `module.exports = Datastore`; its typings claim an ES default export.
const NedbDatastoreClass = Datastore as unknown as new (options: { filename: string }) => NedbDatastore;

/** nedb's unique-index error (from its binary search tree). */
function isUniqueViolation(err: unknown): err is Error & { key?: unknown } {
  return err instanceof Error && (err as { errorType?: unknown }).errorType === 'uniqueViolated';
}

function duplicateKey(collection: string, err: Error & { key?: unknown }): DuplicateKeyError {
  let key: string;
  try {
    key = JSON.stringify(err.key) ?? String(err.key);
  } catch {
    key = String(err.key);
  }
  return new DuplicateKeyError(`E11000 duplicate key error collection: ${collection} dup key: ${key}`);
}

/**
 * A projection that returns only `_id` (and the listed fields). nedb treats a
 * projection of `_id` alone as "omit nothing" and copies whole documents, so
 * one field that no document has is always picked as well.
 */
function keysOnly(paths: readonly string[] = []): Record<string, 1> {
  const projection: Record<string, 1> = { _id: 1, 'shotline-no-such-field': 1 };
  for (const p of paths) projection[p] = 1;
  return projection;
}

// ---------------------------------------------------------------------------

class Mutex {
  #tail: Promise<unknown> = Promise.resolve();

  run<R>(task: () => Promise<R>): Promise<R> {
    const result = this.#tail.then(task);
    this.#tail = result.catch(() => undefined);
    return result;
  }
}

/** One collection: its nedb datastore, its write mutex, its load state. */
class Table {
  readonly name: string;
  readonly file: string;
  readonly db: NedbDatastore;
  readonly mutex = new Mutex();
  /** writes since the last compaction that left superseded lines in the file */
  garbage = 0;
  loaded = false;
  #loading: Promise<void> | null = null;

  constructor(name: string, file: string) {
    this.name = name;
    this.file = file;
    this.db = new NedbDatastoreClass({ filename: file });
  }

  /** Loads the file once; a failed load is retried by the next call. */
  ready(): Promise<void> {
    if (!this.#loading) {
      this.#loading = this.db.loadDatabaseAsync().then(
        () => {
          this.loaded = true;
        },
        (err: unknown) => {
          this.#loading = null;
          throw new Error(`embedded store: cannot load ${this.file}: ${(err as Error).message}`, { cause: err });
        },
      );
    }
    return this.#loading;
  }

  async read<R>(task: (db: NedbDatastore) => PromiseLike<R>): Promise<R> {
    await this.ready();
    return task(this.db);
  }

  /** Runs `task` with no other write (or exclusive read) of this collection in between. */
  exclusive<R>(task: (db: NedbDatastore) => Promise<R>): Promise<R> {
    return this.mutex.run(async () => {
      await this.ready();
      return task(this.db);
    });
  }

  async compact(): Promise<void> {
    if (!this.loaded) return;
    this.garbage = 0;
    await this.db.compactDatafileAsync();
  }
}

class EmbeddedCollection<T extends Doc> implements Collection<T> {
  readonly name: string;
  readonly #table: Table;
  readonly #assertOpen: () => void;

  constructor(table: Table, assertOpen: () => void) {
    this.name = table.name;
    this.#table = table;
    this.#assertOpen = assertOpen;
  }

  async insertOne(doc: T): Promise<void> {
    this.#assertOpen();
    assertDocument(doc, 'document');
    const clean = withoutUndefined(doc) as Stored;
    await this.#table.exclusive(async (db) => {
      try {
        await db.insertAsync(clean);
      } catch (err) {
        throw isUniqueViolation(err) ? duplicateKey(this.name, err) : err;
      }
    });
  }

  async insertMany(docs: readonly T[]): Promise<InsertManyResult> {
    this.#assertOpen();
    docs.forEach((doc, i) => assertDocument(doc, `documents.${i}`));
    if (docs.length === 0) return { inserted: 0, duplicates: 0 };
    const clean = docs.map((d) => withoutUndefined(d) as Stored);
    return this.#table.exclusive(async (db) => {
      const ids = [...new Set(clean.map((d) => d._id))];
      const seen = new Set((await db.findAsync({ _id: { $in: ids } }, keysOnly())).map((d) => d._id));
      const fresh: Stored[] = [];
      let duplicates = 0;
      for (const doc of clean) {
        if (seen.has(doc._id)) duplicates++;
        else {
          seen.add(doc._id);
          fresh.push(doc);
        }
      }
      if (fresh.length === 0) return { inserted: 0, duplicates };
      try {
        await db.insertAsync(fresh); // all or nothing in nedb
        return { inserted: fresh.length, duplicates };
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
      }
      // A unique secondary index refused some: one by one, like MongoDB's unordered insert.
      let inserted = 0;
      for (const doc of fresh) {
        try {
          await db.insertAsync(doc);
          inserted++;
        } catch (err) {
          if (!isUniqueViolation(err)) throw err;
          duplicates++;
        }
      }
      return { inserted, duplicates };
    });
  }

  async findOne(filter: Filter, options?: Pick<FindOptions, 'sort'>): Promise<T | null> {
    this.#assertOpen();
    if (options?.sort && Object.keys(options.sort).length > 0) {
      const [first] = await this.find(filter, { sort: options.sort, limit: 1 });
      return first ?? null;
    }
    assertFilter(filter);
    const query = toNedbQuery(filter);
    return (await this.#table.read((db) => db.findOneAsync(query))) as T | null;
  }

  async find(filter: Filter, options: FindOptions = {}): Promise<T[]> {
    this.#assertOpen();
    assertFilter(filter);
    assertFindOptions(options);
    const query = toNedbQuery(filter);
    const { sort, skip = 0, limit = 0 } = options;
    if (!sort || Object.keys(sort).length === 0) {
      return (await this.#table.read((db) => {
        let cursor = db.findAsync(query);
        if (skip > 0) cursor = cursor.skip(skip);
        if (limit > 0) cursor = cursor.limit(limit);
        return cursor;
      })) as T[];
    }
    if (limit === 0) {
      const all = await this.#table.read((db) => db.findAsync(query));
      return sortDocuments(all, sort).slice(skip) as T[];
    }
    // A page of a sorted result: sort the matches' keys only, then fetch that
    // page's documents; both steps under the mutex so no write comes between.
    return this.#table.exclusive(async (db) => {
      const keys = await db.findAsync(query, keysOnly(Object.keys(sort)));
      const page = sortDocuments(keys, sort).slice(skip, skip + limit);
      if (page.length === 0) return [];
      const docs = await db.findAsync({ _id: { $in: page.map((d) => d._id) } });
      const byId = new Map(docs.map((d) => [d._id, d]));
      return page.flatMap((d) => {
        const doc = byId.get(d._id);
        return doc ? [doc as T] : [];
      });
    });
  }

  async count(filter: Filter = {}): Promise<number> {
    this.#assertOpen();
    assertFilter(filter);
    const query = toNedbQuery(filter);
    return this.#table.read((db) => db.countAsync(query));
  }

  async updateOne(filter: Filter, update: UpdateSpec, options: { upsert?: boolean } = {}): Promise<UpdateResult> {
    const { doc: _doc, ...result } = await this.#update(filter, update, options.upsert === true);
    return result;
  }

  async findOneAndUpdate(filter: Filter, update: UpdateSpec, options: { upsert?: boolean } = {}): Promise<T | null> {
    return (await this.#update(filter, update, options.upsert === true)).doc as T | null;
  }

  async #update(filter: Filter, update: UpdateSpec, upsert: boolean): Promise<UpdateResult & { doc: Stored | null }> {
    this.#assertOpen();
    assertFilter(filter);
    assertUpdate(update);
    const query = toNedbQuery(filter);
    const modifiers = withoutUndefined(update);
    return this.#table.exclusive(async (db) => {
      try {
        const before = await db.findOneAsync(query);
        if (before) {
          const { affectedDocuments: after } = await db.updateAsync({ _id: before._id }, modifiers, { returnUpdatedDocs: true });
          const modified = after !== null && !isDeepStrictEqual(before, after);
          if (modified) this.#table.garbage++;
          return { matched: 1, modified: modified ? 1 : 0, upserted: false, doc: after };
        }
        if (!upsert) return { matched: 0, modified: 0, upserted: false, doc: null };
        const seed = upsertSeed(filter);
        if (seed._id === undefined) seed._id = newId();
        else if (typeof seed._id !== 'string') throw new StoreInputError('upsert: _id in the filter must be a string');
        else if (await db.findOneAsync({ _id: seed._id })) {
          throw new DuplicateKeyError(`E11000 duplicate key error collection: ${this.name} index: _id_ dup key: { _id: ${JSON.stringify(seed._id)} }`);
        }
        // No document has the seed's _id, so nedb's upsert inserts: the seed
        // (a plain document, taken by nedb as the base) with the update applied.
        const { affectedDocuments: inserted } = await db.updateAsync(seed, modifiers, { upsert: true, returnUpdatedDocs: true });
        return { matched: 0, modified: 0, upserted: true, doc: inserted };
      } catch (err) {
        throw isUniqueViolation(err) ? duplicateKey(this.name, err) : err;
      }
    });
  }

  async deleteMany(filter: Filter): Promise<number> {
    this.#assertOpen();
    assertFilter(filter);
    const query = toNedbQuery(filter);
    return this.#table.exclusive(async (db) => {
      const n = await db.removeAsync(query, { multi: true });
      this.#table.garbage += n;
      return n;
    });
  }

  async createIndexes(indexes: readonly IndexSpec[]): Promise<void> {
    this.#assertOpen();
    assertIndexes(indexes);
    await this.#table.exclusive(async (db) => {
      for (const index of indexes) {
        const fields = Object.keys(index.keys);
        try {
          await db.ensureIndexAsync({ fieldName: fields.length === 1 ? (fields[0] as string) : fields, unique: index.unique === true });
        } catch (err) {
          if (!isUniqueViolation(err)) throw err;
          throw new DuplicateKeyError(
            `E11000 duplicate key error collection: ${this.name}: cannot create unique index ${index.name ?? fields.join('_')}, dup key: ${JSON.stringify(err.key)}`,
          );
        }
      }
    });
  }
}

// ---------------------------------------------------------------------------
// The data dir lock.

const lockedDirs = new Set<string>();

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function lockDir(dir: string, logger: StoreLogger): Promise<() => Promise<void>> {
  if (lockedDirs.has(dir)) throw new Error(`embedded store: ${dir} is already open in this process`);
  const file = path.join(dir, LOCK_FILE);
  const token = `${process.pid} ${os.hostname()}\n`;
  for (let attempt = 0; ; attempt++) {
    try {
      await fs.writeFile(file, token, { flag: 'wx', mode: 0o644 });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
    }
    const held = await fs.readFile(file, 'utf8').catch(() => '');
    const [pidText = '', host = ''] = held.trim().split(' ');
    const pid = Number(pidText);
    // Same host, another live process: in use. A lock of this pid that this
    // process does not hold is a previous run's (containers reuse pids), and
    // a lock from another host name is taken as stale (a recreated container).
    if (host === os.hostname() && Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
      throw new Error(
        `embedded store: ${dir} is in use by process ${pid} (${file}); only one process can open an embedded store ` +
          '(configure MONGO_URL to share data between processes)',
      );
    }
    logger.warn({ lock: file, held: held.trim() }, 'embedded store: taking over a stale lock');
    await fs.rm(file, { force: true });
  }
  lockedDirs.add(dir);
  return async () => {
    lockedDirs.delete(dir);
    if ((await fs.readFile(file, 'utf8').catch(() => '')) === token) await fs.rm(file, { force: true });
  };
}

// ---------------------------------------------------------------------------

export class EmbeddedStore implements Store {
  readonly kind = 'embedded' as const;
  readonly dataDir: string;
  readonly #tables = new Map<string, Table>();
  readonly #logger: StoreLogger;
  readonly #unlock: () => Promise<void>;
  readonly #timer: NodeJS.Timeout | null;
  #closing: Promise<void> | null = null;

  /** Use createEmbeddedStore. */
  constructor(dataDir: string, unlock: () => Promise<void>, options: EmbeddedStoreOptions = {}) {
    this.dataDir = dataDir;
    this.#unlock = unlock;
    this.#logger = options.logger ?? silentLogger;
    const every = options.compactionIntervalMs ?? DEFAULT_COMPACTION_MS;
    this.#timer = every > 0 ? setInterval(() => this.#compactDirty(), Math.max(every, 5000)) : null;
    this.#timer?.unref();
  }

  #assertOpen = (): void => {
    if (this.#closing) throw new Error('embedded store is closed');
  };

  collection<T extends Doc>(name: string): Collection<T> {
    this.#assertOpen();
    assertCollectionName(name);
    let table = this.#tables.get(name);
    if (!table) {
      table = new Table(name, path.join(this.dataDir, `${name}.db`));
      this.#tables.set(name, table);
    }
    return new EmbeddedCollection<T>(table, this.#assertOpen);
  }

  async ping(): Promise<void> {
    this.#assertOpen();
    await fs.access(this.dataDir, fsConstants.R_OK | fsConstants.W_OK);
  }

  #compactDirty(): void {
    for (const table of this.#tables.values()) {
      if (table.garbage === 0) continue;
      table.compact().catch((err: unknown) => this.#logger.error({ err, file: table.file }, 'embedded store: compaction failed'));
    }
  }

  /** Waits for the writes under way, compacts every loaded collection file and releases the data dir. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      if (this.#timer) clearInterval(this.#timer);
      const failures: unknown[] = [];
      for (const table of this.#tables.values()) {
        // After the writes already queued on the mutex; nedb queues the compaction after pending reads.
        await table.mutex
          .run(() => table.compact())
          .catch((err: unknown) => {
            failures.push(err);
            this.#logger.error({ err, file: table.file }, 'embedded store: compaction on close failed');
          });
      }
      await this.#unlock();
      if (failures.length > 0) throw new AggregateError(failures, 'embedded store: compaction on close failed');
    })();
    return this.#closing;
  }
}

export async function createEmbeddedStore(dataDir: string, options: EmbeddedStoreOptions = {}): Promise<EmbeddedStore> {
  const dir = path.resolve(dataDir);
  await fs.mkdir(dir, { recursive: true });
  const unlock = await lockDir(dir, options.logger ?? silentLogger);
  return new EmbeddedStore(dir, unlock, options);
}
