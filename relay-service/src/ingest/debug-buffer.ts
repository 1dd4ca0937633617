// Recent raw laser messages for the debug view, and a rate-limited logger for
// malformed-message warnings.
//
// The buffer is written for every message, so `record()` allocates nothing: it
// copies at most `previewBytes` of the payload and `topicBytes` of the topic
// into one preallocated slab and stores numbers and references in fixed
// arrays. Previews are rendered only when someone reads the buffer. Memory is
// bounded by capacity × (previewBytes + topicBytes) whatever the messages' size.
import { isUtf8 } from 'node:buffer';
import type { RejectReason } from './decoder.ts';
import { formatEpochMicros } from './decoder.ts';

/** The part of a pino logger this module uses (pino's Logger fits). */
export interface LogSink {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export const silentLog: LogSink = { info() {}, warn() {}, error() {} };

export type DebugStatus = 'ok' | RejectReason;

export interface DebugEntry {
  /** relay clock at receive, ISO 8601 with microseconds */
  receivedAt: string;
  endpoint: string;
  /** topic frame shown safely ('' for single-frame messages; `hex:…` when not text) */
  topic: string;
  /** number of frames */
  frames: number;
  /** bytes of all frames */
  size: number;
  status: DebugStatus;
  /** why it was refused */
  detail?: string;
  /** the first bytes of the payload frame: escaped text, or hex when binary */
  preview: string;
  previewEncoding: 'text' | 'hex';
  /** the payload is longer than the preview */
  truncated: boolean;
}

export interface DebugBufferOptions {
  /** messages kept; default 200 */
  capacity?: number;
  /** payload bytes kept per message; default 512 */
  previewBytes?: number;
  /** topic bytes kept per message; default 128 */
  topicBytes?: number;
}

export class DebugBuffer {
  readonly capacity: number;
  readonly previewBytes: number;
  readonly topicBytes: number;
  readonly #slotBytes: number;
  readonly #slab: Buffer;
  readonly #receivedUs: Float64Array;
  readonly #size: Float64Array;
  readonly #frames: Uint32Array;
  readonly #previewLen: Uint32Array;
  readonly #payloadLen: Float64Array;
  readonly #topicLen: Uint32Array;
  readonly #topicTotal: Float64Array;
  readonly #status: DebugStatus[];
  readonly #detail: (string | undefined)[];
  readonly #endpoint: string[];
  /** total records written; the next slot is #written % capacity */
  #written = 0;

  constructor(options: DebugBufferOptions = {}) {
    this.capacity = positiveInt(options.capacity ?? 200, 'capacity');
    this.previewBytes = positiveInt(options.previewBytes ?? 512, 'previewBytes');
    this.topicBytes = positiveInt(options.topicBytes ?? 128, 'topicBytes');
    this.#slotBytes = this.previewBytes + this.topicBytes;
    this.#slab = Buffer.alloc(this.capacity * this.#slotBytes);
    this.#receivedUs = new Float64Array(this.capacity);
    this.#size = new Float64Array(this.capacity);
    this.#frames = new Uint32Array(this.capacity);
    this.#previewLen = new Uint32Array(this.capacity);
    this.#payloadLen = new Float64Array(this.capacity);
    this.#topicLen = new Uint32Array(this.capacity);
    this.#topicTotal = new Float64Array(this.capacity);
    this.#status = new Array<DebugStatus>(this.capacity).fill('ok');
    this.#detail = new Array<string | undefined>(this.capacity).fill(undefined);
    this.#endpoint = new Array<string>(this.capacity).fill('');
  }

  /** Messages currently held. */
  get size(): number {
    return Math.min(this.#written, this.capacity);
  }

  /** Messages recorded since creation (or the last clear). */
  get written(): number {
    return this.#written;
  }

  /**
   * Records one message as received: `[payload]` or `[topic, payload, …]`
   * (the topic is the first frame, the payload the last). `receivedUs` is the
   * wall clock in microseconds since the epoch.
   */
  record(receivedUs: number, endpoint: string, frames: readonly Buffer[], status: DebugStatus, detail?: string): void {
    const slot = this.#written % this.capacity;
    this.#written++;
    const n = frames.length;
    const base = slot * this.#slotBytes;
    let size = 0;
    for (let i = 0; i < n; i++) size += frames[i]!.length;
    const payload = n > 0 ? frames[n - 1]! : undefined;
    const topic = n > 1 ? frames[0]! : undefined;
    this.#receivedUs[slot] = receivedUs;
    this.#endpoint[slot] = endpoint;
    this.#frames[slot] = n;
    this.#size[slot] = size;
    this.#status[slot] = status;
    this.#detail[slot] = detail;
    this.#payloadLen[slot] = payload === undefined ? 0 : payload.length;
    this.#previewLen[slot] = payload === undefined ? 0 : payload.copy(this.#slab, base, 0, Math.min(payload.length, this.previewBytes));
    this.#topicTotal[slot] = topic === undefined ? 0 : topic.length;
    this.#topicLen[slot] = topic === undefined ? 0 : topic.copy(this.#slab, base + this.previewBytes, 0, Math.min(topic.length, this.topicBytes));
  }

  /** Recent messages, newest first. */
  list(query: { limit?: number; rejectedOnly?: boolean } = {}): DebugEntry[] {
    const limit = Math.max(0, Math.floor(query.limit ?? this.capacity));
    const out: DebugEntry[] = [];
    const held = this.size;
    for (let i = 1; i <= held && out.length < limit; i++) {
      const slot = (this.#written - i) % this.capacity;
      const status = this.#status[slot]!;
      if (query.rejectedOnly && status === 'ok') continue;
      out.push(this.#entry(slot, status));
    }
    return out;
  }

  clear(): void {
    this.#written = 0;
    this.#endpoint.fill('');
    this.#detail.fill(undefined);
  }

  #entry(slot: number, status: DebugStatus): DebugEntry {
    const base = slot * this.#slotBytes;
    const payloadLen = this.#payloadLen[slot]!;
    const previewLen = this.#previewLen[slot]!;
    const preview = safePreview(this.#slab.subarray(base, base + previewLen), previewLen < payloadLen);
    const topicLen = this.#topicLen[slot]!;
    const topicTotal = this.#topicTotal[slot]!;
    let topic = '';
    if (topicTotal > 0) {
      const t = safePreview(this.#slab.subarray(base + this.previewBytes, base + this.previewBytes + topicLen), topicLen < topicTotal);
      topic = (t.encoding === 'hex' ? `hex:${t.text}` : t.text) + (topicLen < topicTotal ? '…' : '');
    }
    const entry: DebugEntry = {
      receivedAt: formatEpochMicros(Math.round(this.#receivedUs[slot]!)),
      endpoint: this.#endpoint[slot]!,
      topic,
      frames: this.#frames[slot]!,
      size: this.#size[slot]!,
      status,
      preview: preview.text,
      previewEncoding: preview.encoding,
      truncated: previewLen < payloadLen,
    };
    const detail = this.#detail[slot];
    if (detail !== undefined) entry.detail = detail;
    return entry;
  }
}

function positiveInt(v: number, name: string): number {
  if (!Number.isSafeInteger(v) || v < 1) throw new RangeError(`DebugBuffer: ${name} must be a positive integer, got ${v}`);
  return v;
}

/**
 * Bytes made safe to show anywhere: valid UTF-8 that is mostly printable
 * comes back as text with control and invisible formatting characters escaped
 * (`\n`, `\t`, `\r`, `\u{…}`); anything else as lowercase hex. When `cut`, the
 * bytes are the start of something longer, so a multi-byte character split at
 * the end is dropped rather than turning the whole preview into hex.
 */
export function safePreview(bytes: Buffer, cut = false): { text: string; encoding: 'text' | 'hex' } {
  let end = bytes.length;
  if (cut) end -= splitTail(bytes);
  const body = end === bytes.length ? bytes : bytes.subarray(0, end);
  if (!isUtf8(body)) return { text: bytes.toString('hex'), encoding: 'hex' };
  const text = body.toString('utf8');
  let controls = 0;
  let needsEscape = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) {
      needsEscape = true;
      if (c !== 0x0a && c !== 0x0d && c !== 0x09) controls++;
    } else if (c >= 0x2000 && isInvisible(c)) needsEscape = true;
  }
  // Mostly control characters: binary that happens to be valid UTF-8 (zeros…).
  if (controls * 10 > text.length) return { text: bytes.toString('hex'), encoding: 'hex' };
  return { text: needsEscape ? escapeText(text) : text, encoding: 'text' };
}

/** Bytes at the end of `b` that start a UTF-8 character left incomplete (0–3). */
function splitTail(b: Buffer): number {
  const n = b.length;
  for (let back = 1; back <= Math.min(3, n); back++) {
    const byte = b[n - back]!;
    if ((byte & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
    const need = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

/** Line/paragraph separators, bidi controls, zero-width characters and the BOM. */
function isInvisible(c: number): boolean {
  return (c >= 0x200b && c <= 0x200f) || (c >= 0x2028 && c <= 0x202e) || (c >= 0x2060 && c <= 0x2069) || c === 0xfeff;
}

function escapeText(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || (c >= 0x2000 && isInvisible(c))) out += `\\u{${c.toString(16).padStart(4, '0')}}`;
    else out += text[i];
  }
  return out;
}

// ---------------------------------------------------------------------------

export interface RateLimitedLogOptions {
  logger: LogSink;
  /** lines logged per interval; default 10 */
  max?: number;
  /** default 60 s */
  intervalMs?: number;
  level?: 'info' | 'warn' | 'error';
}

/**
 * At most `max` lines per interval; the rest are counted and reported by one
 * line, `suppressed K similar messages`, when the interval ends (even if no
 * further message comes). For warnings caused by bad input, so a broken
 * sender cannot flood the log.
 */
export class RateLimitedLog {
  readonly #logger: LogSink;
  readonly #max: number;
  readonly #intervalMs: number;
  readonly #level: 'info' | 'warn' | 'error';
  #windowStart = 0;
  #count = 0;
  #suppressed = 0;
  #lastMsg = '';
  #timer: NodeJS.Timeout | undefined;
  /** lines suppressed since creation */
  suppressedTotal = 0;

  constructor(options: RateLimitedLogOptions) {
    this.#logger = options.logger;
    this.#max = options.max ?? 10;
    this.#intervalMs = options.intervalMs ?? 60_000;
    this.#level = options.level ?? 'warn';
  }

  log(obj: object, msg: string): void {
    const now = Date.now();
    if (now - this.#windowStart >= this.#intervalMs) {
      this.flush();
      this.#windowStart = now;
      this.#count = 0;
    }
    if (this.#count < this.#max) {
      this.#count++;
      this.#logger[this.#level](obj, msg);
      return;
    }
    this.#suppressed++;
    this.suppressedTotal++;
    this.#lastMsg = msg;
    if (this.#timer === undefined) {
      this.#timer = setTimeout(() => {
        this.#timer = undefined;
        this.flush();
      }, Math.max(1, this.#windowStart + this.#intervalMs - now));
      this.#timer.unref();
    }
  }

  /** Writes the pending summary line now, if any. */
  flush(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (this.#suppressed === 0) return;
    const k = this.#suppressed;
    this.#suppressed = 0;
    this.#logger[this.#level]({ suppressed: k, intervalMs: this.#intervalMs, last: this.#lastMsg }, `suppressed ${k} similar messages`);
  }
}
