// Shared by both backends: input checks that keep the two stores answering
// the same way, and the MongoDB rules both must follow (upsert seeding, ids).
//
// Both stores run every filter, update, document and option through these
// checks before touching the backend, so code that works against one backend
// works against the other: an operator outside the subset of types.ts, an
// `undefined` in a filter (which the driver would silently drop, turning
// `{ _id: undefined }` into "match everything") or a value one backend cannot
// store is refused with a StoreInputError, never half-applied.
import { randomBytes } from 'node:crypto';
import type { Filter, FindOptions, IndexSpec, UpdateSpec } from './types.ts';

/** Structural subset of pino's logger (Fastify's `app.log` fits). */
export interface StoreLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLogger: StoreLogger = {
  info() {},
  warn() {},
  error() {},
};

/** A filter, update, document or option the store interface does not allow. */
export class StoreInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreInputError';
  }
}

const FIELD_OPERATORS = new Set(['$eq', '$ne', '$gt', '$gte', '$lt', '$lte', '$in', '$nin', '$exists', '$regex', '$options']);
const RANGE_OPERATORS = new Set(['$gt', '$gte', '$lt', '$lte']);
const UPDATE_OPERATORS = new Set(['$set', '$unset', '$inc', '$push']);
const REGEX_FLAGS = /^[imsu]*$/;
const COLLECTION_NAME = /^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z0-9_-]+)*$/;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export function isDate(value: unknown): value is Date {
  return value instanceof Date;
}

export function isRegExp(value: unknown): value is RegExp {
  return value instanceof RegExp;
}

/** `{ $gt: 1 }`-style object (as opposed to an embedded document to compare with). */
export function isOperatorObject(value: unknown): value is Record<string, unknown> {
  if (!isPlainObject(value)) return false;
  const first = Object.keys(value)[0];
  return first !== undefined && first.startsWith('$');
}

function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'function' || typeof value === 'symbol') return typeof value;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

export function assertCollectionName(name: string): void {
  if (name.length > 120 || !COLLECTION_NAME.test(name) || name.startsWith('system.')) {
    throw new StoreInputError(`invalid collection name ${describe(name)}: letters, digits, '_', '-', dot-separated, not starting with "system."`);
  }
}

function assertPath(path: string, where: string): void {
  if (path.length === 0 || path.split('.').some((part) => part.length === 0 || part.startsWith('$') || part === '__proto__')) {
    throw new StoreInputError(`${where}: invalid field path ${describe(path)}`);
  }
}

/**
 * A value either backend stores and returns unchanged: null, booleans, finite
 * numbers, strings, valid Dates, arrays and plain objects of those, with field
 * names neither starting with '$' nor containing '.'. `undefined` is allowed
 * (object fields holding it are not stored; in arrays it becomes null).
 */
export function assertStorable(value: unknown, where: string): void {
  if (value === null || value === undefined || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new StoreInputError(`${where}: ${value} cannot be stored (only finite numbers)`);
    return;
  }
  if (isDate(value)) {
    if (Number.isNaN(value.getTime())) throw new StoreInputError(`${where}: invalid Date`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => assertStorable(item, `${where}.${i}`));
    return;
  }
  if (isPlainObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (key.startsWith('$') || key.includes('.') || key.length === 0 || key === '__proto__') {
        throw new StoreInputError(`${where}: field name ${describe(key)} cannot be stored (empty, __proto__, starts with '$' or contains '.')`);
      }
      assertStorable(item, `${where}.${key}`);
    }
    return;
  }
  throw new StoreInputError(`${where}: ${typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value} values cannot be stored`);
}

/** Deep copy without `undefined` object fields (and `undefined` array items as null), as the driver's `ignoreUndefined` does. */
export function withoutUndefined<V>(value: V): V {
  if (Array.isArray(value)) return value.map((item: unknown) => (item === undefined ? null : withoutUndefined(item))) as V;
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (item !== undefined) out[key] = withoutUndefined(item);
    }
    return out as V;
  }
  return value;
}

export function assertDocument(doc: unknown, where: string): void {
  if (!isPlainObject(doc)) throw new StoreInputError(`${where}: a document must be a plain object`);
  if (typeof doc._id !== 'string' || doc._id.length === 0) throw new StoreInputError(`${where}: _id must be a non-empty string`);
  assertStorable(doc, where);
}

/** A value compared against stored values with equality ($eq, $ne, $in, $nin or a bare value). */
function assertComparable(value: unknown, where: string): void {
  if (value === undefined) throw new StoreInputError(`${where}: undefined in a filter (did you mean null?)`);
  if (isRegExp(value)) {
    assertRegExpFlags(value.flags, where);
    return;
  }
  assertStorable(value, where);
  if (isPlainObject(value) || Array.isArray(value)) {
    // An undefined inside an embedded document would be dropped by one backend only.
    const walk = (v: unknown): void => {
      if (v === undefined) throw new StoreInputError(`${where}: undefined inside a filter value`);
      if (Array.isArray(v)) v.forEach(walk);
      else if (isPlainObject(v)) Object.values(v).forEach(walk);
    };
    walk(value);
  }
}

function assertRegExpFlags(flags: string, where: string): void {
  if (!REGEX_FLAGS.test(flags)) throw new StoreInputError(`${where}: regular expression flags ${describe(flags)} not supported (only i, m, s, u)`);
}

function assertFieldCondition(condition: Record<string, unknown>, where: string): void {
  const keys = Object.keys(condition);
  for (const op of keys) {
    const at = `${where}.${op}`;
    const arg = condition[op];
    if (!op.startsWith('$')) throw new StoreInputError(`${where}: cannot mix operators and field names (${describe(op)})`);
    if (!FIELD_OPERATORS.has(op)) throw new StoreInputError(`${where}: unsupported query operator ${op}`);
    if (op === '$eq' || op === '$ne') {
      // MongoDB compares a RegExp here as a stored regex value, not as a pattern (and refuses it in $ne).
      if (isRegExp(arg)) throw new StoreInputError(`${at}: a RegExp is not a value to compare with; use $regex`);
      assertComparable(arg, at);
    }
    else if (op === '$in' || op === '$nin') {
      if (!Array.isArray(arg)) throw new StoreInputError(`${at}: needs an array`);
      arg.forEach((item, i) => assertComparable(item, `${at}.${i}`));
    } else if (RANGE_OPERATORS.has(op)) {
      if (typeof arg === 'number' ? Number.isNaN(arg) : !(typeof arg === 'string' || (isDate(arg) && !Number.isNaN(arg.getTime())))) {
        throw new StoreInputError(`${at}: compares with numbers, strings or Dates only, got ${describe(arg)}`);
      }
    } else if (op === '$exists') {
      if (typeof arg !== 'boolean') throw new StoreInputError(`${at}: needs true or false`);
    } else if (op === '$regex') {
      if (typeof arg === 'string') {
        try {
          new RegExp(arg);
        } catch (err) {
          throw new StoreInputError(`${at}: ${(err as Error).message}`);
        }
      } else if (isRegExp(arg)) assertRegExpFlags(arg.flags, at);
      else throw new StoreInputError(`${at}: needs a string or a RegExp`);
    } else if (op === '$options') {
      if (!('$regex' in condition)) throw new StoreInputError(`${at}: only allowed with $regex`);
      if (typeof arg !== 'string') throw new StoreInputError(`${at}: needs a string`);
      assertRegExpFlags(arg, at);
    }
  }
}

/** Throws StoreInputError unless `filter` stays within the query subset of types.ts. */
export function assertFilter(filter: unknown, where = 'filter'): asserts filter is Filter {
  if (!isPlainObject(filter)) throw new StoreInputError(`${where}: must be a plain object`);
  for (const [key, value] of Object.entries(filter)) {
    const at = `${where}.${key}`;
    if (key === '$and' || key === '$or') {
      if (!Array.isArray(value) || value.length === 0) throw new StoreInputError(`${at}: needs a non-empty array of filters`);
      value.forEach((clause, i) => assertFilter(clause, `${at}.${i}`));
      continue;
    }
    if (key.startsWith('$')) throw new StoreInputError(`${where}: unsupported query operator ${key}`);
    assertPath(key, where);
    if (isOperatorObject(value)) assertFieldCondition(value, at);
    else assertComparable(value, at);
  }
}

/** Throws StoreInputError unless `update` uses only $set $unset $inc $push on valid, non-conflicting paths other than _id. */
export function assertUpdate(update: unknown): asserts update is UpdateSpec {
  if (!isPlainObject(update)) throw new StoreInputError('update: must be a plain object');
  const operators = Object.keys(update);
  if (operators.length === 0) throw new StoreInputError('update: needs at least one of $set $unset $inc $push');
  const paths: string[] = [];
  for (const op of operators) {
    if (!UPDATE_OPERATORS.has(op)) throw new StoreInputError(`update: unsupported update operator ${describe(op)}`);
    const fields = update[op];
    if (!isPlainObject(fields)) throw new StoreInputError(`update.${op}: must be a plain object`);
    for (const [path, value] of Object.entries(fields)) {
      const at = `update.${op}.${path}`;
      assertPath(path, `update.${op}`);
      if (path === '_id' || path.startsWith('_id.')) throw new StoreInputError(`${at}: _id cannot be changed`);
      if (op === '$inc') {
        if (typeof value !== 'number' || !Number.isFinite(value)) throw new StoreInputError(`${at}: $inc needs a finite number`);
      } else if (op === '$push' && isOperatorObject(value)) {
        const keys = Object.keys(value);
        if (keys.length !== 1 || keys[0] !== '$each' || !Array.isArray(value.$each)) {
          throw new StoreInputError(`${at}: only { $each: [...] } is supported as a $push modifier`);
        }
        assertStorable(value.$each, `${at}.$each`);
      } else if (op !== '$unset') {
        assertStorable(value, at);
      }
      if (value === undefined && op !== '$inc') continue; // dropped, as the driver's ignoreUndefined does
      paths.push(path);
    }
  }
  paths.sort();
  for (let i = 1; i < paths.length; i++) {
    const prev = paths[i - 1] as string;
    const path = paths[i] as string;
    if (path === prev || path.startsWith(`${prev}.`)) {
      throw new StoreInputError(`update: updating the path '${path}' would create a conflict at '${prev}'`);
    }
  }
}

export function assertFindOptions(options: FindOptions | undefined): void {
  if (!options) return;
  if (options.sort !== undefined) {
    if (!isPlainObject(options.sort)) throw new StoreInputError('sort: must be a plain object');
    for (const [path, dir] of Object.entries(options.sort)) {
      assertPath(path, 'sort');
      if (dir !== 1 && dir !== -1) throw new StoreInputError(`sort.${path}: must be 1 or -1`);
    }
  }
  for (const key of ['limit', 'skip'] as const) {
    const n = options[key];
    if (n !== undefined && (!Number.isSafeInteger(n) || n < 0)) throw new StoreInputError(`${key}: must be a non-negative integer`);
  }
}

export function assertIndexes(indexes: readonly IndexSpec[]): void {
  if (!Array.isArray(indexes)) throw new StoreInputError('indexes: must be an array');
  for (const index of indexes) {
    const keys = isPlainObject(index.keys) ? Object.entries(index.keys) : [];
    if (keys.length === 0) throw new StoreInputError('index: needs at least one key');
    for (const [path, dir] of keys) {
      assertPath(path, 'index');
      if (path.includes(',')) throw new StoreInputError(`index: field path ${describe(path)} cannot contain ','`);
      if (dir !== 1 && dir !== -1) throw new StoreInputError(`index.${path}: must be 1 or -1`);
    }
  }
}

/**
 * The document MongoDB starts from when an upsert inserts: the filter's
 * equality conditions (`field: value`, `field: { $eq: value }`, also inside
 * `$and` and a single-clause `$or`), dotted paths expanded into embedded
 * documents. Conditions with other operators contribute nothing.
 */
export function upsertSeed(filter: Filter): Record<string, unknown> {
  const seed: Record<string, unknown> = {};
  const claimed: string[] = [];
  const put = (path: string, value: unknown): void => {
    for (const other of claimed) {
      if (other === path || other.startsWith(`${path}.`) || path.startsWith(`${other}.`)) {
        throw new StoreInputError(`upsert: filter paths '${other}' and '${path}' conflict`);
      }
    }
    claimed.push(path);
    const parts = path.split('.');
    let node = seed;
    parts.forEach((part, i) => {
      if (i === parts.length - 1) {
        node[part] = value;
        return;
      }
      const next = node[part];
      if (isPlainObject(next)) node = next;
      else {
        const created: Record<string, unknown> = {};
        node[part] = created;
        node = created;
      }
    });
  };
  const visit = (clause: Filter): void => {
    for (const [key, value] of Object.entries(clause)) {
      if (key === '$and' && Array.isArray(value)) value.forEach((c) => visit(c as Filter));
      else if (key === '$or' && Array.isArray(value) && value.length === 1) visit(value[0] as Filter);
      else if (key.startsWith('$')) continue;
      else if (isOperatorObject(value)) {
        if ('$eq' in value) put(key, structuredCloneValue(value.$eq));
      } else if (!isRegExp(value)) put(key, structuredCloneValue(value));
    }
  };
  visit(filter);
  return seed;
}

function structuredCloneValue(value: unknown): unknown {
  return value === null || typeof value !== 'object' ? value : structuredClone(value);
}

/** A new string _id for upserts whose filter names none: 24 hex digits, time-ordered like an ObjectId. */
export function newId(): string {
  const seconds = Math.floor(Date.now() / 1000).toString(16).padStart(8, '0');
  return seconds + randomBytes(8).toString('hex');
}
