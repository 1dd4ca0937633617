// The watcher: shots from the bus into the store, then out to live viewers.
// The bus commits a batch only after `#store` resolved, i.e. after the store
// acknowledged the write; a redelivered shot is a duplicate _id and a no-op.
import type { Logger } from 'pino';
import type { Bus, Subscription } from '../bus/types.ts';
import type { Metrics } from '../metrics.ts';
import type { ShotRecord } from '../shot.ts';
import type { ShotRepository } from '../store/shots.ts';

export class Watcher {
  readonly #bus: Bus;
  readonly #shots: ShotRepository;
  readonly #metrics: Metrics;
  readonly #logger: Logger;
  readonly #groupId: string;
  readonly #onStored: (shots: ShotRecord[]) => void;
  #subscription: Subscription | null = null;
  /** why the last write failed, while it keeps failing */
  lastError: string | null = null;
  #failingSince = 0;
  lastStoredAt: string | null = null;

  constructor(options: { bus: Bus; shots: ShotRepository; metrics: Metrics; logger: Logger; groupId: string; onStored: (shots: ShotRecord[]) => void }) {
    this.#bus = options.bus;
    this.#shots = options.shots;
    this.#metrics = options.metrics;
    this.#logger = options.logger;
    this.#groupId = options.groupId;
    this.#onStored = options.onStored;
    options.metrics.gauge('shotline_watcher_queue_depth', 'Shots received from the bus and waiting to be stored (bounded: the consumer pauses)', () => this.#subscription?.queued?.() ?? 0);
  }

  /** Readiness: throws why shots are not being stored (store failing, consumer not consuming), if they are not. */
  check(): void {
    if (this.lastError) {
      const seconds = Math.round((Date.now() - this.#failingSince) / 1000);
      const queued = this.#subscription?.queued?.() ?? 0;
      throw new Error(`cannot store shots for ${seconds} s: ${this.lastError}; ${queued} shots waiting, offsets not committed, retrying with backoff`);
    }
    const problem = this.#subscription?.problem?.() ?? null;
    if (problem) throw new Error(problem);
  }

  async start(): Promise<void> {
    this.#subscription = await this.#bus.consumeShots(this.#groupId, (batch) => this.#store(batch));
  }

  async #store(batch: ShotRecord[]): Promise<void> {
    const started = performance.now();
    try {
      const result = await this.#shots.insert(batch);
      this.#metrics.storeWriteLatency.observe((performance.now() - started) / 1000);
      this.#metrics.shotsStored.inc(result.inserted);
      this.#metrics.shotsDuplicate.inc(result.duplicates);
      if (result.duplicates > 0) this.#logger.info({ duplicates: result.duplicates, batch: batch.length }, 'redelivered shots were already stored');
      if (this.lastError) this.#logger.info('store reachable again');
      this.lastError = null;
      this.lastStoredAt = new Date().toISOString();
    } catch (err) {
      this.#metrics.storeErrors.inc();
      if (!this.lastError) this.#failingSince = Date.now();
      this.lastError = (err as Error).message;
      throw err;
    }
    this.#onStored(batch);
  }

  async stop(): Promise<void> {
    await this.#subscription?.close();
    this.#subscription = null;
  }
}
