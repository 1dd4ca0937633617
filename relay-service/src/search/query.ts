// The search query language: a JSON document, checked against a schema and
// compiled into a store Filter and sort. Nothing a client sends becomes an
// operator or a key of the filter unchecked:
//
// 1. any object key starting with '$', anywhere in the body, is refused with
//    the path where it was found (`where.0.value.$gt`) before anything else;
// 2. the body must match SearchQuerySchema (TypeBox; no extra properties);
// 3. field names must be searchable fields (fields.ts), operators one of
//    OPERATORS, values of the kind the field and operator need;
// 4. the compiler alone writes the operators, from this fixed set: $and $or
//    $eq $ne $gt $gte $lt $lte $in $exists $regex $options. Client text only
//    ever appears as a compared value; `contains` and `text` escape it into a
//    literal regular expression.
//
// The module is pure: no store, no I/O. See docs/search.md.
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { Filter, SortSpec } from '../store/types.ts';
import { isPlainObject } from '../store/support.ts';
import { CursorError, decodeCursor, encodeCursor, type CursorPosition, type SortKey, type SortValue } from './cursor.ts';
import { parseField, type FieldKind, type FieldRef } from './fields.ts';
import { normalizeTime } from './time.ts';

export type { SortKey, SortValue, CursorPosition } from './cursor.ts';

export const OPERATORS = ['=', '!=', '<', '<=', '>', '>=', 'in', 'contains', 'exists'] as const;
export type Operator = (typeof OPERATORS)[number];

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 1000;
export const MAX_CONDITIONS = 50;
export const MAX_IN_VALUES = 1000;
export const MAX_STRING_VALUE = 1000;
export const MAX_CONTAINS_LENGTH = 200;
export const MAX_TEXT_WORDS = 20;
export const MAX_WORD_LENGTH = 100;
export const MAX_SORT_KEYS = 4;
export const MAX_SHEETS = 50;
export const MAX_COLUMNS = 500;

/** One refusal: which part of the query and why. */
export interface QueryProblem {
  field: string;
  message: string;
}

export class SearchQueryError extends Error {
  override name = 'SearchQueryError';
  readonly details: QueryProblem[];
  constructor(details: QueryProblem[]) {
    super(`invalid search: ${details.map((d) => `${d.field} ${d.message}`).join('; ')}`);
    this.details = details;
  }
}

// ---------------------------------------------------------------------------
// Schema

const Scalar = Type.Union([Type.String({ maxLength: MAX_STRING_VALUE }), Type.Number(), Type.Boolean(), Type.Null()]);
const Name = Type.String({ minLength: 1, maxLength: 128 });
const Time = Type.String({ minLength: 1, maxLength: 40, description: 'ISO 8601 date or date-time with zone, e.g. 2026-11-01T00:00:00Z' });
const FieldName = Type.String({ minLength: 1, maxLength: 256, description: 'shotNumber, campaign, receivedAt, fields.<key>, diagnostics.<name>.active, channels.<name>, daq.<path>, …' });

export const ConditionSchema = Type.Object(
  {
    field: FieldName,
    op: Type.Union(OPERATORS.map((op) => Type.Literal(op))),
    value: Type.Optional(Type.Union([Scalar, Type.Array(Scalar, { maxItems: MAX_IN_VALUES })])),
  },
  { additionalProperties: false },
);

export const SortSchema = Type.Object(
  { field: FieldName, dir: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')], { default: 'asc' })) },
  { additionalProperties: false },
);

const common = {
  sheet: Type.Optional(Type.Union([Name, Type.Array(Name, { minItems: 1, maxItems: MAX_SHEETS })], { description: 'a sheet or a list of sheets' })),
  campaign: Type.Optional(Type.Union([Name, Type.Null(), Type.Array(Name, { minItems: 1, maxItems: MAX_SHEETS })], { description: 'a campaign, a list of campaigns, or null (no campaign)' })),
  from: Type.Optional(Time),
  to: Type.Optional(Time),
  shotNumber: Type.Optional(
    Type.Object({ from: Type.Optional(Type.Integer({ minimum: 0 })), to: Type.Optional(Type.Integer({ minimum: 0 })) }, { additionalProperties: false }),
  ),
  where: Type.Optional(Type.Array(ConditionSchema, { maxItems: MAX_CONDITIONS })),
  text: Type.Optional(Type.String({ maxLength: 2000, description: 'words that must all occur in the entry text' })),
  sort: Type.Optional(Type.Array(SortSchema, { maxItems: MAX_SORT_KEYS })),
  includeDeleted: Type.Optional(Type.Boolean({ description: 'admin only' })),
};

export const SearchQuerySchema = Type.Object(
  {
    ...common,
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT })),
    cursor: Type.Optional(Type.Union([Type.String({ maxLength: 65_536 }), Type.Null()], { description: 'nextCursor of the previous page' })),
  },
  { additionalProperties: false },
);

export function exportQuerySchema(maxRows: number) {
  return Type.Object(
    {
      ...common,
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: maxRows, description: `at most this many rows (≤ ${maxRows})` })),
      columns: Type.Optional(Type.Array(FieldName, { minItems: 1, maxItems: MAX_COLUMNS, description: 'the columns, in order; default: all' })),
    },
    { additionalProperties: false },
  );
}

export type SearchQuery = Static<typeof SearchQuerySchema>;
export type ExportQuery = Static<ReturnType<typeof exportQuerySchema>>;
type Condition = Static<typeof ConditionSchema>;

const checkers = new Map<TSchema, ReturnType<typeof TypeCompiler.Compile>>();
function checker(schema: TSchema) {
  let c = checkers.get(schema);
  if (!c) {
    c = TypeCompiler.Compile(schema);
    checkers.set(schema, c);
  }
  return c;
}

// ---------------------------------------------------------------------------
// Checks before the schema

/** Paths (dotted) of every key starting with '$' in `value`, at most `max`. Iterative: any depth. */
export function findDollarKeys(value: unknown, max = 10): string[] {
  const found: string[] = [];
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length > 0 && found.length < max) {
    const [node, path] = stack.pop() as [unknown, string];
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) stack.push([node[i], path ? `${path}.${i}` : String(i)]);
    } else if (node !== null && typeof node === 'object') {
      const keys = Object.keys(node);
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i] as string;
        const at = path ? `${path}.${key}` : key;
        if (key.startsWith('$')) {
          found.push(at);
          if (found.length >= max) break;
        } else stack.push([(node as Record<string, unknown>)[key], at]);
      }
    }
  }
  return found;
}

const DOLLAR_MESSAGE = "is not allowed: keys starting with '$' are never accepted (write conditions as {field, op, value})";

function schemaProblems(schema: TSchema, input: unknown): QueryProblem[] {
  const c = checker(schema);
  if (c.Check(input)) return [];
  const seen = new Set<string>();
  const problems: QueryProblem[] = [];
  for (const error of c.Errors(input)) {
    const field = error.path.split('/').filter(Boolean).join('.') || 'body';
    if (seen.has(field)) continue;
    seen.add(field);
    problems.push({ field, message: describeSchemaError(field, error.schema, error.message) });
    if (problems.length >= 20) break;
  }
  return problems;
}

function describeSchemaError(field: string, schema: TSchema, message: string): string {
  const anyOf = (schema as { anyOf?: { const?: unknown }[] }).anyOf;
  if (anyOf && anyOf.length > 0 && anyOf.every((s) => s.const !== undefined)) return `must be one of ${anyOf.map((s) => JSON.stringify(s.const)).join(', ')}`;
  if (/^where\.\d+\.value$/.test(field)) return 'must be a string, a number, a boolean, null, or a list of those';
  if (field === 'sheet') return 'must be a sheet name or a non-empty list of sheet names (1 to 128 characters each)';
  if (field === 'campaign') return 'must be a campaign name, a list of campaign names, or null';
  if (field === 'cursor') return 'must be the nextCursor of a previous page, or null';
  if (message === 'Unexpected property') return 'is not a property of a search';
  return message.charAt(0).toLowerCase() + message.slice(1);
}

// ---------------------------------------------------------------------------
// Compiling

export interface CompiledSearch {
  /** every entry the search matches, regardless of the page */
  filter: Filter;
  /** the sort, `_id` last */
  sort: SortKey[];
  sortSpec: SortSpec;
  /** page size (search) or row bound (export) */
  limit: number;
  /** where the previous page ended */
  after: CursorPosition | null;
  includeDeleted: boolean;
  /** the sheets named, or null when the search is not restricted to sheets */
  sheets: string[] | null;
  /** export only: the columns asked for */
  columns: FieldRef[] | null;
}

export interface CompileOptions {
  /** compile an export query (no cursor, limit up to maxRows, columns) */
  export?: { maxRows: number };
}

const DEFAULT_SORT: SortKey[] = [{ field: 'shotNumber', dir: -1 }];

/** Compiles a search body; throws SearchQueryError naming every part it refuses. */
export function compileSearch(input: unknown, options: CompileOptions = {}): CompiledSearch {
  if (!isPlainObject(input)) throw new SearchQueryError([{ field: 'body', message: 'must be a JSON object' }]);
  const dollar = findDollarKeys(input);
  if (dollar.length > 0) throw new SearchQueryError(dollar.map((field) => ({ field, message: DOLLAR_MESSAGE })));
  const schema = options.export ? exportSchemaFor(options.export.maxRows) : SearchQuerySchema;
  const schemaErrors = schemaProblems(schema, input);
  if (schemaErrors.length > 0) throw new SearchQueryError(schemaErrors);
  const q = input as SearchQuery & { columns?: string[] };

  const problems: QueryProblem[] = [];
  const clauses: Filter[] = [];

  let sheets: string[] | null = null;
  if (q.sheet !== undefined) {
    sheets = [...new Set(Array.isArray(q.sheet) ? q.sheet : [q.sheet])];
    clauses.push(sheets.length === 1 ? { sheet: sheets[0] } : { sheet: { $in: sheets } });
  }
  if (q.campaign !== undefined) {
    if (Array.isArray(q.campaign)) clauses.push({ campaign: { $in: [...new Set(q.campaign)] } });
    else clauses.push({ campaign: q.campaign });
  }

  const from = q.from !== undefined ? normalizeTime(q.from) : undefined;
  const to = q.to !== undefined ? normalizeTime(q.to) : undefined;
  const timeHelp = 'must be an ISO 8601 date (2026-11-01) or date-time with zone (2026-11-01T08:00:00Z, …+01:00)';
  if (from === null) problems.push({ field: 'from', message: timeHelp });
  if (to === null) problems.push({ field: 'to', message: timeHelp });
  if (from && to && from >= to) problems.push({ field: 'to', message: 'must be after from' });
  if (from || to) {
    const range: Record<string, string> = {};
    if (from) range.$gte = from;
    if (to) range.$lt = to;
    // receivedAt (the relay's clock); entries without one (manual) by createdAt.
    clauses.push({ $or: [{ receivedAt: { ...range } }, { receivedAt: null, createdAt: { ...range } }] });
  }

  if (q.shotNumber) {
    const { from: lo, to: hi } = q.shotNumber;
    if (lo !== undefined && hi !== undefined && lo > hi) problems.push({ field: 'shotNumber.to', message: 'must not be below shotNumber.from' });
    const range: Record<string, number> = {};
    if (lo !== undefined) range.$gte = lo;
    if (hi !== undefined) range.$lte = hi;
    if (lo !== undefined || hi !== undefined) clauses.push({ shotNumber: range });
  }

  (q.where ?? []).forEach((condition, i) => {
    const compiled = compileCondition(condition, `where.${i}`, problems);
    if (compiled) clauses.push(compiled);
  });

  if (q.text !== undefined) {
    const words = [...new Set(q.text.toLowerCase().split(/\s+/u).filter((w) => w.length > 0))];
    if (words.length > MAX_TEXT_WORDS) problems.push({ field: 'text', message: `has more than ${MAX_TEXT_WORDS} words` });
    else if (words.some((w) => w.length > MAX_WORD_LENGTH)) problems.push({ field: 'text', message: `has a word longer than ${MAX_WORD_LENGTH} characters` });
    else for (const word of words) clauses.push({ text: { $regex: escapeRegExp(word), $options: 'i' } });
  }

  const includeDeleted = q.includeDeleted === true;
  if (!includeDeleted) clauses.push({ deleted: { $ne: true } });

  const sort = compileSort(q.sort, problems);

  let columns: FieldRef[] | null = null;
  if (options.export && q.columns) {
    columns = [];
    const seen = new Set<string>();
    q.columns.forEach((name, i) => {
      const ref = parseField(name);
      if (typeof ref === 'string') problems.push({ field: `columns.${i}`, message: ref });
      else if (seen.has(ref.path)) problems.push({ field: `columns.${i}`, message: `"${ref.path}" is listed twice` });
      else {
        seen.add(ref.path);
        columns!.push(ref);
      }
    });
  }

  let after: CursorPosition | null = null;
  if (!options.export && typeof q.cursor === 'string' && problems.length === 0) {
    try {
      after = decodeCursor(q.cursor, sort);
    } catch (err) {
      if (!(err instanceof CursorError)) throw err;
      problems.push({ field: 'cursor', message: err.message });
    }
  }

  if (problems.length > 0) throw new SearchQueryError(problems);
  const filter: Filter = clauses.length === 0 ? {} : clauses.length === 1 ? (clauses[0] as Filter) : { $and: clauses };
  const sortSpec: SortSpec = {};
  for (const k of sort) sortSpec[k.field] = k.dir;
  const limit = q.limit ?? (options.export ? options.export.maxRows : DEFAULT_LIMIT);
  return { filter, sort, sortSpec, limit, after, includeDeleted, sheets, columns };
}

const exportSchemas = new Map<number, TSchema>();
function exportSchemaFor(maxRows: number): TSchema {
  let s = exportSchemas.get(maxRows);
  if (!s) {
    s = exportQuerySchema(maxRows);
    exportSchemas.set(maxRows, s);
  }
  return s;
}

function compileSort(sort: SearchQuery['sort'], problems: QueryProblem[]): SortKey[] {
  const keys: SortKey[] = [];
  const seen = new Set<string>();
  (sort ?? []).forEach((s, i) => {
    const ref = parseField(s.field);
    if (typeof ref === 'string') {
      problems.push({ field: `sort.${i}.field`, message: ref });
      return;
    }
    if (seen.has(ref.path)) {
      problems.push({ field: `sort.${i}.field`, message: `"${ref.path}" is already a sort key` });
      return;
    }
    seen.add(ref.path);
    keys.push({ field: ref.path, dir: s.dir === 'desc' ? -1 : 1 });
  });
  const chosen = keys.length > 0 ? keys : DEFAULT_SORT;
  // _id (UUIDv7, unique) settles ties, in the direction of the last key.
  return [...chosen, { field: '_id', dir: (chosen.at(-1) as SortKey).dir }];
}

type Scalar = string | number | boolean | null;

const KIND_NAMES: Record<FieldKind, string> = { number: 'a number', string: 'a string', time: 'a time string', boolean: 'true or false', any: 'a value' };

function compileCondition(c: Condition, at: string, problems: QueryProblem[]): Filter | null {
  const ref = parseField(c.field);
  if (typeof ref === 'string') {
    problems.push({ field: `${at}.field`, message: ref });
    return null;
  }
  const { path, kind } = ref;
  const value = c.value;
  const refuse = (message: string): null => {
    problems.push({ field: `${at}.value`, message });
    return null;
  };
  if (c.op === 'exists') {
    if (value === undefined) return { [path]: { $exists: true } };
    if (typeof value !== 'boolean') return refuse("must be true or false for 'exists'");
    return { [path]: { $exists: value } };
  }
  if (value === undefined) return refuse(`is required for '${c.op}'`);
  switch (c.op) {
    case '=':
    case '!=': {
      if (Array.isArray(value)) return refuse(`must be a single value for '${c.op}' (use 'in' for a list)`);
      if (!fitsKind(value, kind, true)) return refuse(`must be ${KIND_NAMES[kind]} or null for ${path}`);
      if (c.op === '=') return value === null ? { [path]: null } : { [path]: { $eq: value } };
      return { [path]: { $ne: value } };
    }
    case '<':
    case '<=':
    case '>':
    case '>=': {
      const op = ({ '<': '$lt', '<=': '$lte', '>': '$gt', '>=': '$gte' } as const)[c.op];
      if (Array.isArray(value) || value === null || typeof value === 'boolean') return refuse(`must be a number or a string for '${c.op}'`);
      if (kind === 'boolean') return refuse(`'${c.op}' does not apply to ${path} (true or false)`);
      if (kind === 'number' && typeof value !== 'number') return refuse(`must be a number for ${path}`);
      if (kind === 'time') {
        const t = typeof value === 'string' ? normalizeTime(value) : null;
        if (!t) return refuse(`must be an ISO 8601 date-time with zone for ${path} (e.g. 2026-11-01T08:00:00Z)`);
        return { [path]: { [op]: t } };
      }
      if (kind === 'string' && typeof value !== 'string') return refuse(`must be a string for ${path}`);
      return { [path]: { [op]: value } };
    }
    case 'in': {
      if (!Array.isArray(value)) return refuse("must be a list of values for 'in'");
      if (value.length === 0) return refuse("must list at least one value for 'in'");
      const bad = value.findIndex((v) => !fitsKind(v, kind, true));
      if (bad >= 0) {
        problems.push({ field: `${at}.value.${bad}`, message: `must be ${KIND_NAMES[kind]} or null for ${path}` });
        return null;
      }
      return { [path]: { $in: [...new Set(value)] } };
    }
    case 'contains': {
      if (typeof value !== 'string') return refuse("must be a string for 'contains'");
      if (kind === 'number' || kind === 'boolean') return refuse(`'contains' applies to text; ${path} holds ${KIND_NAMES[kind]}`);
      if (value.length === 0 || value.length > MAX_CONTAINS_LENGTH) return refuse(`must be 1 to ${MAX_CONTAINS_LENGTH} characters for 'contains'`);
      return { [path]: { $regex: escapeRegExp(value), $options: 'i' } };
    }
  }
  return null;
}

function fitsKind(value: unknown, kind: FieldKind, allowNull: boolean): value is Scalar {
  if (value === null) return allowNull;
  switch (kind) {
    case 'number':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    case 'string':
    case 'time':
      return typeof value === 'string';
    case 'any':
      return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
  }
}

/** Every character with a meaning in regular expressions (JavaScript, PCRE, RE2) escaped: the text matches literally. */
export function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|\-/]/g, '\\$&');
}

// ---------------------------------------------------------------------------
// Pages: the keyset condition and the cursor of a page's last entry.

/** BSON order of the scalar types an entry's sort field can hold. */
const TYPE_RANK = { null: 1, number: 2, string: 3, boolean: 8, date: 9 } as const;
type ScalarType = keyof typeof TYPE_RANK;

function typeOf(value: SortValue): ScalarType {
  if (value === null) return 'null';
  if (value instanceof Date) return 'date';
  return typeof value as 'number' | 'string' | 'boolean';
}

/** A condition matching every value of one type at `path`. */
function everyOfType(path: string, type: ScalarType): Filter {
  switch (type) {
    case 'null':
      return { [path]: null };
    case 'number':
      return { [path]: { $gte: -Number.MAX_VALUE } };
    case 'string':
      return { [path]: { $gte: '' } };
    case 'boolean':
      return { [path]: { $in: [false, true] } };
    case 'date':
      return { [path]: { $gte: new Date(-8.64e15) } };
  }
}

/** The types a field of this kind can hold (a value of another type found in a cursor is added). */
function typesOf(kind: FieldKind | 'id'): ScalarType[] {
  switch (kind) {
    case 'id':
      return ['string'];
    case 'number':
      return ['null', 'number'];
    case 'boolean':
      return ['null', 'boolean'];
    case 'string':
    case 'time':
      return ['null', 'string'];
    case 'any':
      // Entry data comes from JSON: no Date values (a Date in a cursor still pages, by its own type).
      return ['null', 'number', 'string', 'boolean'];
  }
}

/** Values of `path` sorting strictly after `value` in direction `dir`, or null when none can. */
function beyond(path: string, kind: FieldKind | 'id', value: SortValue, dir: 1 | -1): Filter | null {
  const clauses: Filter[] = [];
  const type = typeOf(value);
  if (type === 'number' || type === 'string' || type === 'date') clauses.push({ [path]: { [dir === 1 ? '$gt' : '$lt']: value } });
  else if (type === 'boolean') {
    if (dir === 1 && value === false) clauses.push({ [path]: true });
    if (dir === -1 && value === true) clauses.push({ [path]: false });
  }
  const rank = TYPE_RANK[type];
  const types = new Set(typesOf(kind));
  for (const other of types) {
    const r = TYPE_RANK[other];
    if (dir === 1 ? r > rank : r < rank) clauses.push(everyOfType(path, other));
  }
  if (clauses.length === 0) return null;
  return clauses.length === 1 ? (clauses[0] as Filter) : { $or: clauses };
}

function equalTo(path: string, value: SortValue): Filter {
  return value === null ? { [path]: null } : { [path]: { $eq: value } };
}

function kindOf(field: string): FieldKind | 'id' {
  if (field === '_id') return 'id';
  const ref = parseField(field);
  return typeof ref === 'string' ? 'any' : ref.kind;
}

/** Entries sorting after `position`: for each key, "equal on the keys before it and beyond on this one". */
export function afterFilter(sort: readonly SortKey[], position: CursorPosition): Filter {
  const branches: Filter[] = [];
  const equal: Filter[] = [];
  sort.forEach((key, i) => {
    const value = key.field === '_id' ? position.id : (position.values[i] ?? null);
    const past = beyond(key.field, kindOf(key.field), value, key.dir);
    if (past) branches.push(equal.length === 0 ? past : { $and: [...equal, past] });
    equal.push(equalTo(key.field, value));
  });
  return branches.length === 1 ? (branches[0] as Filter) : { $or: branches };
}

/** The filter of the page after `position` (or of the first page). */
export function pageFilter(search: Pick<CompiledSearch, 'filter' | 'sort'>, position: CursorPosition | null): Filter {
  if (!position) return search.filter;
  const after = afterFilter(search.sort, position);
  return Object.keys(search.filter).length === 0 ? after : { $and: [search.filter, after] };
}

/** The value at a dotted path of a document (undefined when absent). */
export function valueAt(doc: unknown, path: string): unknown {
  let node: unknown = doc;
  for (const part of path.split('.')) {
    if (!isPlainObject(node)) return undefined;
    node = Object.hasOwn(node, part) ? node[part] : undefined;
  }
  return node;
}

/** A document being paged through: its _id and whatever the sort reads. */
export type SortedDoc = { _id: string } & Record<string, unknown>;

/** Where `doc` sits in `sort`; throws SearchQueryError when a sort field holds a list or an object there. */
export function positionOf(doc: SortedDoc, sort: readonly SortKey[]): CursorPosition {
  const values: SortValue[] = [];
  sort.forEach((key, i) => {
    if (key.field === '_id') return;
    const v = valueAt(doc, key.field);
    if (v === undefined || v === null) values.push(null);
    else if (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' || v instanceof Date) values.push(v);
    else {
      throw new SearchQueryError([
        { field: `sort.${i}.field`, message: `cannot page by ${key.field}: entry ${doc._id} holds ${Array.isArray(v) ? 'a list' : 'an object'} there (sort by a field holding single values)` },
      ]);
    }
  });
  return { values, id: doc._id };
}

export function cursorAfter(doc: SortedDoc, sort: readonly SortKey[]): string {
  return encodeCursor(sort, positionOf(doc, sort));
}
