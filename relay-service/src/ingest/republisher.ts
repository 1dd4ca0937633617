// Republishes every laser message on a bound ZeroMQ PUB endpoint, as
// `[topic, JSON]`. Called from the relay's hot path, so `publish` never
// blocks, never throws and never awaits.
//
// zeromq.js (v6) has at most one send in progress per socket. After 512
// sends completed synchronously in a row it defers the next one to the next
// event-loop turn (so it cannot starve the loop), and until that send is done
// every further `send()` throws EBUSY. At 100k msg/s that happens many times a
// second. So sends are optimistic: normally a message goes straight to the
// socket; when the socket is busy, it and everything after it go into a small
// bounded queue (order kept), drained one send at a time behind the pending
// one. When the queue is full the message is dropped and counted.
import { Publisher } from 'zeromq';
import { RateLimitedLog, silentLog, type LogSink } from './debug-buffer.ts';

export type DropReason = 'queue-full' | 'hwm' | 'send-failed' | 'unserializable' | 'not-started' | 'closed';

export interface RepublisherOptions {
  /** bound, e.g. tcp://127.0.0.1:5557 (tcp://127.0.0.1:* picks a free port; see `endpoint`) */
  endpoint: string;
  /** per-subscriber send high-water mark; default 50,000 (see DEFAULT_SEND_HWM) */
  sendHwm?: number;
  /** messages held while the socket is busy; default 10,000 */
  queueCapacity?: number;
  /**
   * ZMQ_XPUB_NODROP. Default false: a subscriber that falls behind by
   * `sendHwm` messages loses messages silently (as PUB does) and the others
   * get everything. True: while any subscriber is at its HWM, sends are
   * refused for all (libzmq fails the send with EAGAIN rather than blocking
   * a PUB); each refused message is counted as dropped ('hwm'). Trades the
   * other subscribers' messages for visible counts: for diagnosis only.
   */
  noDrop?: boolean;
  logger?: LogSink;
  onDrop?: (reason: DropReason) => void;
}

export interface RepublisherStats {
  /** messages handed to ZeroMQ */
  published: number;
  /** messages given up (queue full, refused at the HWM with noDrop, send error, unserializable, closed) */
  dropped: number;
  /** messages waiting in the queue now */
  queueDepth: number;
  /** deepest the queue has been */
  maxQueueDepth: number;
}

/**
 * Why 50,000: the republished stream feeds viewers (dashboards, scripts) that
 * stall now and then. ZeroMQ's default of 1,000 is 10 ms at the 100k msg/s
 * design rate; 50,000 gives a viewer half a second to catch up before it
 * starts losing messages, at ≤ ~25 MB of queued messages per subscriber.
 */
export const DEFAULT_SEND_HWM = 50_000;

export class Republisher {
  readonly #endpoint: string;
  readonly #sendHwm: number;
  readonly #noDrop: boolean;
  readonly #capacity: number;
  readonly #log: LogSink;
  readonly #dropLog: RateLimitedLog;
  readonly #onDrop: ((reason: DropReason) => void) | undefined;
  #socket: Publisher | undefined;
  #bound: string | undefined;
  #closed = false;
  // ring queue, two parallel arrays so queuing allocates nothing
  readonly #qTopic: string[];
  readonly #qBody: (Buffer | string)[];
  #qHead = 0;
  #qLen = 0;
  /** the most recent send handed to the socket: the one in progress when the socket says busy */
  #lastSend: Promise<void> = Promise.resolve();
  #draining = false;
  #drained: (() => void) | undefined;
  #published = 0;
  #dropped = 0;
  #maxDepth = 0;

  constructor(options: RepublisherOptions) {
    this.#endpoint = options.endpoint;
    this.#sendHwm = options.sendHwm ?? DEFAULT_SEND_HWM;
    this.#noDrop = options.noDrop ?? false;
    this.#capacity = options.queueCapacity ?? 10_000;
    if (!Number.isSafeInteger(this.#capacity) || this.#capacity < 1) throw new RangeError(`Republisher: queueCapacity must be a positive integer, got ${this.#capacity}`);
    this.#log = options.logger ?? silentLog;
    this.#dropLog = new RateLimitedLog({ logger: this.#log, max: 5, intervalMs: 60_000 });
    this.#onDrop = options.onDrop;
    this.#qTopic = new Array<string>(this.#capacity).fill('');
    this.#qBody = new Array<Buffer | string>(this.#capacity).fill('');
  }

  /** Binds the PUB socket. Throws naming the endpoint when it cannot (address in use…). */
  async start(): Promise<void> {
    if (this.#socket) throw new Error('Republisher already started');
    const socket = new Publisher({ sendHighWaterMark: this.#sendHwm, noDrop: this.#noDrop, linger: 500 });
    try {
      await socket.bind(this.#endpoint);
    } catch (err) {
      socket.close();
      throw new Error(`cannot bind the republish endpoint ${this.#endpoint}: ${(err as Error).message}`, { cause: err });
    }
    this.#socket = socket;
    this.#bound = socket.lastEndpoint ?? this.#endpoint;
    this.#log.info({ endpoint: this.#bound, sendHwm: this.#sendHwm, noDrop: this.#noDrop }, 'republishing laser messages');
  }

  /** Send high-water mark per subscriber, in messages. */
  get sendHwm(): number {
    return this.#sendHwm;
  }

  /** The endpoint actually bound (with the real port when bound to `:*`). */
  get endpoint(): string {
    return this.#bound ?? this.#endpoint;
  }

  /** Sends `[topic, JSON.stringify(payload)]`. Never throws. */
  publish(topic: string, payload: object): void {
    let body: string;
    try {
      body = JSON.stringify(payload);
    } catch (err) {
      this.#drop('unserializable', err);
      return;
    }
    this.publishRaw(topic, body);
  }

  /** Sends `[topic, body]` with the body as is (e.g. the raw laser bytes). Never throws. */
  publishRaw(topic: string, body: Buffer | string): void {
    if (this.#socket === undefined || this.#closed) {
      this.#drop(this.#closed ? 'closed' : 'not-started');
      return;
    }
    if (this.#qLen > 0) this.#enqueue(topic, body);
    else this.#sendNow(topic, body);
  }

  #sendNow(topic: string, body: Buffer | string): void {
    let sent: Promise<void>;
    try {
      sent = this.#socket!.send([topic, body]);
    } catch (err) {
      if (isBusy(err)) this.#enqueue(topic, body);
      else this.#drop('send-failed', err);
      return;
    }
    this.#lastSend = sent;
    sent.then(this.#onSent, this.#onFailed);
  }

  readonly #onSent = (): void => {
    this.#published++;
  };

  readonly #onFailed = (err: unknown): void => {
    this.#drop(this.#failReason(err), err);
  };

  #failReason(err: unknown): DropReason {
    if (this.#closed) return 'closed';
    return (err as { code?: unknown } | null)?.code === 'EAGAIN' ? 'hwm' : 'send-failed';
  }

  #enqueue(topic: string, body: Buffer | string): void {
    if (this.#qLen >= this.#capacity) {
      this.#drop('queue-full');
      return;
    }
    const i = (this.#qHead + this.#qLen) % this.#capacity;
    this.#qTopic[i] = topic;
    this.#qBody[i] = body;
    this.#qLen++;
    if (this.#qLen > this.#maxDepth) this.#maxDepth = this.#qLen;
    if (!this.#draining) void this.#drain();
  }

  /** Sends the queue one message at a time behind the pending send, then returns to direct sends. */
  async #drain(): Promise<void> {
    this.#draining = true;
    let waited: Promise<void> | undefined;
    try {
      while (this.#qLen > 0 && !this.#closedSocket()) {
        let sent: Promise<void>;
        try {
          sent = this.#socket!.send([this.#qTopic[this.#qHead]!, this.#qBody[this.#qHead]!]);
        } catch (err) {
          if (isBusy(err)) {
            // Wait for the send in progress; it settles when the socket has
            // room. (Should the socket still be busy after that, yield a loop
            // turn rather than spin.)
            if (waited === this.#lastSend) await new Promise((r) => setImmediate(r));
            else await (waited = this.#lastSend).then(noop, noop);
            continue;
          }
          sent = Promise.reject(err);
        }
        this.#qBody[this.#qHead] = ''; // let the buffer go
        this.#qHead = (this.#qHead + 1) % this.#capacity;
        this.#qLen--;
        this.#lastSend = sent;
        try {
          await sent;
          this.#published++;
        } catch (err) {
          this.#drop(this.#failReason(err), err);
        }
      }
    } finally {
      this.#draining = false;
      this.#drained?.();
    }
  }

  #closedSocket(): boolean {
    return this.#socket === undefined || this.#socket.closed;
  }

  #drop(reason: DropReason, err?: unknown): void {
    this.#dropped++;
    this.#dropLog.log({ reason, ...(err !== undefined && { err }), endpoint: this.endpoint }, 'republisher dropped a message');
    try {
      this.#onDrop?.(reason);
    } catch {
      // a metrics callback must not break the caller
    }
  }

  stats(): RepublisherStats {
    return { published: this.#published, dropped: this.#dropped, queueDepth: this.#qLen, maxQueueDepth: this.#maxDepth };
  }

  /** Gives the queue up to `timeoutMs` to drain, then closes the socket (what is left is dropped). Idempotent. */
  async close(timeoutMs = 1_000): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#drainEnd(timeoutMs);
    this.#socket?.close();
    // a send still waiting for room fails now; let the drain count it
    await this.#drainEnd(100);
    for (let i = 0; i < this.#qLen; i++) this.#drop('closed');
    this.#qLen = 0;
    this.#qBody.fill('');
    this.#dropLog.flush();
    if (this.#socket) this.#log.info({ endpoint: this.endpoint, ...this.stats() }, 'republisher closed');
  }

  #drainEnd(timeoutMs: number): Promise<void> {
    if (!this.#draining) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, timeoutMs);
      this.#drained = () => {
        clearTimeout(timer);
        this.#drained = undefined;
        resolve();
      };
    });
  }
}

function isBusy(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'EBUSY';
}

function noop(): void {}
