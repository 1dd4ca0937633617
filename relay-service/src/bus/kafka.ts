// The Kafka bus (@platformatic/kafka). Shots: idempotent producer, acks=all,
// keyed by campaign. The watcher's consumer commits a batch's offsets only
// after its handler resolved, i.e. after MongoDB acknowledged the write; a
// failed batch is retried (stream paused) and never skipped.
import { Admin, Consumer, Producer, ProduceAcks, stringDeserializers, stringSerializers, type Message, type MessagesStream } from '@platformatic/kafka';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { ShotRecord } from '../shot.ts';
import { shotKey, type Bus, type ShotBatchHandler, type Subscription, type Telemetry } from './types.ts';

export interface KafkaBusOptions {
  brokers: string[];
  shotsTopic: string;
  telemetryTopic: string;
  clientId: string;
  logger: Logger;
  /** partitions for topics this bus creates */
  partitions?: number;
  /** largest batch handed to a shot handler */
  maxBatch?: number;
}

type StrMessage = Message<string, string, string, string>;

export class KafkaBus implements Bus {
  readonly kind = 'kafka';
  readonly #o: Required<KafkaBusOptions>;
  #producer: Producer<string, string, string, string> | null = null;
  #telemetryProducer: Producer<string, string, string, string> | null = null;
  #admin: Admin | null = null;
  #topicsReady: Promise<void> | null = null;
  #closers = new Set<() => Promise<void>>();
  #telemetryInFlight = 0;

  constructor(options: KafkaBusOptions) {
    this.#o = { partitions: 3, maxBatch: 1000, ...options };
  }

  #base() {
    return { bootstrapBrokers: this.#o.brokers, clientId: this.#o.clientId, retries: 3, retryDelay: 250, timeout: 10_000 };
  }

  /** Creates the topics once (a broker with auto-creation off is common in labs). */
  #ensureTopics(): Promise<void> {
    this.#topicsReady ??= (async () => {
      this.#admin ??= new Admin(this.#base());
      const existing = new Set(await this.#admin.listTopics());
      const wanted = [
        { topic: this.#o.shotsTopic, partitions: this.#o.partitions },
        { topic: this.#o.telemetryTopic, partitions: 1 },
      ].filter((t) => !existing.has(t.topic));
      for (const t of wanted) {
        try {
          await this.#admin.createTopics({ topics: [t.topic], partitions: t.partitions, replicas: -1 });
          this.#o.logger.info({ topic: t.topic, partitions: t.partitions }, 'created Kafka topic');
        } catch (err) {
          if (!/already exists/i.test(String((err as Error).message) + JSON.stringify((err as { errors?: unknown }).errors ?? ''))) throw err;
        }
      }
    })().catch((err) => {
      this.#topicsReady = null;
      throw err;
    });
    return this.#topicsReady;
  }

  async publishShots(shots: readonly ShotRecord[]): Promise<void> {
    if (shots.length === 0) return;
    await this.#ensureTopics();
    this.#producer ??= new Producer({
      ...this.#base(),
      idempotent: true,
      acks: ProduceAcks.ALL,
      serializers: stringSerializers,
    });
    await this.#producer.send({
      messages: shots.map((s) => ({
        topic: this.#o.shotsTopic,
        key: shotKey(s),
        value: JSON.stringify(s),
        headers: { uid: s.uid, shotNumber: String(s.shotNumber) },
      })),
    });
  }

  publishTelemetry(t: Telemetry): void {
    // Bounded: telemetry is sampled, so when Kafka is slow we drop rather than queue.
    if (this.#telemetryInFlight >= 8) return;
    this.#telemetryProducer ??= new Producer({ ...this.#base(), retries: 0, acks: ProduceAcks.LEADER, serializers: stringSerializers });
    this.#telemetryInFlight++;
    this.#ensureTopics()
      .then(() => this.#telemetryProducer!.send({ messages: [{ topic: this.#o.telemetryTopic, key: t.relayId, value: JSON.stringify(t) }] }))
      .catch(() => {})
      .finally(() => this.#telemetryInFlight--);
  }

  async consumeShots(groupId: string, handler: ShotBatchHandler): Promise<Subscription> {
    const consumer = new ResilientConsumer({
      name: 'shots',
      logger: this.#o.logger,
      ensureTopics: () => this.#ensureTopics(),
      consumer: () =>
        new Consumer({
          ...this.#base(),
          groupId,
          deserializers: stringDeserializers,
          autocommit: false,
          sessionTimeout: 10_000,
          heartbeatInterval: 1_000,
          // a rebalance waits at most this long for members to rejoin (the client's default is 102 s)
          rebalanceTimeout: 30_000,
          // 'consumer:heartbeat:stalled' after this long without a successful heartbeat (rebalanceTimeout
          // longer while a rejoin is in progress): see ResilientConsumer
          heartbeatStallTimeout: 20_000,
          maxWaitTime: 100,
        }),
      consume: (c) => c.consume({ topics: [this.#o.shotsTopic], mode: 'committed', fallbackMode: 'earliest', autocommit: false }),
      attach: (stream) => new BatchLoop(stream, handler, this.#o.maxBatch, this.#o.logger),
    });
    return this.#track(consumer);
  }

  async subscribeTelemetry(handler: (t: Telemetry) => void): Promise<Subscription> {
    // A group of its own: every API process sees all telemetry, from now on.
    const groupId = `shotline-live-${randomUUID()}`;
    const consumer = new ResilientConsumer({
      name: 'telemetry',
      logger: this.#o.logger,
      ensureTopics: () => this.#ensureTopics(),
      consumer: () => new Consumer({ ...this.#base(), groupId, deserializers: stringDeserializers, maxWaitTime: 100 }),
      consume: (c) => c.consume({ topics: [this.#o.telemetryTopic], mode: 'latest', autocommit: true }),
      attach: (stream) => {
        stream.on('data', (m: StrMessage) => {
          try {
            handler(JSON.parse(m.value) as Telemetry);
          } catch (err) {
            this.#o.logger.debug({ err }, 'ignored a telemetry message');
          }
        });
        return { stop: async () => {}, queued: () => 0 };
      },
    });
    return this.#track(consumer);
  }

  /** Starts a consumer in the background (it connects, and reconnects, by itself) and closes it with the bus. */
  #track(consumer: ResilientConsumer): Subscription {
    consumer.start();
    const close = async () => {
      this.#closers.delete(close);
      await consumer.stop();
    };
    this.#closers.add(close);
    return { close, problem: () => consumer.problem(), queued: () => consumer.queued() };
  }

  async ping(): Promise<void> {
    this.#admin ??= new Admin(this.#base());
    await this.#admin.metadata({ topics: [] });
  }

  async close(): Promise<void> {
    for (const close of [...this.#closers]) await close();
    await this.#producer?.close().catch(() => {});
    await this.#telemetryProducer?.close().catch(() => {});
    await this.#admin?.close().catch(() => {});
  }
}

type StrStream = MessagesStream<string, string, string, string>;
type StrConsumer = Consumer<string, string, string, string>;

interface Attached {
  /** stops handing messages on; waits for the batch in progress */
  stop(): Promise<void>;
  queued(): number;
  /** why this stream looks stuck (the watchdog then starts a new consumer), or null */
  stuck?(): string | null;
}

/** How often the watchdog looks, and how long a fetch loop may stay silent while it has partitions. */
const WATCHDOG_EVERY_MS = 5_000;
const FETCH_SILENCE_MS = 30_000;

/** Longest wait for a consumer to list topics and join its group. */
const CONNECT_TIMEOUT_MS = 30_000;

interface ResilientConsumerOptions {
  /** for logs and readiness: 'shots', 'telemetry' */
  name: string;
  logger: Logger;
  ensureTopics: () => Promise<void>;
  consumer: () => StrConsumer;
  consume: (c: StrConsumer) => Promise<StrStream>;
  /** starts handling a new stream's messages */
  attach: (stream: StrStream) => Attached;
}

/**
 * A consumer that stays consuming. The client's message stream ends for good
 * on an error it gave up retrying (the broker restarting: fenced leader epoch,
 * fetch or commit failures), and joining a group fails while the broker is
 * down. So: connect in the background, and whenever the stream dies close the
 * consumer and start a new one (with backoff). A new consumer starts from the
 * committed offsets, so what was not committed is delivered again; the
 * watcher stores by uid, so that is a no-op.
 */
class ResilientConsumer {
  readonly #o: ResilientConsumerOptions;
  /** the connection attempt in progress, if any */
  #attempt: { abandoned: boolean } | null = null;
  #stopped = false;
  #running: Promise<void> | null = null;
  #wake: (() => void) | null = null;
  #attached: Attached | null = null;
  #stream: StrStream | null = null;
  #consumer: StrConsumer | null = null;
  #problem: string | null = 'joining the consumer group';
  #problemSince = Date.now();
  #connects = 0;

  constructor(options: ResilientConsumerOptions) {
    this.#o = options;
  }

  start(): void {
    this.#running ??= this.#run();
  }

  /** null while consuming; otherwise why not, and since when */
  problem(): string | null {
    if (this.#problem === null) return null;
    return `${this.#o.name} consumer: ${this.#problem} (for ${Math.round((Date.now() - this.#problemSince) / 1000)} s)`;
  }

  queued(): number {
    return this.#attached?.queued() ?? 0;
  }

  #setProblem(problem: string | null): void {
    if (problem !== null && this.#problem === null) this.#problemSince = Date.now();
    this.#problem = problem;
  }

  async #run(): Promise<void> {
    let delay = 500;
    let attempts = 0;
    while (!this.#stopped) {
      let step = 'listing topics';
      try {
        attempts++;
        // Bounded: a join can hang when the broker goes away in the middle of it. An
        // attempt given up closes what it made when it finishes after all (a stray
        // member would hold partitions that nobody reads).
        const attempt = { abandoned: false };
        this.#attempt = attempt;
        const stream = await deadline(CONNECT_TIMEOUT_MS, (async () => {
          await this.#o.ensureTopics();
          if (attempt.abandoned) throw new Error('attempt abandoned');
          step = 'joining the group';
          const consumer = this.#o.consumer();
          this.#consumer = consumer;
          const joined = await this.#o.consume(consumer);
          if (attempt.abandoned) {
            await joined.close().catch(() => {});
            await withTimeout(consumer.close(true), 5_000).catch(() => {});
            throw new Error('attempt abandoned');
          }
          return joined;
        })(), () => `${step} took longer than ${CONNECT_TIMEOUT_MS / 1000} s`)
          .catch((err: unknown) => {
            attempt.abandoned = true;
            throw err;
          })
          .finally(() => (this.#attempt = null));
        if (this.#stopped) {
          await stream.close().catch(() => {});
          break;
        }
        this.#stream = stream;
        // A listener for the stream's whole life: an 'error' without one would crash the process.
        stream.on('error', (err: Error) => this.#o.logger.debug({ err, consumer: this.#o.name }, 'Kafka consumer stream error'));
        const consumer = this.#consumer!;
        let watchdog: NodeJS.Timeout | undefined;
        const ended = new Promise<Error | null>((resolve) => {
          stream.once('error', (err: Error) => resolve(err));
          stream.once('close', () => resolve(null));
          this.#wake = () => resolve(null);
          // The client's own signal that its group membership is broken (no heartbeat for 20 s).
          consumer.once('consumer:heartbeat:stalled', () => resolve(new Error('heartbeats stalled')));
          // Joined, yet silent: a fetch that never answers (seen after broker restarts) stops the
          // stream's loop for good; no error ever comes. Start over instead. (An idle topic is not
          // silent: every fetch, empty ones after maxWaitTime included, emits 'fetch'.)
          watchdog = setInterval(() => {
            const stuck = this.#attached?.stuck?.() ?? null;
            if (stuck) resolve(new Error(stuck));
          }, WATCHDOG_EVERY_MS);
          watchdog.unref();
        }).finally(() => clearInterval(watchdog));
        this.#attached = this.#o.attach(stream);
        this.#setProblem(null);
        if (this.#connects++ > 0) this.#o.logger.info({ consumer: this.#o.name, attempts }, 'Kafka consumer reconnected');
        delay = 500;
        attempts = 0;
        const err = await ended;
        if (this.#stopped) break;
        this.#setProblem(`stream failed: ${err?.message ?? 'closed'}; reconnecting`);
        this.#o.logger.warn({ err, consumer: this.#o.name }, 'Kafka consumer stream ended; starting a new consumer (what was not committed is delivered again)');
      } catch (err) {
        if (this.#stopped) break;
        this.#setProblem(`cannot start (${step}): ${(err as Error).message}; retrying`);
        this.#o.logger.warn({ err, consumer: this.#o.name, step, attempts, retryInMs: delay }, 'Kafka consumer cannot start; retrying');
      }
      await this.#teardown();
      if (this.#stopped) break;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, delay);
        this.#wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
      this.#wake = null;
      delay = Math.min(delay * 2, 5_000);
    }
    await this.#teardown();
  }

  async #teardown(): Promise<void> {
    const attached = this.#attached;
    const stream = this.#stream;
    const consumer = this.#consumer;
    this.#attached = null;
    this.#stream = null;
    this.#consumer = null;
    await attached?.stop();
    await stream?.close().catch(() => {});
    if (consumer) await withTimeout(consumer.close(true), 5_000).catch(() => {});
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#wake?.();
    // Connecting: give up the attempt (closing its consumer makes the join fail now).
    if (this.#attempt) {
      this.#attempt.abandoned = true;
      const connecting = this.#consumer;
      if (connecting) void withTimeout(connecting.close(true), 5_000).catch(() => {});
    }
    await withTimeout(this.#running ?? Promise.resolve(), 10_000);
  }
}

/** Rejects with `why()` if `p` has not settled after `ms`. */
function deadline<T>(ms: number, p: Promise<T>, why: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(why())), ms)))]).finally(() => clearTimeout(timer));
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)))]).finally(() => clearTimeout(timer));
}

/**
 * Turns the message stream into batches: messages arriving while a batch is
 * being stored form the next batch. The stream is paused while too many
 * messages wait, so memory stays bounded whatever the backlog in Kafka.
 */
class BatchLoop implements Attached {
  #waiting: StrMessage[] = [];
  #lastFetch = Date.now();
  #running: Promise<void> | null = null;
  #stopped = false;
  #paused = false;
  readonly #stream: MessagesStream<string, string, string, string>;
  readonly #handler: ShotBatchHandler;
  readonly #max: number;
  readonly #logger: Logger;

  constructor(stream: MessagesStream<string, string, string, string>, handler: ShotBatchHandler, max: number, logger: Logger) {
    this.#stream = stream;
    this.#handler = handler;
    this.#max = max;
    this.#logger = logger;
    stream.on('fetch', () => (this.#lastFetch = Date.now()));
    stream.on('data', (m: StrMessage) => {
      this.#waiting.push(m);
      if (this.#waiting.length >= this.#max * 2 && !this.#paused) {
        this.#paused = true;
        stream.pause();
      }
      this.#running ??= this.#drain();
    });

  }

  async #drain(): Promise<void> {
    await new Promise((r) => setImmediate(r));
    let delay = 100;
    while (this.#waiting.length > 0 && !this.#stopped) {
      const messages = this.#waiting.slice(0, this.#max);
      const shots: ShotRecord[] = [];
      for (const m of messages) {
        try {
          shots.push(JSON.parse(m.value) as ShotRecord);
        } catch (err) {
          // Only relays write this topic; an unreadable record is logged with its coordinates, never silently dropped.
          this.#logger.error({ err, topic: m.topic, partition: m.partition, offset: String(m.offset) }, 'unreadable shot record on Kafka; skipped');
        }
      }
      try {
        if (shots.length > 0) await this.#handler(shots);
      } catch (err) {
        this.#logger.warn({ err, retryInMs: delay }, 'storing a batch of shots failed; retrying, offsets not committed');
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 5_000);
        continue;
      }
      delay = 100;
      this.#waiting.splice(0, messages.length);
      // Not awaited: the client flushes commits from its fetch loop, which a
      // paused stream does not run, so awaiting here could wait forever.
      commitBatch(messages).catch((err) => this.#logger.warn({ err }, 'offset commit failed; the batch will be delivered again'));
      if (this.#paused && this.#waiting.length < this.#max && !this.#stopped) {
        this.#paused = false;
        this.#lastFetch = Date.now(); // the silence while paused was ours
        this.#stream.resume();
      }
    }
    this.#running = null;
  }

  queued(): number {
    return this.#waiting.length;
  }

  /** Partitions assigned to this consumer, yet no fetch answered for FETCH_SILENCE_MS (and not paused by us). */
  stuck(): string | null {
    if (this.#paused || this.#stopped) return null;
    const silent = Date.now() - this.#lastFetch;
    if (silent < FETCH_SILENCE_MS) return null;
    const assigned = this.#stream.consumer.assignments?.reduce((n, a) => n + a.partitions.length, 0) ?? 0;
    if (assigned === 0) return null;
    return `no fetch answered for ${Math.round(silent / 1000)} s with ${assigned} partitions assigned`;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#running;
    this.#waiting = [];
  }
}

/** Commits the highest offset of each partition in the batch. */
async function commitBatch(messages: StrMessage[]): Promise<void> {
  const last = new Map<string, StrMessage>();
  for (const m of messages) last.set(`${m.topic}\0${m.partition}`, m);
  await Promise.all([...last.values()].map((m) => m.commit()));
}
