// The search cursor: where the previous page ended, as the sort key values of
// its last entry and that entry's `_id` (always the final tie-breaker). The
// next page is "every entry sorting after that key" (keyset pagination), so
// entries stored between two requests never make a page repeat or skip one.
//
// Encoding: base64url(JSON [version, sort signature, values, _id]) '.' a
// checksum of that JSON. The checksum is not a secret: it only makes an edited
// or truncated cursor a clear 400 rather than a silently different position.
// Safety does not depend on it — every decoded value is checked (scalars only:
// null, finite numbers, strings, booleans, {"d": ISO time} for Date values)
// and goes into the filter as a compared value, never as a key.
import { createHash } from 'node:crypto';
import { isPlainObject } from '../store/support.ts';

export type SortValue = null | number | string | boolean | Date;

export interface SortKey {
  field: string;
  dir: 1 | -1;
}

export interface CursorPosition {
  values: SortValue[];
  id: string;
}

const VERSION = 1;
export const MAX_CURSOR_LENGTH = 65_536;
const MAX_ID_LENGTH = 256;

export class CursorError extends Error {
  override name = 'CursorError';
}

/** `shotNumber:-1,_id:-1`: the sort a cursor belongs to. */
export function sortSignature(sort: readonly SortKey[]): string {
  return sort.map((k) => `${k.field}:${k.dir}`).join(',');
}

function checksum(json: string): string {
  return createHash('sha256').update(json).digest('base64url').slice(0, 16);
}

function encodeValue(value: SortValue): unknown {
  return value instanceof Date ? { d: value.toISOString() } : value;
}

function decodeValue(raw: unknown, i: number): SortValue {
  if (raw === null || typeof raw === 'string' || typeof raw === 'boolean') return raw;
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw)) throw new CursorError(`value ${i} is not a finite number`);
    return raw;
  }
  if (isPlainObject(raw) && Object.keys(raw).length === 1 && typeof raw.d === 'string') {
    const date = new Date(raw.d);
    if (Number.isNaN(date.getTime())) throw new CursorError(`value ${i} is not a valid time`);
    return date;
  }
  throw new CursorError(`value ${i} is not a scalar`);
}

export function encodeCursor(sort: readonly SortKey[], position: CursorPosition): string {
  const json = JSON.stringify([VERSION, sortSignature(sort), position.values.map(encodeValue), position.id]);
  return `${Buffer.from(json, 'utf8').toString('base64url')}.${checksum(json)}`;
}

/** The position in `cursor`, checked against the sort of the request it comes with. Throws CursorError. */
export function decodeCursor(cursor: string, sort: readonly SortKey[]): CursorPosition {
  if (cursor.length > MAX_CURSOR_LENGTH) throw new CursorError('is too long');
  const m = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_-]{16})$/.exec(cursor);
  if (!m) throw new CursorError('is not a cursor returned by this API');
  const json = Buffer.from(m[1] as string, 'base64url').toString('utf8');
  if (checksum(json) !== m[2]) throw new CursorError('has been altered or truncated');
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new CursorError('is not a cursor returned by this API');
  }
  if (!Array.isArray(parsed) || parsed.length !== 4 || parsed[0] !== VERSION) throw new CursorError('is not a cursor of this version');
  const [, signature, values, id] = parsed as [unknown, unknown, unknown, unknown];
  if (signature !== sortSignature(sort)) throw new CursorError('belongs to a search with a different sort; start again without a cursor');
  if (!Array.isArray(values) || values.length !== sort.length - 1) throw new CursorError('does not match the sort');
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_LENGTH) throw new CursorError('has no valid entry id');
  return { values: values.map(decodeValue), id };
}
