// For an API process without a watcher in it: finds newly stored shots by
// polling the store (an indexed range query on shotNumber) and hands them to
// the live hub. The roles share nothing but Kafka and the store.
import type { Logger } from 'pino';
import type { ShotRecord } from '../shot.ts';
import type { ShotRepository } from '../store/shots.ts';

export class StoredShotPoller {
  readonly #shots: ShotRepository;
  readonly #onShots: (shots: ShotRecord[]) => void;
  readonly #intervalMs: number;
  readonly #logger: Logger;
  #last = -1;
  #timer: NodeJS.Timeout | null = null;
  #busy = false;

  constructor(options: { shots: ShotRepository; onShots: (shots: ShotRecord[]) => void; intervalMs: number; logger: Logger }) {
    this.#shots = options.shots;
    this.#onShots = options.onShots;
    this.#intervalMs = options.intervalMs;
    this.#logger = options.logger;
  }

  start(): void {
    this.#timer = setInterval(() => void this.#poll(), this.#intervalMs);
    this.#timer.unref();
  }

  async #poll(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      if (this.#last < 0) {
        this.#last = await this.#shots.highestShotNumber();
        return;
      }
      const fresh = await this.#shots.listAfter(this.#last, 1000);
      if (fresh.length > 0) {
        this.#last = fresh.at(-1)!.shotNumber;
        this.#onShots(fresh);
      }
    } catch (err) {
      this.#logger.debug({ err }, 'live poll of stored shots failed');
    } finally {
      this.#busy = false;
    }
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
  }
}
