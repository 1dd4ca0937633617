// MongoDB query semantics on top of nedb's matcher.
//
// nedb understands most of the query language, but a few operators answer
// differently from MongoDB. `toNedbQuery` rewrites a (checked) filter into an
// nedb query that gives MongoDB's answers, using only operators whose nedb
// behaviour matches:
//
// | MongoDB                       | differs in nedb                          | rewritten as                                   |
// |-------------------------------|------------------------------------------|------------------------------------------------|
// | `{f: null}`                   | does not match a missing field           | f is null OR f does not exist                  |
// | `{f: {$eq: v}}`               | no $eq operator                          | `{f: v}`                                        |
// | `{f: {$ne: v}}` on arrays     | true if ANY element differs              | NOT `{f: v}`  (no element equals v)             |
// | `{f: {$nin: [..]}}` on arrays | true if ANY element is outside the list  | NOT `{f: {$in: [..]}}`                          |
// | `{f: {$in: [null, ..]}}`      | null does not match a missing field      | `$in` OR the null rewrite above                 |
// | `{f: {$in: [/re/]}}`          | regexes in $in compared as values        | `$or` of regex matches                          |
// | `{f: {$exists: true}}`        | false for an empty array                 | exists OR `$size: 0` (and no enclosing [])      |
// | `{f: {$exists: false}}`       | true if one array element lacks a path   | NOT (the $exists: true rewrite)                 |
// | `{f: {$regex, $options}}`     | needs a RegExp object                    | RegExp built from both                         |
// | `{f: {$gt: 1, $lt: 5}}` arrays| one element must satisfy both            | one clause per operator, joined with $and       |
//
// Plain equality stays a top-level `field: value` pair so nedb can still use
// its indexes (`_id` lookups in particular).
//
// Sorting follows MongoDB's BSON order, which nedb's differs from (missing vs
// null, type order, arrays sorting by their smallest/largest element): see
// `compareSortKeys`.
import { isDate, isOperatorObject, isPlainObject, isRegExp } from './support.ts';
import type { Filter, SortSpec } from './types.ts';

type NedbQuery = Record<string, unknown>;

export function toNedbQuery(filter: Filter): NedbQuery {
  const out: NedbQuery = Object.create(null) as NedbQuery;
  const and: NedbQuery[] = [];
  const add = (clause: NedbQuery): void => {
    const entries = Object.entries(clause);
    const [first] = entries;
    // Keep single `field: condition` clauses at the top level while the field is free (index use).
    if (entries.length === 1 && first && !first[0].startsWith('$') && !Object.hasOwn(out, first[0])) out[first[0]] = first[1];
    else and.push(clause);
  };
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and') (value as Filter[]).forEach((c) => and.push(toNedbQuery(c)));
    else if (key === '$or') and.push({ $or: (value as Filter[]).map((c) => toNedbQuery(c)) });
    else if (isOperatorObject(value)) fieldClauses(key, value).forEach(add);
    else add(equals(key, value));
  }
  if (and.length > 0) out.$and = and;
  return out;
}

function equals(path: string, value: unknown): NedbQuery {
  if (value === null) return { $or: [{ [path]: null }, { [path]: { $exists: false } }] };
  return { [path]: value };
}

function exists(path: string): NedbQuery {
  // An empty array exists; but nedb also reports `[]` for `a.b` when `a` is an
  // empty array, where MongoDB finds no `a.b`: every enclosing path must not be [].
  const parts = path.split('.');
  const emptyArray: NedbQuery[] = [{ [path]: { $size: 0 } }];
  for (let i = 1; i < parts.length; i++) emptyArray.push({ $not: { [parts.slice(0, i).join('.')]: { $size: 0 } } });
  return { $or: [{ [path]: { $exists: true } }, emptyArray.length === 1 ? (emptyArray[0] as NedbQuery) : { $and: emptyArray }] };
}

function within(path: string, list: readonly unknown[]): NedbQuery {
  const clauses: NedbQuery[] = [];
  const values = list.filter((v) => v !== null && !isRegExp(v));
  if (values.length > 0 || list.length === 0) clauses.push({ [path]: { $in: values } });
  if (list.includes(null)) clauses.push(equals(path, null));
  for (const re of list.filter(isRegExp)) clauses.push({ [path]: stripStatefulFlags(re) });
  return clauses.length === 1 ? (clauses[0] as NedbQuery) : { $or: clauses };
}

function stripStatefulFlags(re: RegExp): RegExp {
  return re.global || re.sticky ? new RegExp(re.source, re.flags.replace(/[gy]/g, '')) : re;
}

function fieldClauses(path: string, condition: Record<string, unknown>): NedbQuery[] {
  const clauses: NedbQuery[] = [];
  for (const [op, arg] of Object.entries(condition)) {
    switch (op) {
      case '$eq':
        clauses.push(equals(path, arg));
        break;
      case '$ne':
        clauses.push({ $not: equals(path, arg) });
        break;
      case '$gt':
      case '$gte':
      case '$lt':
      case '$lte':
        clauses.push({ [path]: { [op]: arg } });
        break;
      case '$in':
        clauses.push(within(path, arg as unknown[]));
        break;
      case '$nin':
        clauses.push({ $not: within(path, arg as unknown[]) });
        break;
      case '$exists':
        clauses.push(arg ? exists(path) : { $not: exists(path) });
        break;
      case '$regex': {
        const options = typeof condition.$options === 'string' ? condition.$options : '';
        const re = isRegExp(arg) ? arg : new RegExp(String(arg));
        const flags = [...new Set((re.flags + options).replace(/[gy]/g, ''))].join('');
        clauses.push({ [path]: new RegExp(re.source, flags) });
        break;
      }
      case '$options':
        break; // folded into $regex
      default:
        throw new Error(`unsupported query operator ${op}`); // assertFilter refuses these first
    }
  }
  return clauses;
}

// ---------------------------------------------------------------------------
// Sorting in MongoDB's order.

const EMPTY_ARRAY = Symbol('empty array');

/** BSON comparison order of the value types a document can hold here. */
function typeRank(value: unknown): number {
  if (value === EMPTY_ARRAY) return 0; // sorts before null/missing, as in MongoDB
  if (value === undefined || value === null) return 1;
  if (typeof value === 'number') return 2;
  if (typeof value === 'string') return 3;
  if (Array.isArray(value)) return 5;
  if (isDate(value)) return 9;
  if (typeof value === 'boolean') return 8;
  if (isRegExp(value)) return 11;
  return 4; // embedded document
}

/** Binary (code point) order, as MongoDB's default collation compares UTF-8 bytes. */
function compareStrings(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.codePointAt(i) as number;
    const cb = b.codePointAt(i) as number;
    if (ca !== cb) return ca < cb ? -1 : 1;
    if (ca > 0xffff) i++;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

export function compareValues(a: unknown, b: unknown): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra < rb ? -1 : 1;
  switch (ra) {
    case 2: {
      const x = a as number;
      const y = b as number;
      if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : -1;
      if (Number.isNaN(y)) return 1;
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 3:
      return compareStrings(a as string, b as string);
    case 8:
      return a === b ? 0 : a ? 1 : -1;
    case 9: {
      const x = (a as Date).getTime();
      const y = (b as Date).getTime();
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 4:
    case 5: {
      // Element by element (arrays) or field by field: value type, field name, value.
      const ea = Object.entries(a as object);
      const eb = Object.entries(b as object);
      const n = Math.min(ea.length, eb.length);
      for (let i = 0; i < n; i++) {
        const [ka, va] = ea[i] as [string, unknown];
        const [kb, vb] = eb[i] as [string, unknown];
        const byType = typeRank(va) - typeRank(vb);
        if (byType !== 0) return byType < 0 ? -1 : 1;
        if (ra === 4) {
          const byName = compareStrings(ka, kb);
          if (byName !== 0) return byName;
        }
        const byValue = compareValues(va, vb);
        if (byValue !== 0) return byValue;
      }
      return ea.length === eb.length ? 0 : ea.length < eb.length ? -1 : 1;
    }
    case 11:
      return compareStrings(String(a), String(b));
    default:
      return 0;
  }
}

/** The values a sort path reaches in a document, arrays (one level) taken apart as MongoDB does. */
function collect(value: unknown, parts: readonly string[], i: number, out: unknown[]): void {
  if (i === parts.length) {
    if (Array.isArray(value)) {
      if (value.length === 0) out.push(EMPTY_ARRAY);
      else out.push(...value);
    } else out.push(value);
    return;
  }
  const part = parts[i] as string;
  if (Array.isArray(value)) {
    if (/^\d+$/.test(part) && Number(part) < value.length) collect(value[Number(part)], parts, i + 1, out);
    else for (const item of value) if (isPlainObject(item)) collect(item[part], parts, i + 1, out);
    return;
  }
  if (isPlainObject(value)) collect(value[part], parts, i + 1, out);
  else out.push(undefined);
}

/** The key a document sorts by on one path: the smallest value ascending, the largest descending. */
function sortKey(doc: unknown, path: string, direction: 1 | -1): unknown {
  const values: unknown[] = [];
  collect(doc, path.split('.'), 0, values);
  if (values.length === 0) return undefined;
  let best = values[0];
  for (const v of values) if (compareValues(v, best) * direction < 0) best = v;
  return best;
}

/** Sorts (stably) in MongoDB's order; returns a new array. */
export function sortDocuments<D>(docs: readonly D[], sort: SortSpec): D[] {
  const criteria = Object.entries(sort) as [string, 1 | -1][];
  const keyed = docs.map((doc) => ({ doc, keys: criteria.map(([path, dir]) => sortKey(doc, path, dir)) }));
  keyed.sort((x, y) => {
    for (let i = 0; i < criteria.length; i++) {
      const c = compareValues(x.keys[i], y.keys[i]);
      if (c !== 0) return c * (criteria[i] as [string, 1 | -1])[1];
    }
    return 0;
  });
  return keyed.map((k) => k.doc);
}
