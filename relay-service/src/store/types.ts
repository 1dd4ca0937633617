// One storage interface for every role. Two backends implement it: MongoDB
// (any server speaking the MongoDB wire protocol, through the official driver)
// and the embedded file-backed store used when no MONGO_URL is configured.
// Both must pass test/store/contract.test.ts; domain code (shots, settings,
// sheets) is written once against this interface and never against a backend.
//
// Queries use the MongoDB query language, restricted to what both backends
// implement identically: equality on (dotted) paths, $eq $ne $gt $gte $lt $lte
// $in $nin $exists $regex, $and $or. Updates: $set $unset $inc $push (with
// optional $each). Both backends refuse anything else, and field names with
// '.' or a leading '$', with StoreInputError. Client input never reaches a
// filter unchecked: callers build filters from validated values only.

export interface Doc {
  _id: string;
}

export type Filter = Record<string, unknown>;
export type SortSpec = Record<string, 1 | -1>;

export interface FindOptions {
  sort?: SortSpec;
  limit?: number;
  skip?: number;
}

export interface UpdateSpec {
  $set?: Record<string, unknown>;
  $unset?: Record<string, true | 1 | ''>;
  $inc?: Record<string, number>;
  $push?: Record<string, unknown>;
}

export interface InsertManyResult {
  /** documents written by this call */
  inserted: number;
  /** documents whose _id already existed: left as they were, not an error */
  duplicates: number;
}

export interface UpdateResult {
  matched: number;
  modified: number;
  upserted: boolean;
}

export interface IndexSpec {
  keys: Record<string, 1 | -1>;
  unique?: boolean;
  name?: string;
}

/** Raised when an _id or a unique index key already exists: by inserts, updates and index creation. */
export class DuplicateKeyError extends Error {
  readonly code = 11000;
  constructor(message: string) {
    super(message);
    this.name = 'DuplicateKeyError';
  }
}

export interface Collection<T extends Doc> {
  readonly name: string;
  /** Throws DuplicateKeyError when the _id exists. */
  insertOne(doc: T): Promise<void>;
  /** Unordered and idempotent: a document whose _id exists is counted as a duplicate, the rest are written. */
  insertMany(docs: readonly T[]): Promise<InsertManyResult>;
  findOne(filter: Filter, options?: Pick<FindOptions, 'sort'>): Promise<T | null>;
  find(filter: Filter, options?: FindOptions): Promise<T[]>;
  count(filter?: Filter): Promise<number>;
  updateOne(filter: Filter, update: UpdateSpec, options?: { upsert?: boolean }): Promise<UpdateResult>;
  /** Atomic update returning the document after the update (null when nothing matched and no upsert). */
  findOneAndUpdate(filter: Filter, update: UpdateSpec, options?: { upsert?: boolean }): Promise<T | null>;
  deleteMany(filter: Filter): Promise<number>;
  createIndexes(indexes: readonly IndexSpec[]): Promise<void>;
}

export interface Store {
  readonly kind: 'mongodb' | 'embedded';
  collection<T extends Doc>(name: string): Collection<T>;
  /** Resolves when the backend answers; rejects with the reason otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
