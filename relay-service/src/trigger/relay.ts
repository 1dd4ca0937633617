// The relay role: laser messages in (ZeroMQ), trigger evaluation, the shot
// journal, the bus, and the ZeroMQ republish of every message. `onMessage`
// is the hot path: synchronous, no I/O, no awaiting; everything slow
// (fsync, Kafka) happens behind the journal.
//
// Bounded: a triggered shot waits in memory for its journal write, and every
// message after it waits behind it (the republished stream keeps the input
// order). That queue is bounded by SHOTLINE_INGEST_QUEUE_MAX messages and
// SHOTLINE_INGEST_QUEUE_MAX_BYTES: at the bound the relay stops reading
// ZeroMQ until half of it has gone through, so a relay short of CPU or disk
// leaves the excess in ZeroMQ (and, past its high-water marks, lost at the
// laser and counted as laser-counter gaps) instead of growing its memory.
// Nothing taken off ZeroMQ is dropped: a numbered shot always reaches the journal.
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Bus, RelayStatus } from '../bus/types.ts';
import { ShotSender } from '../bus/sender.ts';
import type { Metrics } from '../metrics.ts';
import type { SettingsService } from '../settings/service.ts';
import { SettingsFollower } from '../settings/follower.ts';
import type { RelaySettings } from '../settings/types.ts';
import type { ShotJournal } from '../spool/journal.ts';
import type { ShotRecord } from '../shot.ts';
import { ZmqIngest, type IngestedMessage } from '../ingest/subscriber.ts';
import { DebugBuffer, RateLimitedLog } from '../ingest/debug-buffer.ts';
import { extractChannels, readLaserCounter, readLaserTime } from '../ingest/decoder.ts';
import { Republisher } from '../ingest/republisher.ts';
import { compileSettings, evaluate, type CompiledSettings } from './engine.ts';
import { buildShotRecord } from './record.ts';
import { TriggerCounters } from './counters.ts';

interface Held {
  topic: string;
  body: Buffer | string;
  ready: boolean;
  /** the laser message's size, counted against SHOTLINE_INGEST_QUEUE_MAX_BYTES */
  bytes: number;
}

/** Reading resumes once the queue is down to this share of its bounds, so a relay at its bound does not pause per message. */
const RESUME_AT = 0.5;
/** /readyz fails when ingest was paused for more than PAUSED_ALARM of the last PAUSED_WINDOW_MS. */
const PAUSED_ALARM = 0.5;
const PAUSED_WINDOW_MS = 10_000;

/** Telemetry cadence: channel values are sampled, status is a heartbeat. */
const CHANNELS_EVERY_MS = 100;
const STATUS_EVERY_MS = 1_000;

export interface RelayOptions {
  config: Config;
  settings: SettingsService;
  journal: ShotJournal;
  bus: Bus;
  metrics: Metrics;
  logger: Logger;
  relayId: string;
  simulator: boolean;
  /** endpoints to subscribe to (the simulator's when it runs) */
  endpoints: { endpoint: string; topics: string[] }[];
}

export class Relay {
  readonly #o: RelayOptions;
  readonly #log: Logger;
  readonly #debug: DebugBuffer;
  readonly #ingest: ZmqIngest;
  readonly #republisher: Republisher;
  readonly #sender: ShotSender;
  readonly #follower: SettingsFollower;
  readonly #counters: TriggerCounters;
  #compiled: CompiledSettings;
  #settings: RelaySettings;
  #latest = new Map<string, number>();
  #latestDirty = false;
  #timers: NodeJS.Timeout[] = [];
  #inflight = new Set<Promise<void>>();
  /** republish queue while a triggered message waits for its journal write: the queue ahead of the journal */
  #held: Held[] = [];
  #heldHead = 0;
  #heldBytes = 0;
  readonly #queueMax: number;
  readonly #queueMaxBytes: number;
  readonly #pauseLog: RateLimitedLog;
  /** (time, ms paused so far) every second, for the share of the last PAUSED_WINDOW_MS spent paused */
  #pauseSamples: { at: number; pausedMs: number }[] = [];
  #triggers = 0;
  /** triggered shots refused since start because the spool was full */
  #refused = 0;
  readonly #refuseLog: RateLimitedLog;
  readonly #startedAt = new Date().toISOString();

  constructor(options: RelayOptions) {
    this.#o = options;
    this.#log = options.logger.child({ component: 'relay' });
    const { config } = options;
    this.#debug = new DebugBuffer({ capacity: config.debugBufferSize });
    this.#ingest = new ZmqIngest({
      endpoints: options.endpoints,
      receiveHwm: config.zmqReceiveHwm,
      maxBytes: config.maxMessageBytes,
      laserCounterField: config.laserCounterField,
      debugBuffer: this.#debug,
      logger: this.#log,
      onMessage: (m) => this.onMessage(m),
      onReject: (reason) => options.metrics.malformed.inc({ reason }),
      onGap: (missing) => options.metrics.laserGaps.inc(missing),
    });
    this.#republisher = new Republisher({ endpoint: config.zmqPublish, logger: this.#log, onDrop: () => options.metrics.republishDrops.inc() });
    this.#sender = new ShotSender({ journal: options.journal, bus: options.bus, metrics: options.metrics, logger: this.#log, lingerMs: config.kafkaLingerMs });
    this.#counters = new TriggerCounters(config.dataDir);
    this.#follower = new SettingsFollower({
      service: options.settings,
      dataDir: config.dataDir,
      pollMs: config.settingsPollMs,
      logger: this.#log,
      onChange: (s) => this.#apply(s),
    });
    this.#settings = this.#follower.current;
    this.#compiled = compileSettings(this.#settings);
    this.#refuseLog = new RateLimitedLog({ logger: this.#log, max: 100, intervalMs: 60_000, level: 'error' });
    this.#queueMax = config.ingestQueueMax;
    this.#queueMaxBytes = config.ingestQueueMaxBytes;
    this.#pauseLog = new RateLimitedLog({ logger: this.#log, max: 5, intervalMs: 60_000, level: 'warn' });

    const m = options.metrics;
    m.gauge('shotline_spool_pending_shots', 'Triggered shots journaled but not yet acknowledged by the bus', () => options.journal.pendingCount);
    m.gauge('shotline_spool_pending_bytes', 'Bytes of journaled shots awaiting the bus', () => options.journal.stats().pendingBytes);
    m.gauge('shotline_spool_fill_ratio', 'Pending journal bytes over SHOTLINE_SPOOL_MAX_BYTES', () => options.journal.stats().pendingBytes / options.journal.maxBytes);
    m.gauge('shotline_shot_counter', 'Last shot number used', () => options.journal.lastShotNumber);
    m.gauge('shotline_republish_queue_depth', 'Messages waiting to be republished (behind a journal write, or for the socket)', () => this.#held.length - this.#heldHead + this.#republisher.stats().queueDepth);
    m.gauge('shotline_ingest_queue_depth', 'Laser messages taken off ZeroMQ that wait for a journal write (their own or an earlier shot\'s)', () => this.#held.length - this.#heldHead);
    m.gauge('shotline_ingest_queue_bytes', 'Bytes of those laser messages', () => this.#heldBytes);
    m.gauge('shotline_ingest_queue_limit', 'SHOTLINE_INGEST_QUEUE_MAX: at this depth ingest pauses', () => this.#queueMax);
    m.gauge('shotline_ingest_queue_limit_bytes', 'SHOTLINE_INGEST_QUEUE_MAX_BYTES: at this many bytes ingest pauses', () => this.#queueMaxBytes);
    m.gauge('shotline_ingest_paused', '1 while the relay does not read ZeroMQ because the queue ahead of the journal is full (backpressure)', () => (this.#ingest.paused ? 1 : 0));
    m.counter('shotline_ingest_pauses_total', 'Times the relay stopped reading ZeroMQ because the queue ahead of the journal was full', () => this.#ingest.stats().pauses);
    m.counter('shotline_ingest_paused_seconds_total', 'Time the relay did not read ZeroMQ because the queue ahead of the journal was full', () => this.#ingest.pausedMs / 1000);
    m.gauge('shotline_zmq_connected_endpoints', 'Laser endpoints currently connected', () => this.#ingest.stats().endpoints.filter((e) => e.connected).length);
    m.gauge('shotline_zmq_reconnects', 'Reconnections to laser endpoints since start (what the laser sent meanwhile is lost: see the gap counter)', () => this.#ingest.stats().endpoints.reduce((a, e) => a + e.reconnects, 0));
    m.gauge('shotline_zmq_disconnects', 'Lost connections to laser endpoints since start', () => this.#ingest.stats().endpoints.reduce((a, e) => a + e.disconnects, 0));
    m.gauge('shotline_laser_counter_resets', "Times the laser's own counter went backwards (laser restarted) since start", () => this.#ingest.stats().counterResets);
    m.gauge('shotline_zmq_receive_hwm', 'Receive high-water mark per laser SUB socket (messages; SHOTLINE_ZMQ_RCVHWM)', () => config.zmqReceiveHwm);
    m.gauge('shotline_republish_send_hwm', 'Send high-water mark per republish subscriber (messages)', () => this.#republisher.sendHwm);
    m.gauge('shotline_journal_write_queue', 'Triggered shots waiting for their journal write (fdatasync)', () => options.journal.stats().writeQueue);
    m.gauge('shotline_spool_in_memory_shots', 'Unsent shots held in memory (the rest are read back from disk)', () => options.journal.stats().inMemory);
  }

  async start(): Promise<void> {
    await this.#counters.load();
    await this.#follower.start();
    await this.#republisher.start();
    this.#sender.start();
    await this.#ingest.start();
    this.#timers.push(
      setInterval(() => this.#publishChannels(), CHANNELS_EVERY_MS),
      setInterval(() => {
        this.#samplePaused();
        this.#o.bus.publishTelemetry({ type: 'status', relayId: this.#o.relayId, at: new Date().toISOString(), status: this.status() });
        void this.#counters.save().catch((err) => this.#log.warn({ err }, 'cannot save trigger counters'));
      }, STATUS_EVERY_MS),
    );
    for (const t of this.#timers) t.unref();
    this.#log.info(
      { endpoints: this.#o.endpoints.map((e) => e.endpoint), republish: this.#o.config.zmqPublish, lastShotNumber: this.#o.journal.lastShotNumber, pending: this.#o.journal.pendingCount },
      'relay started',
    );
  }

  #apply(settings: RelaySettings): void {
    this.#settings = settings;
    this.#compiled = compileSettings(settings);
    this.#counters.applySettings(settings);
    this.#log.info({ version: settings.version, armed: this.#compiled.armed.length, campaign: this.#compiled.campaign }, 'relay settings applied');
  }

  /** One laser message. Synchronous: the socket loop never waits for storage or Kafka. */
  onMessage(msg: IngestedMessage): void {
    this.#o.metrics.messagesIn.inc();
    const channels = extractChannels(msg.payload);
    // The laser's counter and clock are identity, not measurements.
    channels.delete(this.#o.config.laserCounterField);
    channels.delete(this.#o.config.laserTimeField);
    for (const [name, value] of channels) this.#latest.set(name, value);
    this.#latestDirty = true;
    let crossed = evaluate(this.#compiled, channels);
    if (crossed !== null && this.#o.journal.full) {
      // Bounded spool: Kafka has been away so long that SHOTLINE_SPOOL_MAX_BYTES of shots wait.
      // The shot gets no number; it is counted, alarmed on /readyz, and its values logged.
      this.#refused++;
      this.#o.metrics.spoolRefused.inc();
      const laserCounter = readLaserCounter(msg.payload, this.#o.config.laserCounterField);
      this.#refuseLog.log(
        { laserCounter, receivedAt: msg.receivedAt, triggeredBy: crossed, channels: Object.fromEntries(channels), refused: this.#refused },
        'spool full (Kafka unreachable, SHOTLINE_SPOOL_MAX_BYTES reached): triggered shot REFUSED, not numbered; its values are in this log line',
      );
      crossed = null;
    }
    if (crossed === null) {
      if (this.#held.length === this.#heldHead) this.#republisher.publishRaw(msg.topic, msg.raw);
      else this.#hold({ topic: msg.topic, body: msg.raw, ready: true, bytes: msg.raw.length });
      return;
    }
    const laserCounter = readLaserCounter(msg.payload, this.#o.config.laserCounterField);
    const laserTime = readLaserTime(msg.payload, this.#o.config.laserTimeField);
    const record = buildShotRecord(this.#compiled, {
      shotNumber: this.#o.journal.nextShotNumber(),
      channels,
      triggeredBy: crossed,
      receivedAt: msg.receivedAt,
      ...(laserTime !== undefined && { laserTime }),
      source: { endpoint: msg.endpoint, topic: msg.topic, ...(laserCounter !== undefined && { laserCounter }) },
    });
    this.#triggers++;
    this.#o.metrics.triggers.inc();
    this.#counters.increment(crossed, this.#settings);
    // The shot exists for the rest of the world only once it is on disk: then
    // it is sent and republished, so a shot number seen outside is never reused.
    // Messages after it wait behind it, so the republished stream keeps the input order.
    const held: Held = { topic: msg.topic, body: '', ready: false, bytes: msg.raw.length };
    this.#hold(held);
    const done = this.#o.journal.append(record).then(
      () => {
        this.#sender.notify();
        held.body = JSON.stringify({ ...msg.payload, shotline: shotFields(record) });
      },
      (err: Error) => {
        this.#log.error({ err, shot: record }, 'could not journal a triggered shot (disk?); the record is in this log line');
        held.body = msg.raw;
      },
    ).finally(() => {
      held.ready = true;
      this.#releaseHeld();
    });
    this.#inflight.add(done);
    void done.finally(() => this.#inflight.delete(done));
  }

  #hold(h: Held): void {
    this.#held.push(h);
    this.#heldBytes += h.bytes;
    if (!this.#ingest.paused && (this.#held.length - this.#heldHead >= this.#queueMax || this.#heldBytes >= this.#queueMaxBytes)) this.#backpressure();
  }

  /** The queue ahead of the journal is full: stop reading ZeroMQ until it has drained to half. */
  #backpressure(): void {
    this.#ingest.pause();
    const journal = this.#o.journal.stats();
    this.#pauseLog.log(
      {
        queued: this.#held.length - this.#heldHead,
        queuedBytes: this.#heldBytes,
        limit: this.#queueMax,
        limitBytes: this.#queueMaxBytes,
        journalWriteQueue: journal.writeQueue,
        pauses: this.#ingest.stats().pauses,
        pausedSeconds: Math.round(this.#ingest.pausedMs / 100) / 10,
      },
      'relay behind its journal (short of CPU or disk): ingest paused at SHOTLINE_INGEST_QUEUE_MAX(_BYTES) until half has been written; laser messages wait in ZeroMQ meanwhile, and those beyond its high-water marks are lost at the laser (counted as laser-counter gaps)',
    );
  }

  #releaseHeld(): void {
    const held = this.#held;
    let head = this.#heldHead;
    let bytes = this.#heldBytes;
    while (head < held.length && held[head]!.ready) {
      const h = held[head++]!;
      bytes -= h.bytes;
      this.#republisher.publishRaw(h.topic, h.body);
    }
    if (head === held.length) {
      this.#held = [];
      head = 0;
    } else if (head > 4096 && head * 2 > held.length) {
      this.#held = held.slice(head);
      head = 0;
    }
    this.#heldHead = head;
    this.#heldBytes = bytes;
    if (this.#ingest.paused && this.#held.length - head <= this.#queueMax * RESUME_AT && bytes <= this.#queueMaxBytes * RESUME_AT) this.#ingest.resume();
  }

  #samplePaused(): void {
    const at = performance.now();
    this.#pauseSamples.push({ at, pausedMs: this.#ingest.pausedMs });
    while (this.#pauseSamples.length > 1 && at - this.#pauseSamples[0]!.at > PAUSED_WINDOW_MS) this.#pauseSamples.shift();
  }

  /** The queue ahead of the journal and the backpressure it has put on ZeroMQ. */
  ingestState() {
    const ingest = this.#ingest.stats();
    const first = this.#pauseSamples[0];
    const now = performance.now();
    // the share of the last PAUSED_WINDOW_MS (or less, just after the start) spent paused
    const recentlyPaused = first && now - first.at >= 1_000 ? (ingest.pausedMs - first.pausedMs) / (now - first.at) : null;
    return {
      queueDepth: this.#held.length - this.#heldHead,
      queueBytes: this.#heldBytes,
      queueLimit: this.#queueMax,
      queueLimitBytes: this.#queueMaxBytes,
      journalWriteQueue: this.#o.journal.stats().writeQueue,
      paused: ingest.paused,
      pauses: ingest.pauses,
      pausedSeconds: Math.round(ingest.pausedMs) / 1000,
      recentlyPausedShare: recentlyPaused === null ? null : Math.round(1000 * recentlyPaused) / 1000,
      laserGaps: ingest.gaps,
    };
  }

  /**
   * Readiness of ingest: its details always; fails when ingest was paused for most of the last
   * 10 s (the relay cannot keep up: the laser's messages pile up in ZeroMQ and are then lost).
   */
  checkIngest(): IngestDetails {
    const s = this.ingestState();
    if (s.recentlyPausedShare !== null && s.recentlyPausedShare > PAUSED_ALARM) {
      throw Object.assign(
        new Error(
          `relay cannot keep up: ingest paused ${Math.round(100 * s.recentlyPausedShare)}% of the last ${PAUSED_WINDOW_MS / 1000} s ` +
            `(${s.queueDepth} messages wait for the journal, limit ${s.queueLimit}); laser messages wait in ZeroMQ and past its high-water marks are lost (${s.laserGaps} laser-counter gaps so far)`,
        ),
        { details: s },
      );
    }
    return s;
  }

  #publishChannels(): void {
    if (!this.#latestDirty) return;
    this.#latestDirty = false;
    this.#o.bus.publishTelemetry({ type: 'channels', relayId: this.#o.relayId, at: new Date().toISOString(), values: this.latestValues() });
  }

  latestValues(): Record<string, number> {
    return Object.fromEntries(this.#latest);
  }

  debugMessages(query: { limit: number; rejectedOnly: boolean }) {
    return this.#debug.list(query);
  }

  status(): RelayStatus {
    const ingest = this.#ingest.stats();
    const spool = this.#o.journal.stats();
    return {
      startedAt: this.#startedAt,
      simulator: this.#o.simulator,
      endpoints: ingest.endpoints,
      messages: ingest.received,
      malformed: ingest.malformed,
      gaps: ingest.gaps,
      triggers: this.#triggers,
      lastShotNumber: spool.lastShotNumber,
      spool: { pendingShots: spool.pendingShots, pendingBytes: spool.pendingBytes, maxBytes: spool.maxBytes, full: this.#o.journal.full, refused: this.#refused },
      kafka: { connected: this.#sender.connected, lastError: this.#sender.lastError },
      ingest: this.ingestState(),
      counters: this.#counters.snapshot(),
      settingsVersion: this.#settings.version,
    };
  }

  /** Readiness: the bus takes shots and the spool is not filling up (alarm at 80 %, refusing shots at 100 %). */
  checkBus(): void {
    const spool = this.#o.journal.stats();
    // shots still waiting for their journal write count too
    const shots = spool.pendingShots + spool.writeQueue;
    const bytes = spool.pendingBytes + spool.writeQueueBytes;
    const percent = Math.round((100 * bytes) / spool.maxBytes);
    const problems: string[] = [];
    if (this.#o.journal.full) problems.push(`spool FULL (${shots} shots, ${percent}% of SHOTLINE_SPOOL_MAX_BYTES): new shots are refused, ${this.#refused} so far`);
    else if (bytes > spool.maxBytes * 0.8) problems.push(`spool ${percent}% full (${shots} shots waiting); at 100% new shots are refused`);
    else if (this.#refused > 0 && !this.#sender.connected) problems.push(`${this.#refused} shots refused while the spool was full`);
    if (!this.#sender.connected && this.#sender.lastError) {
      const since = this.#sender.failingSince === null ? '' : ` for ${Math.round((Date.now() - this.#sender.failingSince) / 1000)} s`;
      problems.push(`cannot send shots to Kafka${since} (${this.#sender.lastError}); ${shots} shots wait in the spool (${percent}% of SHOTLINE_SPOOL_MAX_BYTES), sent in order when it returns`);
    }
    if (problems.length > 0) throw new Error(problems.join('; '));
  }

  /** Stops ingest first, then lets every triggered shot reach the journal and (if it can) the bus. */
  async stop(): Promise<void> {
    for (const t of this.#timers) clearInterval(t);
    await this.#ingest.close();
    await Promise.allSettled([...this.#inflight]);
    this.#follower.stop();
    await this.#sender.stop();
    await this.#counters.save().catch(() => {});
    this.#refuseLog.flush();
    this.#pauseLog.flush();
    await this.#republisher.close();
    this.#log.info({ lastShotNumber: this.#o.journal.lastShotNumber, unsent: this.#o.journal.pendingCount }, 'relay stopped');
  }
}

export type IngestDetails = ReturnType<Relay['ingestState']>;

function shotFields(r: ShotRecord) {
  return { uid: r.uid, shotNumber: r.shotNumber, campaign: r.campaign, receivedAt: r.receivedAt, triggeredBy: r.triggeredBy };
}
