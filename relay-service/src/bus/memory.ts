// The in-process bus for `SHOTLINE_ROLE=all` without Kafka. Same contract as
// Kafka: publishShots resolves only once every consumer stored the batch, and
// rejects otherwise, so the sender keeps the shots in its journal and retries.
import type { ShotRecord } from '../shot.ts';
import type { Bus, ShotBatchHandler, Subscription, Telemetry } from './types.ts';

export class MemoryBus implements Bus {
  readonly kind = 'memory';
  #shotHandlers = new Set<ShotBatchHandler>();
  #telemetryHandlers = new Set<(t: Telemetry) => void>();
  async publishShots(shots: readonly ShotRecord[]): Promise<void> {
    if (this.#shotHandlers.size === 0) throw new Error('no watcher is consuming the in-process bus');
    // Each consumer group gets every batch; the publisher waits until all have it stored.
    await Promise.all([...this.#shotHandlers].map((h) => h([...shots])));
  }

  publishTelemetry(t: Telemetry): void {
    for (const h of this.#telemetryHandlers) {
      try {
        h(t);
      } catch {
        // a live viewer's failure must not reach the relay
      }
    }
  }

  async consumeShots(_groupId: string, handler: ShotBatchHandler): Promise<Subscription> {
    this.#shotHandlers.add(handler);
    return { close: async () => void this.#shotHandlers.delete(handler) };
  }

  async subscribeTelemetry(handler: (t: Telemetry) => void): Promise<Subscription> {
    this.#telemetryHandlers.add(handler);
    return { close: async () => void this.#telemetryHandlers.delete(handler) };
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {
    this.#shotHandlers.clear();
    this.#telemetryHandlers.clear();
  }
}
