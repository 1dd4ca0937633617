// Repeated authentication failures, per client address: after `maxFailures`
// presented tokens that were refused within `windowMs`, the address is locked
// out for `windowMs` (the auth hook answers 429 with Retry-After without even
// looking at the token, so a lockout cannot be used to test tokens either).
//
// Only failures count. A request that authenticates adds nothing and takes
// nothing away: Grafana's plugin backend acts for many users with one service
// token from one address, and since its working token never fails, its own
// traffic never locks it out, however busy. (A success does not reset the
// count either, or a valid viewer token would let its holder guess admin
// tokens without limit.) Requests without any token are refused with 401 but
// not counted: they guess nothing.
//
// Memory is bounded: at most `maxAddresses` addresses are tracked, in order of
// their last failure or refusal (a Map keeps insertion order); a new address
// at the cap evicts the least recently active tenth at once (one pass: a Map
// skips the holes of deleted entries at its front, so taking out one entry at
// a time would cost a walk over all earlier deletions each). A flood from many
// addresses can thus push an address out early, but each address still gets
// at most `maxFailures` tries per window while it is tracked, and the flood
// itself is counted (shotline_auth_evictions_total) and logged.
//
// The log is rate-limited too: the first failure of an address in its window
// and the moment it is locked out are one line each, at most
// LINES_PER_WINDOW lines per window; the counts of each window with failures
// (failures, refusals, addresses, lines left out) are one summary line when
// the window ends. Tokens are never logged, nor the URL's query (where a
// WebSocket sends `?token=`).
//
// Not @fastify/rate-limit: it counts every request, not failures only, and its
// clock cannot be moved in tests. Not ingest's RateLimitedLog: it reports only
// the lines it dropped, and here each window's counts are the point.
import type { LogSink } from '../ingest/debug-buffer.ts';

export interface AuthFailureLimits {
  /** refused tokens from one address within the window before it is locked out */
  maxFailures: number;
  /** the window, and how long a lockout lasts */
  windowMs: number;
  /** addresses tracked at most */
  maxAddresses: number;
}

/** Counters the limiter moves (prom-client Counters fit). */
export interface AuthFailureCounters {
  failures: { inc(): void };
  refused: { inc(): void };
  evictions: { inc(): void };
}

export interface AuthFailureLimiterOptions extends AuthFailureLimits {
  logger: LogSink;
  counters?: AuthFailureCounters;
  /** the clock, in ms (tests move it); default Date.now */
  now?: () => number;
}

/** Individual log lines per summary window at most. */
const LINES_PER_WINDOW = 20;

interface Entry {
  /** when the first failure of the current window happened */
  windowStart: number;
  failures: number;
  /** locked out until then (0: not locked) */
  lockedUntil: number;
}

export interface Lockout {
  /** seconds until the address may try again (at least 1) */
  retryAfterS: number;
}

/**
 * The key an address is counted under: an IPv4 address itself (also when
 * IPv4-mapped, `::ffff:10.0.0.1`); an IPv6 address by its /64, since one
 * machine usually holds a whole /64 and could otherwise rotate addresses.
 */
export function addressKey(ip: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped) return mapped[1]!;
  // A peer address from the socket is a valid IPv4 or IPv6 address: a colon means IPv6.
  if (!ip.includes(':')) return ip;
  const zone = ip.indexOf('%');
  const bare = zone < 0 ? ip : ip.slice(0, zone);
  // The first four groups; `::` stands for as many zero groups as are missing
  // (an embedded IPv4 tail counts as two groups).
  const gap = bare.indexOf('::');
  const head = gap < 0 ? bare.split(':') : gap === 0 ? [] : bare.slice(0, gap).split(':');
  if (gap >= 0 && head.length < 4) {
    const tail = bare.slice(gap + 2);
    const tailGroups = tail === '' ? [] : tail.split(':');
    const tailCount = tailGroups.length + (tail.includes('.') ? 1 : 0);
    for (let n = 8 - head.length - tailCount; n > 0; n--) head.push('0');
    head.push(...tailGroups);
  }
  let key = '';
  for (let i = 0; i < 4; i++) key += `${i ? ':' : ''}${parseInt(head[i] ?? '0', 16).toString(16)}`;
  return `${key}::/64`;
}

export class AuthFailureLimiter {
  readonly limits: AuthFailureLimits;
  readonly #entries = new Map<string, Entry>();
  readonly #logger: LogSink;
  readonly #counters: AuthFailureCounters | undefined;
  readonly #now: () => number;
  // The current summary window: starts with its first event, ends windowMs later.
  #summaryStart = -1;
  #windowFailures = 0;
  #windowRefused = 0;
  #windowAddresses = 0;
  #windowLockouts = 0;
  #windowEvictions = 0;
  #windowLines = 0;
  #windowUnlogged = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: AuthFailureLimiterOptions) {
    this.limits = { maxFailures: options.maxFailures, windowMs: options.windowMs, maxAddresses: options.maxAddresses };
    this.#logger = options.logger;
    this.#counters = options.counters;
    this.#now = options.now ?? Date.now;
  }

  /** Addresses tracked now. */
  get tracked(): number {
    return this.#entries.size;
  }

  /** Addresses locked out now. */
  lockedOut(): number {
    const now = this.#now();
    let n = 0;
    for (const e of this.#entries.values()) if (e.lockedUntil > now) n++;
    return n;
  }

  /**
   * Whether `ip` is locked out; if so the refusal is counted and the answer
   * says when to come back. Called before the token is looked at.
   */
  check(ip: string): Lockout | null {
    const now = this.#now();
    this.#roll(now);
    if (this.#entries.size === 0) return null; // the usual case: nothing failed lately
    const key = addressKey(ip);
    const entry = this.#live(key, now);
    if (!entry || entry.lockedUntil <= now) return null;
    this.#touch(key, entry);
    this.#begin(now);
    this.#windowRefused++;
    this.#counters?.refused.inc();
    return { retryAfterS: Math.max(1, Math.ceil((entry.lockedUntil - now) / 1000)) };
  }

  /** Counts a refused token from `ip`; `where` (method, route, reason) goes into the log. */
  failed(ip: string, where: Record<string, string>): void {
    const now = this.#now();
    this.#roll(now);
    this.#begin(now);
    const key = addressKey(ip);
    let entry = this.#live(key, now);
    const first = !entry;
    if (!entry) {
      entry = { windowStart: now, failures: 0, lockedUntil: 0 };
      this.#insert(key, entry);
      this.#windowAddresses++;
    } else {
      this.#touch(key, entry);
    }
    entry.failures++;
    this.#windowFailures++;
    this.#counters?.failures.inc();
    if (first) this.#line({ address: key, ...where }, 'API authentication failed (further failures from this address are counted in a summary)');
    if (entry.failures >= this.limits.maxFailures && entry.lockedUntil === 0) {
      entry.lockedUntil = now + this.limits.windowMs;
      this.#windowLockouts++;
      this.#line({ address: key, failures: entry.failures, lockedForS: Math.ceil(this.limits.windowMs / 1000) }, 'too many failed API authentications: address locked out');
    }
  }

  /** Logs the pending summary and stops the timer (at shutdown). */
  close(): void {
    this.#summarize();
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** The entry of `key` unless its window or lockout is over (then it is dropped). */
  #live(key: string, now: number): Entry | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    const over = entry.lockedUntil > 0 ? entry.lockedUntil <= now : entry.windowStart + this.limits.windowMs <= now;
    if (!over) return entry;
    this.#entries.delete(key);
    return undefined;
  }

  #touch(key: string, entry: Entry): void {
    this.#entries.delete(key);
    this.#entries.set(key, entry);
  }

  #insert(key: string, entry: Entry): void {
    if (this.#entries.size >= this.limits.maxAddresses) {
      const keep = this.limits.maxAddresses - Math.max(1, Math.floor(this.limits.maxAddresses / 10));
      for (const oldest of this.#entries.keys()) {
        if (this.#entries.size <= keep) break;
        this.#entries.delete(oldest);
        this.#windowEvictions++;
        this.#counters?.evictions.inc();
      }
    }
    this.#entries.set(key, entry);
  }

  #line(obj: object, msg: string): void {
    if (this.#windowLines >= LINES_PER_WINDOW) {
      this.#windowUnlogged++;
      return;
    }
    this.#windowLines++;
    this.#logger.warn(obj, msg);
  }

  /** Starts a summary window at the first event after the last one ended. */
  #begin(now: number): void {
    if (this.#summaryStart >= 0) return;
    this.#summaryStart = now;
    // Production: the summary comes when the window ends even if nothing else happens.
    // Tests move the clock instead, and the next event rolls the window.
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#roll(this.#now());
    }, this.limits.windowMs);
    this.#timer.unref();
  }

  #roll(now: number): void {
    if (this.#summaryStart >= 0 && now - this.#summaryStart >= this.limits.windowMs) this.#summarize();
  }

  #summarize(): void {
    if (this.#summaryStart < 0) return;
    const summary = {
      windowS: Math.ceil(this.limits.windowMs / 1000),
      failures: this.#windowFailures,
      refused: this.#windowRefused,
      addresses: this.#windowAddresses,
      lockedOut: this.#windowLockouts,
      evicted: this.#windowEvictions,
      linesLeftOut: this.#windowUnlogged,
    };
    this.#summaryStart = -1;
    this.#windowFailures = this.#windowRefused = this.#windowAddresses = this.#windowLockouts = this.#windowEvictions = this.#windowLines = this.#windowUnlogged = 0;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#logger.warn(summary, `API authentication failures in the last window: ${summary.failures} refused tokens, ${summary.addresses} addresses newly failing, ${summary.refused} requests answered 429`);
  }
}
