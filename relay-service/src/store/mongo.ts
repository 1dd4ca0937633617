// The MongoDB store: any server speaking the MongoDB wire protocol, through
// the official driver. Inputs are checked as in the embedded store
// (support.ts), so both refuse the same filters, updates and documents.
import {
  MongoBulkWriteError,
  MongoClient,
  MongoServerError,
  type Collection as DriverCollection,
  type Db,
  type Filter as DriverFilter,
  type MongoClientOptions,
  type UpdateFilter,
  type WriteConcernSettings,
} from 'mongodb';
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

export interface MongoStoreOptions {
  /** Database name; default: the one in the URL, else 'shotline'. */
  dbName?: string;
  /** Write concern of every write; default `{ w: 'majority', journal: true }` unless the URL sets w/journal/wtimeoutMS. */
  writeConcern?: WriteConcernSettings;
  logger?: StoreLogger;
  /** Further driver options; they override the defaults below and the URL. */
  clientOptions?: MongoClientOptions;
  /**
   * How long past the driver's own bound on a server heartbeat (connect and handshake,
   * connectTimeoutMS each; plus heartbeatFrequencyMS for an awaited check) it may stay
   * unanswered before the store takes the driver's monitor for stuck and replaces its client
   * (see MongoStore#checkMonitor); default 10 s.
   */
  stuckHeartbeatGraceMs?: number;
}

export const DEFAULT_WRITE_CONCERN: WriteConcernSettings = Object.freeze({ w: 'majority', journal: true });

/** Driver options for a long-running service; any of them given in the URL wins over these. */
const SERVICE_DEFAULTS: MongoClientOptions = {
  appName: 'shotline',
  serverSelectionTimeoutMS: 5000,
  connectTimeoutMS: 10_000,
  retryWrites: true,
  retryReads: true,
  // Optional properties left undefined are not stored (rather than stored as null), as in the embedded store.
  ignoreUndefined: true,
};

const URL_PATTERN = /^mongodb(?:\+srv)?:\/\/[^/?]*(?:\/([^?]*))?(?:\?(.*))?$/;

function parseUrl(url: string): { dbName: string | undefined; params: Set<string> } {
  const m = URL_PATTERN.exec(url);
  if (!m) throw new StoreInputError('MongoDB URL must look like mongodb://host[:port][,host…]/[db][?options]');
  try {
    const dbName = m[1] ? decodeURIComponent(m[1]) : undefined;
    const params = new Set((m[2] ?? '').split('&').filter(Boolean).map((kv) => decodeURIComponent(kv.split('=')[0] ?? '').toLowerCase()));
    return { dbName: dbName || undefined, params };
  } catch {
    throw new StoreInputError('MongoDB URL: bad percent-encoding');
  }
}

function clientOptionsFor(url: string, options: MongoStoreOptions): MongoClientOptions {
  const { params } = parseUrl(url);
  const out: MongoClientOptions = {};
  for (const [key, value] of Object.entries(SERVICE_DEFAULTS)) {
    if (!params.has(key.toLowerCase())) (out as Record<string, unknown>)[key] = value;
  }
  const urlSetsWriteConcern = ['w', 'journal', 'wtimeoutms'].some((k) => params.has(k));
  if (options.writeConcern) out.writeConcern = options.writeConcern;
  else if (!urlSetsWriteConcern) out.writeConcern = { ...DEFAULT_WRITE_CONCERN };
  return { ...out, ...options.clientOptions };
}

/**
 * E11000, or what FerretDB v1 (SQLite) answers instead when an update or a
 * unique index creation meets a duplicate key: InternalError (code 1) with
 * SQLite's "UNIQUE constraint failed". Only insert and upsert get E11000 there.
 */
export function isDuplicateKeyError(err: unknown): boolean {
  if (!(err instanceof MongoServerError)) return false;
  if (err.code === 11000 || err.code === 11001) return true;
  return err.code === 1 && err.message.includes('UNIQUE constraint failed');
}

function toDuplicateKeyError(err: unknown): unknown {
  if (!isDuplicateKeyError(err)) return err;
  const dup = new DuplicateKeyError((err as Error).message);
  Object.defineProperty(dup, 'cause', { value: err, configurable: true, writable: true });
  return dup;
}

/** Documents as the driver sees them. */
interface Raw {
  _id: string;
  [field: string]: unknown;
}

/** The checked filter, typed for the driver. */
const f = (filter: Filter): DriverFilter<Raw> => filter as DriverFilter<Raw>;

/** Upserts retried when they lose a race to insert the same key (servers that do not retry it themselves). */
const UPSERT_ATTEMPTS = 3;

class MongoCollection<T extends Doc> implements Collection<T> {
  readonly name: string;
  /** the driver's collection on the store's current client (the store may replace its client) */
  readonly #driver: () => DriverCollection<Raw>;

  constructor(name: string, driver: () => DriverCollection<Raw>) {
    this.name = name;
    this.#driver = driver;
  }

  get #coll(): DriverCollection<Raw> {
    return this.#driver();
  }

  async insertOne(doc: T): Promise<void> {
    assertDocument(doc, 'document');
    try {
      await this.#coll.insertOne(doc as unknown as Raw);
    } catch (err) {
      throw toDuplicateKeyError(err);
    }
  }

  async insertMany(docs: readonly T[]): Promise<InsertManyResult> {
    docs.forEach((doc, i) => assertDocument(doc, `documents.${i}`));
    if (docs.length === 0) return { inserted: 0, duplicates: 0 };
    try {
      const result = await this.#coll.insertMany(docs as unknown as readonly Raw[], { ordered: false });
      return { inserted: result.insertedCount, duplicates: 0 };
    } catch (err) {
      if (err instanceof MongoBulkWriteError && !err.err && !err.result.getWriteConcernError()) {
        const writeErrors = Array.isArray(err.writeErrors) ? err.writeErrors : [err.writeErrors];
        if (writeErrors.length > 0 && writeErrors.every((e) => e.code === 11000 || e.code === 11001)) {
          return { inserted: err.insertedCount, duplicates: writeErrors.length };
        }
      }
      throw err;
    }
  }

  async findOne(filter: Filter, options: Pick<FindOptions, 'sort'> = {}): Promise<T | null> {
    assertFilter(filter);
    assertFindOptions(options);
    return (await this.#coll.findOne(f(filter), options.sort ? { sort: options.sort } : {})) as unknown as T | null;
  }

  async find(filter: Filter, options: FindOptions = {}): Promise<T[]> {
    assertFilter(filter);
    assertFindOptions(options);
    const cursor = this.#coll.find(f(filter));
    if (options.sort && Object.keys(options.sort).length > 0) cursor.sort(options.sort);
    if (options.skip) cursor.skip(options.skip);
    if (options.limit) cursor.limit(options.limit);
    return (await cursor.toArray()) as unknown as T[];
  }

  async count(filter: Filter = {}): Promise<number> {
    assertFilter(filter);
    return this.#coll.countDocuments(f(filter));
  }

  async updateOne(filter: Filter, update: UpdateSpec, options: { upsert?: boolean } = {}): Promise<UpdateResult> {
    const upsert = options.upsert === true;
    const modifiers = prepareUpdate(filter, update, upsert);
    const query = upsert ? hoistEqualities(filter) : filter;
    const result = await retryUpsert(upsert, () => this.#coll.updateOne(f(query), modifiers, { upsert }));
    return { matched: result.matchedCount, modified: result.modifiedCount, upserted: result.upsertedCount > 0 };
  }

  async findOneAndUpdate(filter: Filter, update: UpdateSpec, options: { upsert?: boolean } = {}): Promise<T | null> {
    const upsert = options.upsert === true;
    const modifiers = prepareUpdate(filter, update, upsert);
    const query = upsert ? hoistEqualities(filter) : filter;
    // Driver 6+: without includeResultMetadata the document itself (or null) is returned.
    const doc = await retryUpsert(upsert, () =>
      this.#coll.findOneAndUpdate(f(query), modifiers, { upsert, returnDocument: 'after', includeResultMetadata: false }),
    );
    return doc as unknown as T | null;
  }

  async deleteMany(filter: Filter): Promise<number> {
    assertFilter(filter);
    return (await this.#coll.deleteMany(f(filter))).deletedCount;
  }

  async createIndexes(indexes: readonly IndexSpec[]): Promise<void> {
    assertIndexes(indexes);
    // One index per command: FerretDB v1 drops the connection (a server-side
    // panic) when one createIndexes command names two or more indexes that all
    // exist already, which is every restart of a service creating its indexes.
    for (const index of indexes) {
      try {
        await this.#coll.createIndexes([
          {
            key: index.keys,
            ...(index.unique ? { unique: true } : {}),
            ...(index.name ? { name: index.name } : {}),
          },
        ]);
      } catch (err) {
        throw toDuplicateKeyError(err);
      }
    }
  }
}

/**
 * Checks filter and update; for an upsert whose filter names no `_id`, gives
 * the new document a string `_id` (as the embedded store does) rather than
 * the server's ObjectId, so every stored `_id` is a string.
 */
function prepareUpdate(filter: Filter, update: UpdateSpec, upsert: boolean): UpdateFilter<Raw> {
  assertFilter(filter);
  assertUpdate(update);
  const modifiers = { ...update } as UpdateFilter<Raw>;
  if (!upsert) return modifiers;
  let seed: Record<string, unknown> | null = null;
  try {
    seed = upsertSeed(filter);
  } catch {
    return modifiers; // conflicting paths: the server refuses if it comes to inserting
  }
  if (seed._id === undefined) modifiers.$setOnInsert = { _id: newId() };
  else if (typeof seed._id !== 'string') throw new StoreInputError('upsert: _id in the filter must be a string');
  return modifiers;
}

/**
 * The same filter with the conditions of `$and` (and of a one-clause `$or`)
 * moved to the top level where their field is not there already. MongoDB
 * seeds an upserted document from equality conditions inside `$and` too;
 * FerretDB v1 only from top-level ones (and then gives the document an
 * ObjectId `_id`). Matching is unchanged.
 */
export function hoistEqualities(filter: Filter): Filter {
  const out: Filter = {};
  const rest: Filter[] = [];
  const clauses: Filter[] = [];
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and') clauses.push(...(value as Filter[]));
    else if (key === '$or' && Array.isArray(value) && value.length === 1) clauses.push(value[0] as Filter);
    else out[key] = value;
  }
  while (clauses.length > 0) {
    const clause = clauses.shift() as Filter;
    for (const [key, value] of Object.entries(clause)) {
      if (key === '$and') clauses.push(...(value as Filter[]));
      else if (key === '$or' && Array.isArray(value) && value.length === 1) clauses.push(value[0] as Filter);
      else if (key.startsWith('$') || Object.hasOwn(out, key)) rest.push({ [key]: value });
      else out[key] = value;
    }
  }
  if (rest.length > 0) out.$and = rest;
  return out;
}

async function retryUpsert<R>(upsert: boolean, run: () => Promise<R>): Promise<R> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      // Two upserts racing on one key: the loser's retry finds the winner's document.
      if (upsert && isDuplicateKeyError(err) && attempt < UPSERT_ATTEMPTS) continue;
      throw toDuplicateKeyError(err);
    }
  }
}

/** Readiness probes give up on a ping after this long (the driver itself waits serverSelectionTimeoutMS). */
const PING_TIMEOUT_MS = 1_500;

/** How often the store looks for a server heartbeat that never finished (a stuck monitor). */
const MONITOR_WATCH_EVERY_MS = 1_000;
const DEFAULT_STUCK_HEARTBEAT_GRACE_MS = 10_000;
/** A heartbeat's bound when connectTimeoutMS is 0 (the driver then sets none). */
const UNBOUNDED_HEARTBEAT_MS = 30_000;

export class MongoStore implements Store {
  readonly kind = 'mongodb' as const;
  readonly dbName: string;
  readonly #newClient: () => MongoClient;
  #client: MongoClient;
  #db: Db;
  readonly #collections = new Map<string, DriverCollection<Raw>>();
  readonly #logger: StoreLogger;
  readonly #stuckGraceMs: number;
  /** while the driver's monitor sees the server down: since when, and why */
  #unreachable: { since: string; reason: string } | null = null;
  #closing = false;
  #reconnecting: Promise<void> | null = null;
  /** per server address: the heartbeat in progress (started, not yet succeeded or failed) */
  readonly #heartbeats = new Map<string, { since: number; awaited: boolean }>();
  readonly #watch: NodeJS.Timeout;
  #clientRestarts = 0;

  /** Use createMongoStore. `newClient` makes a client for the store's server (called again to replace a stuck one). */
  constructor(newClient: () => MongoClient, dbName: string, logger: StoreLogger, options: { stuckHeartbeatGraceMs?: number } = {}) {
    this.#newClient = newClient;
    this.dbName = dbName;
    this.#logger = logger;
    this.#stuckGraceMs = options.stuckHeartbeatGraceMs ?? DEFAULT_STUCK_HEARTBEAT_GRACE_MS;
    this.#client = this.#attach(newClient());
    this.#db = this.#client.db(dbName);
    this.#watch = setInterval(() => this.#checkMonitor(), MONITOR_WATCH_EVERY_MS);
    this.#watch.unref();
  }

  /** How often a stuck driver monitor made the store replace its client (see #checkMonitor). */
  get clientRestarts(): number {
    return this.#clientRestarts;
  }

  /** Listens to a client for as long as it is the store's client. */
  #attach(client: MongoClient): MongoClient {
    const current = () => client === this.#client && !this.#closing;
    // The driver reconnects by itself to a server it once reached, but when its very first
    // connection fails (a service started while MongoDB is down) it closes its topology for
    // good: every later operation fails with "Topology is closed". Then connect again.
    client.on('topologyClosed', () => {
      if (!current()) return;
      this.#heartbeats.clear();
      this.#reconnect();
    });
    // Losing and regaining the server, once per change.
    client.on('serverDescriptionChanged', (event) => {
      if (!current()) return;
      const was = event.previousDescription.type;
      const now = event.newDescription.type;
      if (now === 'Unknown' && event.newDescription.error) {
        this.#unreachable = { since: this.#unreachable?.since ?? new Date().toISOString(), reason: `${event.address}: ${event.newDescription.error.message}` };
      } else if (now !== 'Unknown') {
        this.#unreachable = null;
      }
      if (was !== 'Unknown' && now === 'Unknown') {
        this.#logger.warn({ server: event.address, err: event.newDescription.error?.message }, 'mongodb store: server unreachable');
      } else if (was === 'Unknown' && now !== 'Unknown') {
        this.#logger.info({ server: event.address, type: now }, 'mongodb store: server reachable');
      }
    });
    // The heartbeat in progress per server, for #checkMonitor.
    client.on('serverHeartbeatStarted', (event) => {
      if (current()) this.#heartbeats.set(event.connectionId, { since: Date.now(), awaited: event.awaited });
    });
    const finished = (address: string) => {
      if (current()) this.#heartbeats.delete(address);
    };
    client.on('serverHeartbeatSucceeded', (event) => finished(event.connectionId));
    client.on('serverHeartbeatFailed', (event) => finished(event.connectionId));
    client.on('serverClosed', (event) => finished(event.address));
    return client;
  }

  /**
   * The driver's server monitor can get stuck for good (mongodb 7.9): when the server closes
   * all connections at once (a restart) while operations are in flight, an operation's
   * failure makes the monitor check the server at once, and that check can start writing its
   * hello on a socket that is already destroyed but whose 'close' event has not been handled
   * yet. The write then waits for a 'drain' that never comes: the heartbeat never succeeds,
   * fails or times out, the server stays Unknown, and every operation fails server selection
   * until the process restarts. The driver bounds a heartbeat itself (a new connection:
   * connect and handshake, connectTimeoutMS each; an existing one: connectTimeoutMS, plus
   * heartbeatFrequencyMS when awaited), so one unanswered well past that can only be stuck;
   * then the store replaces its client. Operations on the old one fail and their callers
   * retry them (the watcher does, with backoff).
   */
  #checkMonitor(): void {
    if (this.#closing) return;
    const { connectTimeoutMS, heartbeatFrequencyMS } = this.#client.options;
    const now = Date.now();
    for (const [address, heartbeat] of this.#heartbeats) {
      const bound = 2 * (connectTimeoutMS || UNBOUNDED_HEARTBEAT_MS) + (heartbeat.awaited ? heartbeatFrequencyMS : 0) + this.#stuckGraceMs;
      if (now - heartbeat.since <= bound) continue;
      this.#replaceClient(`the driver's monitor of ${address} started a heartbeat ${Math.round((now - heartbeat.since) / 1000)} s ago and never finished it`);
      return;
    }
  }

  #replaceClient(reason: string): void {
    const old = this.#client;
    this.#clientRestarts++;
    this.#heartbeats.clear();
    this.#collections.clear();
    this.#unreachable = { since: this.#unreachable?.since ?? new Date().toISOString(), reason };
    this.#logger.warn({ reason, restarts: this.#clientRestarts }, 'mongodb store: the driver stopped monitoring the server; replacing its client');
    this.#client = this.#attach(this.#newClient());
    this.#db = this.#client.db(this.dbName);
    // The new client connects on its next operation (and, should that fail, through #reconnect).
    void old.close().catch((err: unknown) => this.#logger.warn({ err }, 'mongodb store: closing the replaced client failed'));
  }

  /** The driver's collection on the current client. */
  #driverCollection(name: string): DriverCollection<Raw> {
    let coll = this.#collections.get(name);
    if (!coll) {
      coll = this.#db.collection<Raw>(name);
      this.#collections.set(name, coll);
    }
    return coll;
  }

  collection<T extends Doc>(name: string): Collection<T> {
    assertCollectionName(name);
    return new MongoCollection<T>(name, () => this.#driverCollection(name));
  }

  /** Resolves when the server answers; otherwise rejects saying why (what the driver last saw, and since when) within PING_TIMEOUT_MS. */
  async ping(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.#db.command({ ping: 1 }),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${PING_TIMEOUT_MS} ms`)), PING_TIMEOUT_MS))),
      ]);
    } catch (err) {
      const down = this.#unreachable;
      throw new Error(down ? `unreachable since ${down.since} (${down.reason})` : (err as Error).message, { cause: err });
    } finally {
      clearTimeout(timer);
    }
  }

  #reconnect(): void {
    if (this.#closing || this.#reconnecting) return;
    this.#reconnecting = (async () => {
      let delay = 250;
      // let the failed connect() that closed the topology finish first
      await new Promise((r) => setTimeout(r, delay));
      while (!this.#closing) {
        try {
          await this.#client.connect();
          this.#unreachable = null;
          this.#logger.info({}, 'mongodb store: connected');
          return;
        } catch (err) {
          if (this.#closing) return;
          this.#unreachable = { since: this.#unreachable?.since ?? new Date().toISOString(), reason: (err as Error).message };
          await new Promise((r) => setTimeout(r, delay));
          delay = Math.min(delay * 2, 5_000);
        }
      }
    })().finally(() => (this.#reconnecting = null));
  }

  async close(): Promise<void> {
    this.#closing = true;
    clearInterval(this.#watch);
    try {
      await this.#client.close();
    } catch (err) {
      this.#logger.error({ err }, 'mongodb store: close failed');
      throw err;
    }
  }
}

/**
 * A store on the MongoDB server at `url`. The driver connects on first use
 * (and reconnects by itself); call `ping()` to wait for the server.
 */
export function createMongoStore(url: string, options: MongoStoreOptions = {}): MongoStore {
  const dbName = options.dbName ?? parseUrl(url).dbName ?? 'shotline';
  const clientOptions = clientOptionsFor(url, options);
  return new MongoStore(() => new MongoClient(url, clientOptions), dbName, options.logger ?? silentLogger, {
    ...(options.stuckHeartbeatGraceMs !== undefined && { stuckHeartbeatGraceMs: options.stuckHeartbeatGraceMs }),
  });
}
