// ZeroMQ ingest: one SUB socket per laser endpoint, one receive loop each.
//
// The loop is the relay's hot path. Per message it does: one `receive()` await
// (the only await, but for a pause), a clock read, `decodeMessage`, a copy of
// at most a few hundred bytes into the debug ring, the laser-counter check, one message
// object, and a synchronous call of the handler. No logging, no promises.
// Everything about connections comes from the socket's event observer, off
// the hot path.
//
// Backpressure: `pause()` stops the loops from taking messages off the
// sockets until `resume()`. Meanwhile the laser's messages wait in ZeroMQ (up
// to the receive HWM, then in TCP buffers and the laser's send queue); beyond
// the laser's HWM its PUB drops them, and the laser counter shows those as
// gaps. So a relay short of CPU or disk holds a bounded amount in memory and
// loses messages countably, instead of queueing without bound.
import { Subscriber } from 'zeromq';
import { decodeMessage, readLaserCounter, REJECT_REASONS, formatEpochMicros, type DecodeLimits, type RejectReason } from './decoder.ts';
import { RateLimitedLog, silentLog, type DebugBuffer, type LogSink } from './debug-buffer.ts';
import { nowMicros } from './clock.ts';

export interface IngestEndpoint {
  /** e.g. tcp://laser-daq:5556 */
  endpoint: string;
  /**
   * ZeroMQ topic filters (prefix match on the first frame); empty: everything.
   * Single-frame messages are filtered on the payload itself, so they only
   * pass an empty filter (or one like '{').
   */
  topics: readonly string[];
}

/** One decoded laser message, as handed to `onMessage`. */
export interface IngestedMessage {
  readonly endpoint: string;
  /** topic frame, or '' for a single-frame message */
  readonly topic: string;
  readonly payload: Record<string, unknown>;
  /** the payload frame as received (the JSON bytes) */
  readonly raw: Buffer;
  /** `process.hrtime.bigint()` at receive: for latency measurements */
  readonly receivedNs: bigint;
  /** wall clock at receive, microseconds since the epoch */
  readonly receivedUs: number;
  /** wall clock at receive, ISO 8601 with microseconds; formatted when read */
  readonly receivedAt: string;
}

export interface GapInfo {
  endpoint: string;
  topic: string;
  /** last counter value seen before the jump */
  from: number;
  /** counter value that revealed the gap */
  to: number;
}

export interface ZmqIngestOptions {
  endpoints: readonly IngestEndpoint[];
  /** Called synchronously for every good message. Keep it fast; a throw is counted and logged, the loop goes on. */
  onMessage: (msg: IngestedMessage) => void;
  /** Called for every refused message (after counting and recording it). */
  onReject?: (reason: RejectReason, detail: string, endpoint: string) => void;
  /** Called when the laser counter skips values: `missing` messages never arrived. */
  onGap?: (missing: number, info: GapInfo) => void;
  /** larger messages are refused as oversized; default 1 MiB */
  maxBytes?: number;
  /**
   * Receive high-water mark per socket, in messages; default 100,000.
   * See the comment at DEFAULT_RECEIVE_HWM.
   */
  receiveHwm?: number;
  /** first reconnect delay after a lost connection; default 250 ms */
  reconnectIntervalMs?: number;
  /** reconnect delays double up to this; default 2,000 ms */
  reconnectMaxIntervalMs?: number;
  /**
   * ZMTP heartbeats, so a laser host that vanished without closing TCP (power
   * cut, cable) is noticed and reconnected to; default 2,000 ms, 0 disables
   * (for publishers on libzmq < 4.2, which do not answer heartbeats).
   */
  heartbeatIntervalMs?: number;
  /** payload field holding the laser's own counter, for gap detection; default 'shot_id'; '' disables */
  laserCounterField?: string;
  /** every message (good or bad) is recorded here when given */
  debugBuffer?: DebugBuffer;
  logger?: LogSink;
}

/**
 * Why 100,000 and not ZeroMQ's 1,000: when the receive queue is full, libzmq
 * stops reading the TCP connection, the laser's PUB queue fills, and the PUB
 * then drops messages silently. The relay's event loop can pause for tens of
 * milliseconds (GC, a burst of triggered shots, a slow disk callback); at the
 * 100k msg/s design rate, 1,000 messages is only 10 ms of slack, 100,000 is a
 * full second. Bounded on purpose (0 would be unlimited): a relay that falls
 * behind for good should lose messages, visible as laser-counter gaps, rather
 * than grow without limit. Worst case ≈ 100,000 × message size (≈ 50 MB for
 * 500-byte messages) per endpoint.
 */
export const DEFAULT_RECEIVE_HWM = 100_000;
export const DEFAULT_MAX_BYTES = 1024 * 1024;
/** Distinct topics tracked for gaps per endpoint: a sender inventing topics cannot grow memory. */
const MAX_TRACKED_TOPICS = 1024;

interface EndpointState {
  readonly endpoint: string;
  readonly topics: readonly string[];
  readonly socket: Subscriber;
  loop: Promise<void> | undefined;
  connected: boolean;
  everConnected: boolean;
  reconnects: number;
  retries: number;
  disconnects: number;
  received: number;
  malformed: number;
  bytes: number;
  gaps: number;
  counterResets: number;
  duplicates: number;
  lastMessageUs: number;
  /** topic → last laser counter */
  readonly counters: Map<string, number>;
}

export interface EndpointStats {
  endpoint: string;
  topics: string[];
  connected: boolean;
  /** connections re-established after the first */
  reconnects: number;
  /** failed connection attempts (connect:retry events) */
  retries: number;
  disconnects: number;
  /** messages taken off the socket, good or bad */
  received: number;
  malformed: number;
  bytes: number;
  gaps: number;
  counterResets: number;
  duplicates: number;
  lastMessageAt: string | null;
}

export interface IngestStats {
  /** messages taken off the sockets, good or bad */
  received: number;
  /** good messages handed to onMessage */
  accepted: number;
  /** refused messages, all reasons */
  malformed: number;
  malformedByReason: Record<RejectReason, number>;
  bytes: number;
  /** onMessage calls that threw */
  handlerErrors: number;
  /** messages missing according to the laser counter */
  gaps: number;
  /** laser counter went backwards (laser restarted) */
  counterResets: number;
  /** laser counter repeated */
  duplicates: number;
  /** ingest is paused now (backpressure: see `pause`) */
  paused: boolean;
  /** pauses since start */
  pauses: number;
  /** time spent paused since start, the current pause included, ms */
  pausedMs: number;
  endpoints: EndpointStats[];
}

class Message implements IngestedMessage {
  readonly endpoint: string;
  readonly topic: string;
  readonly payload: Record<string, unknown>;
  readonly raw: Buffer;
  readonly receivedNs: bigint;
  readonly receivedUs: number;

  constructor(endpoint: string, topic: string, payload: Record<string, unknown>, raw: Buffer, receivedNs: bigint, receivedUs: number) {
    this.endpoint = endpoint;
    this.topic = topic;
    this.payload = payload;
    this.raw = raw;
    this.receivedNs = receivedNs;
    this.receivedUs = receivedUs;
  }

  get receivedAt(): string {
    return formatEpochMicros(Math.floor(this.receivedUs));
  }
}

export class ZmqIngest {
  readonly #onMessage: (msg: IngestedMessage) => void;
  readonly #onReject: ((reason: RejectReason, detail: string, endpoint: string) => void) | undefined;
  readonly #onGap: ((missing: number, info: GapInfo) => void) | undefined;
  readonly #limits: DecodeLimits;
  readonly #counterField: string;
  readonly #debug: DebugBuffer | undefined;
  readonly #log: LogSink;
  readonly #rejectLog: RateLimitedLog;
  readonly #handlerLog: RateLimitedLog;
  readonly #gapLog: RateLimitedLog;
  readonly #connLog: RateLimitedLog;
  readonly #discLog: RateLimitedLog;
  readonly #config: Required<Pick<ZmqIngestOptions, 'receiveHwm' | 'reconnectIntervalMs' | 'reconnectMaxIntervalMs' | 'heartbeatIntervalMs'>>;
  readonly #wanted: readonly IngestEndpoint[];
  readonly #endpoints: EndpointState[] = [];
  readonly #rejects: Record<RejectReason, number> = Object.fromEntries(REJECT_REASONS.map((r) => [r, 0])) as Record<RejectReason, number>;
  #accepted = 0;
  #handlerErrors = 0;
  #started = false;
  #closing = false;
  /** while paused: what the loops wait on before their next receive */
  #gate: { wait: Promise<void>; open: () => void } | null = null;
  #pausedAt = 0;
  #pausedMs = 0;
  #pauses = 0;

  constructor(options: ZmqIngestOptions) {
    if (options.endpoints.length === 0) throw new Error('ZmqIngest: no endpoints to subscribe to');
    this.#wanted = options.endpoints.map((e) => ({ endpoint: e.endpoint, topics: [...e.topics] }));
    this.#onMessage = options.onMessage;
    this.#onReject = options.onReject;
    this.#onGap = options.onGap;
    this.#limits = { maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES };
    this.#counterField = options.laserCounterField ?? 'shot_id';
    this.#debug = options.debugBuffer;
    this.#log = options.logger ?? silentLog;
    this.#rejectLog = new RateLimitedLog({ logger: this.#log, max: 10, intervalMs: 60_000 });
    this.#handlerLog = new RateLimitedLog({ logger: this.#log, max: 10, intervalMs: 60_000, level: 'error' });
    this.#gapLog = new RateLimitedLog({ logger: this.#log, max: 10, intervalMs: 60_000 });
    // a flapping connection must not flood the log either
    this.#connLog = new RateLimitedLog({ logger: this.#log, max: 10, intervalMs: 60_000, level: 'info' });
    this.#discLog = new RateLimitedLog({ logger: this.#log, max: 10, intervalMs: 60_000 });
    this.#config = {
      receiveHwm: options.receiveHwm ?? DEFAULT_RECEIVE_HWM,
      reconnectIntervalMs: options.reconnectIntervalMs ?? 250,
      reconnectMaxIntervalMs: options.reconnectMaxIntervalMs ?? 2_000,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? 2_000,
    };
  }

  /** Connects every endpoint and starts the receive loops. Throws (naming the endpoint) for an address ZeroMQ refuses. */
  async start(): Promise<void> {
    if (this.#started) throw new Error('ZmqIngest already started');
    this.#started = true;
    const c = this.#config;
    for (const want of this.#wanted) {
      const socket = new Subscriber({
        receiveHighWaterMark: c.receiveHwm,
        // ZeroMQ's default is 100 ms forever; start quickly and back off to a
        // few seconds, so a laser host that is down is not hammered but one
        // that comes back is picked up within ~2 s (what it publishes while
        // disconnected is lost either way, and shows up as a counter gap).
        reconnectInterval: c.reconnectIntervalMs,
        reconnectMaxInterval: c.reconnectMaxIntervalMs,
        // Oversized messages are refused by the decoder (counted, shown in
        // the debug view); this only stops absurd frames from being buffered
        // (libzmq drops the connection for those).
        maxMessageSize: Math.max(64 * 1024 * 1024, 4 * this.#limits.maxBytes),
        linger: 0,
        ...(c.heartbeatIntervalMs > 0 && { heartbeatInterval: c.heartbeatIntervalMs, heartbeatTimeout: c.heartbeatIntervalMs * 5 }),
      });
      const ep: EndpointState = {
        endpoint: want.endpoint,
        topics: want.topics,
        socket,
        loop: undefined,
        connected: false,
        everConnected: false,
        reconnects: 0,
        retries: 0,
        disconnects: 0,
        received: 0,
        malformed: 0,
        bytes: 0,
        gaps: 0,
        counterResets: 0,
        duplicates: 0,
        lastMessageUs: 0,
        counters: new Map(),
      };
      this.#watch(ep);
      if (want.topics.length === 0) socket.subscribe();
      else socket.subscribe(...want.topics);
      try {
        socket.connect(want.endpoint);
      } catch (err) {
        socket.close();
        await this.close();
        throw new Error(`cannot connect to laser endpoint ${want.endpoint}: ${(err as Error).message}`, { cause: err });
      }
      this.#endpoints.push(ep);
    }
    for (const ep of this.#endpoints) ep.loop = this.#run(ep);
    this.#log.info({ endpoints: this.#wanted, receiveHwm: c.receiveHwm, maxBytes: this.#limits.maxBytes }, 'zmq ingest started');
  }

  #watch(ep: EndpointState): void {
    const events = ep.socket.events;
    events.on('connect', () => {
      if (ep.everConnected) ep.reconnects++;
      ep.everConnected = true;
      ep.connected = true;
      this.#connLog.log({ endpoint: ep.endpoint, reconnects: ep.reconnects }, ep.reconnects === 0 ? 'laser endpoint connected' : 'laser endpoint reconnected');
    });
    events.on('disconnect', () => {
      ep.connected = false;
      ep.disconnects++;
      if (!this.#closing) this.#discLog.log({ endpoint: ep.endpoint }, 'laser endpoint disconnected; reconnecting (messages sent meanwhile are lost)');
    });
    events.on('connect:retry', () => {
      ep.retries++;
    });
  }

  async #run(ep: EndpointState): Promise<void> {
    const socket = ep.socket;
    while (!this.#closing) {
      if (this.#gate) {
        await this.#gate.wait;
        continue;
      }
      let frames: Buffer[];
      try {
        frames = await socket.receive();
      } catch (err) {
        if (this.#closing || socket.closed) return;
        this.#handlerLog.log({ err, endpoint: ep.endpoint }, 'zmq receive failed');
        await new Promise((r) => setTimeout(r, 100));
        continue;
      }
      try {
        this.#handle(ep, frames);
      } catch (err) {
        // only callbacks other than onMessage (onReject, onGap) can get here
        this.#handlerErrors++;
        this.#handlerLog.log({ err, endpoint: ep.endpoint }, 'ingest callback threw');
      }
    }
  }

  #handle(ep: EndpointState, frames: Buffer[]): void {
    const receivedNs = process.hrtime.bigint();
    const receivedUs = nowMicros();
    ep.received++;
    ep.lastMessageUs = receivedUs;
    for (let i = 0; i < frames.length; i++) ep.bytes += frames[i]!.length;
    const r = decodeMessage(frames, this.#limits);
    if (!r.ok) {
      ep.malformed++;
      this.#rejects[r.reason]++;
      this.#debug?.record(receivedUs, ep.endpoint, frames, r.reason, r.detail);
      this.#rejectLog.log({ endpoint: ep.endpoint, reason: r.reason, detail: r.detail }, 'malformed laser message refused (see /api/v1/relay/debug/messages)');
      this.#onReject?.(r.reason, r.detail, ep.endpoint);
      return;
    }
    this.#debug?.record(receivedUs, ep.endpoint, frames, 'ok');
    if (this.#counterField !== '') this.#checkCounter(ep, r.topic, r.payload);
    this.#accepted++;
    try {
      this.#onMessage(new Message(ep.endpoint, r.topic, r.payload, frames[frames.length - 1]!, receivedNs, receivedUs));
    } catch (err) {
      this.#handlerErrors++;
      this.#handlerLog.log({ err, endpoint: ep.endpoint, topic: r.topic }, 'message handler threw; message skipped');
    }
  }

  #checkCounter(ep: EndpointState, topic: string, payload: Record<string, unknown>): void {
    const counter = readLaserCounter(payload, this.#counterField);
    if (counter === undefined) return;
    const last = ep.counters.get(topic);
    if (last === undefined) {
      if (ep.counters.size < MAX_TRACKED_TOPICS) ep.counters.set(topic, counter);
      return;
    }
    ep.counters.set(topic, counter);
    if (counter === last + 1) return;
    if (counter > last) {
      const missing = counter - last - 1;
      ep.gaps += missing;
      this.#gapLog.log({ endpoint: ep.endpoint, topic, from: last, to: counter, missing }, 'laser counter skipped: messages lost');
      this.#onGap?.(missing, { endpoint: ep.endpoint, topic, from: last, to: counter });
    } else if (counter === last) {
      ep.duplicates++;
    } else {
      ep.counterResets++;
      this.#gapLog.log({ endpoint: ep.endpoint, topic, from: last, to: counter }, 'laser counter went backwards (laser restarted?)');
    }
  }

  /**
   * Stops taking messages off the sockets until `resume()`. A receive already
   * in progress (at most one per endpoint) still delivers its message: what
   * left ZeroMQ is always handed on. Idempotent.
   */
  pause(): void {
    if (this.#gate || this.#closing) return;
    let open!: () => void;
    const wait = new Promise<void>((resolve) => (open = resolve));
    this.#gate = { wait, open };
    this.#pauses++;
    this.#pausedAt = performance.now();
  }

  /** Takes messages off the sockets again. Idempotent. */
  resume(): void {
    const gate = this.#gate;
    if (!gate) return;
    this.#gate = null;
    this.#pausedMs += performance.now() - this.#pausedAt;
    gate.open();
  }

  get paused(): boolean {
    return this.#gate !== null;
  }

  /** Time spent paused since start, the current pause included, ms. */
  get pausedMs(): number {
    return this.#pausedMs + (this.#gate ? performance.now() - this.#pausedAt : 0);
  }

  /** A plain snapshot of the counters. */
  stats(): IngestStats {
    const endpoints = this.#endpoints.map(
      (ep): EndpointStats => ({
        endpoint: ep.endpoint,
        topics: [...ep.topics],
        connected: ep.connected,
        reconnects: ep.reconnects,
        retries: ep.retries,
        disconnects: ep.disconnects,
        received: ep.received,
        malformed: ep.malformed,
        bytes: ep.bytes,
        gaps: ep.gaps,
        counterResets: ep.counterResets,
        duplicates: ep.duplicates,
        lastMessageAt: ep.lastMessageUs === 0 ? null : formatEpochMicros(Math.floor(ep.lastMessageUs)),
      }),
    );
    const sum = (k: 'received' | 'malformed' | 'bytes' | 'gaps' | 'counterResets' | 'duplicates') => endpoints.reduce((a, e) => a + e[k], 0);
    return {
      received: sum('received'),
      accepted: this.#accepted,
      malformed: sum('malformed'),
      malformedByReason: { ...this.#rejects },
      bytes: sum('bytes'),
      handlerErrors: this.#handlerErrors,
      gaps: sum('gaps'),
      counterResets: sum('counterResets'),
      duplicates: sum('duplicates'),
      paused: this.paused,
      pauses: this.#pauses,
      pausedMs: this.pausedMs,
      endpoints,
    };
  }

  /** Stops the loops and closes the sockets. Messages still queued in ZeroMQ are discarded. Idempotent. */
  async close(): Promise<void> {
    if (this.#closing) return;
    this.#closing = true;
    // paused loops wake up, see #closing and end
    this.resume();
    for (const ep of this.#endpoints) if (!ep.socket.closed) ep.socket.close();
    await Promise.allSettled(this.#endpoints.map((ep) => ep.loop));
    this.#rejectLog.flush();
    this.#handlerLog.flush();
    this.#gapLog.flush();
    this.#connLog.flush();
    this.#discLog.flush();
    if (this.#started) this.#log.info({ ...this.stats(), endpoints: undefined }, 'zmq ingest stopped');
  }
}
