// Laser message decoding: ZeroMQ frames → topic + JSON object, the numeric
// channels of a payload, and the laser's own counter and timestamp.
//
// This runs once per message at up to ~100k messages/s, so it avoids work and
// allocations on the good path: one UTF-8 check (native, SIMD), one
// `JSON.parse`, one result object. Nothing here throws for any input.
import { isUtf8 } from 'node:buffer';

export type RejectReason = 'oversized' | 'not-json' | 'not-object' | 'too-many-frames' | 'empty' | 'invalid-utf8';

export const REJECT_REASONS: readonly RejectReason[] = ['oversized', 'not-json', 'not-object', 'too-many-frames', 'empty', 'invalid-utf8'];

export type DecodeResult =
  | { ok: true; topic: string; payload: Record<string, unknown> }
  | { ok: false; reason: RejectReason; detail: string };

export interface DecodeLimits {
  /** largest accepted message, all frames together, in bytes */
  maxBytes: number;
}

/** Details quoted from a bad message (JSON errors quote the input) stay short. */
const MAX_DETAIL = 160;

function reject(reason: RejectReason, detail: string): DecodeResult {
  return { ok: false, reason, detail: detail.length > MAX_DETAIL ? `${detail.slice(0, MAX_DETAIL)}…` : detail };
}

/**
 * Decodes one ZeroMQ message: `[payload]` (topic '') or `[topic, payload]`.
 * The payload must be UTF-8 JSON whose top level is an object.
 */
export function decodeMessage(frames: readonly Buffer[], limits: DecodeLimits): DecodeResult {
  const n = frames.length;
  if (n === 0) return reject('empty', 'no frames');
  if (n > 2) return reject('too-many-frames', `${n} frames; expected [payload] or [topic, payload]`);
  const payloadFrame = frames[n - 1]!;
  const topicFrame = n === 2 ? frames[0]! : undefined;
  const size = payloadFrame.length + (topicFrame === undefined ? 0 : topicFrame.length);
  if (size > limits.maxBytes) return reject('oversized', `${size} bytes > limit ${limits.maxBytes}`);
  if (payloadFrame.length === 0) return reject('empty', 'empty payload frame');

  let topic = '';
  if (topicFrame !== undefined && topicFrame.length > 0) {
    if (!isUtf8(topicFrame)) return reject('invalid-utf8', 'topic frame is not valid UTF-8');
    topic = topicFrame.toString('utf8');
  }
  if (!isUtf8(payloadFrame)) return reject('invalid-utf8', 'payload is not valid UTF-8');

  let value: unknown;
  try {
    value = JSON.parse(payloadFrame.toString('utf8'));
  } catch (err) {
    return reject('not-json', err instanceof Error ? err.message : 'JSON.parse failed');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return reject('not-object', `top-level JSON is ${value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`}, not an object`);
  }
  return { ok: true, topic, payload: value as Record<string, unknown> };
}

// ---------------------------------------------------------------------------
// Channels

export interface ChannelOptions {
  /** nesting levels read; fields deeper than this are ignored. Top-level fields are level 1. Default 4. */
  maxDepth?: number;
}

export const DEFAULT_MAX_DEPTH = 4;

type ChannelSink = Map<string, number> | Record<string, number>;

/**
 * The numeric channels of a payload: every finite number, nested objects
 * flattened with '/' (`{"pointing":{"x":1}}` → `pointing/x`). In each key, '.'
 * and a leading '$' become '_' (the stores refuse them) and an empty key
 * becomes '_'. Booleans, strings, null and arrays are not channels. A
 * top-level key `__proto__` is skipped (it cannot be a plain-object key).
 *
 * With `into`, channels are added to that Map or record and it is returned;
 * otherwise a new Map is.
 */
export function extractChannels(payload: Record<string, unknown>): Map<string, number>;
export function extractChannels<T extends ChannelSink>(payload: Record<string, unknown>, into: T, options?: ChannelOptions): T;
export function extractChannels(payload: Record<string, unknown>, into?: ChannelSink, options?: ChannelOptions): ChannelSink {
  const sink = into ?? new Map<string, number>();
  const maxDepth = options?.maxDepth ?? DEFAULT_MAX_DEPTH;
  if (maxDepth >= 1 && typeof payload === 'object' && payload !== null) {
    if (sink instanceof Map) walkIntoMap(payload, '', 1, maxDepth, sink);
    else walkIntoRecord(payload, '', 1, maxDepth, sink);
  }
  return sink;
}

// Two copies of the walk, so the hot one (Map) has a monomorphic `set`.
function walkIntoMap(obj: Record<string, unknown>, prefix: string, depth: number, maxDepth: number, out: Map<string, number>): void {
  for (const key in obj) {
    const value = obj[key];
    if (typeof value === 'number') {
      if (value - value === 0) {
        // finite (NaN and ±Infinity give NaN)
        const name = prefix === '' ? topName(key) : prefix + '/' + safeKey(key);
        if (name !== undefined) out.set(name, value);
      }
    } else if (typeof value === 'object' && value !== null && depth < maxDepth && !Array.isArray(value)) {
      walkIntoMap(value as Record<string, unknown>, prefix === '' ? safeKey(key) : prefix + '/' + safeKey(key), depth + 1, maxDepth, out);
    }
  }
}

function walkIntoRecord(obj: Record<string, unknown>, prefix: string, depth: number, maxDepth: number, out: Record<string, number>): void {
  for (const key in obj) {
    const value = obj[key];
    if (typeof value === 'number') {
      if (value - value === 0) {
        const name = prefix === '' ? topName(key) : prefix + '/' + safeKey(key);
        if (name !== undefined) out[name] = value;
      }
    } else if (typeof value === 'object' && value !== null && depth < maxDepth && !Array.isArray(value)) {
      walkIntoRecord(value as Record<string, unknown>, prefix === '' ? safeKey(key) : prefix + '/' + safeKey(key), depth + 1, maxDepth, out);
    }
  }
}

function topName(key: string): string | undefined {
  return key === '__proto__' ? undefined : safeKey(key);
}

/** Fast path: most keys need nothing, and then nothing is allocated. */
function safeKey(key: string): string {
  if (key.length === 0) return '_';
  if (key.charCodeAt(0) !== 36 /* $ */ && key.indexOf('.') === -1) return key;
  return (key.charCodeAt(0) === 36 ? '_' + key.slice(1) : key).replaceAll('.', '_');
}

// ---------------------------------------------------------------------------
// Laser counter and timestamp

/** Reads `field` of the payload; a field with '/' is a path into nested objects (`header/shot`). */
function readField(payload: Record<string, unknown>, field: string): unknown {
  if (typeof payload !== 'object' || payload === null) return undefined;
  if (!field.includes('/')) return Object.hasOwn(payload, field) ? payload[field] : undefined;
  let node: unknown = payload;
  for (const part of field.split('/')) {
    if (typeof node !== 'object' || node === null || Array.isArray(node) || !Object.hasOwn(node, part)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/**
 * The laser's own shot counter: a non-negative safe integer, as a JSON number
 * or a string of digits. Anything else gives undefined.
 */
export function readLaserCounter(payload: Record<string, unknown>, field: string): number | undefined {
  const v = readField(payload, field);
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? v : undefined;
  if (typeof v === 'string' && v.length > 0 && v.length <= 16 && /^\d+$/.test(v)) return Number(v);
  return undefined;
}

/**
 * The laser's timestamp as ISO 8601 UTC with microseconds
 * (`2026-11-25T10:00:00.123456Z`), or undefined when missing or not a time.
 *
 * Numbers (or numeric strings) are epoch time; the unit follows from the
 * magnitude: < 1e11 seconds, < 1e14 milliseconds, < 1e17 microseconds,
 * < 1e20 nanoseconds (a present-day time is ~1.8e9 s). Strings are
 * ISO 8601 / RFC 3339 date-times; one without a zone is taken as UTC.
 * Times before 1970 are refused as bad clocks.
 */
export function readLaserTime(payload: Record<string, unknown>, field: string): string | undefined {
  const v = readField(payload, field);
  if (typeof v === 'number') return epochToIso(v);
  if (typeof v === 'string' && v.length <= 64) {
    if (/^\d+(\.\d+)?$/.test(v)) return epochToIso(Number(v));
    return isoToIso(v);
  }
  return undefined;
}

/** 8.64e15 ms: the largest time a JS Date can hold. */
const MAX_EPOCH_US = 8.64e18;

function epochToIso(v: number): string | undefined {
  if (!Number.isFinite(v) || v <= 0) return undefined;
  let us: number;
  if (v < 1e11) us = v * 1e6;
  else if (v < 1e14) us = v * 1e3;
  else if (v < 1e17) us = v;
  else if (v < 1e20) us = v / 1e3;
  else return undefined;
  us = Math.round(us);
  return us < MAX_EPOCH_US ? formatEpochMicros(us) : undefined;
}

const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))?$/;

function isoToIso(s: string): string | undefined {
  const m = ISO_RE.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, sec = '0', frac = '', , sign, oh = '0', om = '0'] = m;
  const year = Number(y), month = Number(mo), day = Number(d), hour = Number(h), minute = Number(mi), second = Number(sec);
  if (year < 1970 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59 || Number(oh) > 23 || Number(om) > 59) return undefined;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC rolls 31 Feb over into March: refuse dates that do not exist.
  if (new Date(ms).getUTCDate() !== day) return undefined;
  const offsetMin = sign === undefined ? 0 : (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om));
  const micros = frac === '' ? 0 : Math.round(Number(`0.${frac}`) * 1e6);
  const us = (ms - offsetMin * 60_000) * 1000 + micros;
  return us > 0 && us < MAX_EPOCH_US ? formatEpochMicros(us) : undefined;
}

/** `YYYY-MM-DDTHH:MM:SS.ffffffZ` for an integer count of microseconds since the epoch. */
export function formatEpochMicros(us: number): string {
  const ms = Math.floor(us / 1000);
  const rest = us - ms * 1000;
  const iso = new Date(ms).toISOString(); // …SS.mmmZ
  return `${iso.slice(0, -1)}${rest < 10 ? '00' : rest < 100 ? '0' : ''}${rest}Z`;
}
