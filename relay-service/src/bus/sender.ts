// Sends journaled shots to the bus, oldest first, one batch in flight at a
// time (so order holds across retries), and acknowledges them in the journal
// once the bus has them. While the bus is down the shots wait on disk.
import type { Logger } from 'pino';
import type { ShotJournal } from '../spool/journal.ts';
import type { Metrics } from '../metrics.ts';
import type { Bus } from './types.ts';
import type { ShotRecord } from '../shot.ts';

export class ShotSender {
  readonly #journal: ShotJournal;
  readonly #bus: Bus;
  readonly #metrics: Metrics;
  readonly #logger: Logger;
  readonly #maxBatch: number;
  readonly #lingerMs: number;
  #wake: (() => void) | null = null;
  #loop: Promise<void> | null = null;
  #stopping = false;
  lastError: string | null = null;
  /** when sending started failing (epoch ms), while it fails */
  failingSince: number | null = null;
  connected = false;

  constructor(options: { journal: ShotJournal; bus: Bus; metrics: Metrics; logger: Logger; maxBatch?: number; lingerMs?: number }) {
    this.#journal = options.journal;
    this.#bus = options.bus;
    this.#metrics = options.metrics;
    this.#logger = options.logger;
    this.#maxBatch = options.maxBatch ?? 500;
    this.#lingerMs = options.lingerMs ?? 0;
  }

  start(): void {
    this.#loop ??= this.#run();
  }

  /** Called after a shot was journaled. */
  notify(): void {
    this.#wake?.();
  }

  async #run(): Promise<void> {
    let delay = 100;
    while (true) {
      let batch: ShotRecord[];
      try {
        batch = await this.#journal.next(this.#maxBatch);
      } catch (err) {
        // Reading unsent shots back from disk failed: nothing is dropped, try again.
        this.#logger.error({ err }, 'cannot read unsent shots from the journal; retrying');
        this.lastError = `journal: ${(err as Error).message}`;
        this.failingSince ??= Date.now();
        if (this.#stopping) return;
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        continue;
      }
      if (batch.length === 0) {
        if (this.#stopping) return;
        await new Promise<void>((resolve) => (this.#wake = resolve));
        this.#wake = null;
        continue;
      }
      // Like Kafka's linger.ms: at high rates, fewer and larger requests cost the broker and the store less.
      if (this.#lingerMs > 0 && batch.length < this.#maxBatch && !this.#stopping) {
        await new Promise((resolve) => setTimeout(resolve, this.#lingerMs));
        batch = this.#journal.pending(this.#maxBatch);
      }
      const started = performance.now();
      try {
        await this.#bus.publishShots(batch);
        this.#metrics.produceLatency.observe((performance.now() - started) / 1000);
        this.#metrics.shotsSent.inc(batch.length);
        this.#journal.ack(batch.at(-1)!.shotNumber);
        if (!this.connected) this.#logger.info({ pending: this.#journal.pendingCount }, 'bus reachable: sending journaled shots');
        this.connected = true;
        this.lastError = null;
        this.failingSince = null;
        delay = 100;
      } catch (err) {
        this.#metrics.produceErrors.inc();
        if (this.connected || this.lastError === null) this.#logger.warn({ err, pending: this.#journal.pendingCount }, 'bus unreachable: shots wait in the journal');
        this.connected = false;
        this.lastError = (err as Error).message;
        this.failingSince ??= Date.now();
        if (this.#stopping) return;
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, delay);
          this.#wake = () => {
            if (this.#stopping) {
              clearTimeout(t);
              resolve();
            }
          };
        });
        this.#wake = null;
        delay = Math.min(delay * 2, 5_000);
      }
    }
  }

  /** Sends what is pending (one attempt per batch) and stops. What could not be sent stays journaled for the next start. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#wake?.();
    await this.#loop;
  }
}
