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
    await this.#ensureTopics();
    const consumer = new Consumer({
      ...this.#base(),
      groupId,
      deserializers: stringDeserializers,
      autocommit: false,
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
      maxWaitTime: 100,
    });
    const stream = await consumer.consume({ topics: [this.#o.shotsTopic], mode: 'committed', fallbackMode: 'earliest', autocommit: false });
    const loop = new BatchLoop(stream, handler, this.#o.maxBatch, this.#o.logger);
    const close = async () => {
      this.#closers.delete(close);
      await loop.stop();
      await stream.close().catch(() => {});
      await consumer.close(true).catch(() => {});
    };
    this.#closers.add(close);
    return { close };
  }

  async subscribeTelemetry(handler: (t: Telemetry) => void): Promise<Subscription> {
    await this.#ensureTopics();
    // A group of its own: every API process sees all telemetry, from now on.
    const consumer = new Consumer({ ...this.#base(), groupId: `shotline-live-${randomUUID()}`, deserializers: stringDeserializers, maxWaitTime: 100 });
    const stream = await consumer.consume({ topics: [this.#o.telemetryTopic], mode: 'latest', autocommit: true });
    stream.on('data', (m: StrMessage) => {
      try {
        handler(JSON.parse(m.value) as Telemetry);
      } catch (err) {
        this.#o.logger.debug({ err }, 'ignored a telemetry message');
      }
    });
    stream.on('error', (err) => this.#o.logger.warn({ err }, 'telemetry stream error'));
    const close = async () => {
      this.#closers.delete(close);
      await stream.close().catch(() => {});
      await consumer.close(true).catch(() => {});
    };
    this.#closers.add(close);
    return { close };
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

/**
 * Turns the message stream into batches: messages arriving while a batch is
 * being stored form the next batch. The stream is paused while too many
 * messages wait, so memory stays bounded whatever the backlog in Kafka.
 */
class BatchLoop {
  #waiting: StrMessage[] = [];
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
    stream.on('data', (m: StrMessage) => {
      this.#waiting.push(m);
      if (this.#waiting.length >= this.#max * 2 && !this.#paused) {
        this.#paused = true;
        stream.pause();
      }
      this.#running ??= this.#drain();
    });
    stream.on('error', (err) => logger.error({ err }, 'Kafka consumer stream error'));
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
      if (this.#paused && this.#waiting.length < this.#max) {
        this.#paused = false;
        this.#stream.resume();
      }
    }
    this.#running = null;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#running;
  }
}

/** Commits the highest offset of each partition in the batch. */
async function commitBatch(messages: StrMessage[]): Promise<void> {
  const last = new Map<string, StrMessage>();
  for (const m of messages) last.set(`${m.topic}\0${m.partition}`, m);
  await Promise.all([...last.values()].map((m) => m.commit()));
}
