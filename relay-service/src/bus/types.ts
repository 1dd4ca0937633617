// The bus joins the relay to the watcher (triggered shots, durable, ordered
// per campaign) and the relay to API processes (telemetry: live channel values
// and relay status, best effort). Kafka in the lab; in-process for `all`
// without KAFKA_BROKERS.
import type { ShotRecord } from '../shot.ts';

/** Live telemetry from a relay: sampled channel values, or its status. */
export type Telemetry =
  | { type: 'channels'; relayId: string; at: string; values: Record<string, number> }
  | { type: 'status'; relayId: string; at: string; status: RelayStatus };

export interface RelayStatus {
  startedAt: string;
  simulator: boolean;
  endpoints: { endpoint: string; connected: boolean; reconnects: number; lastMessageAt: string | null }[];
  messages: number;
  malformed: number;
  gaps: number;
  triggers: number;
  lastShotNumber: number;
  /** `full`: new shots are refused until Kafka takes some; `refused`: since start */
  spool: { pendingShots: number; pendingBytes: number; maxBytes: number; full?: boolean; refused?: number };
  kafka: { connected: boolean; lastError: string | null };
  /**
   * The queue ahead of the journal and the backpressure onto ZeroMQ (absent from relays before it):
   * messages and bytes waiting, the bounds, whether reading ZeroMQ is paused, pauses and time paused
   * since start, the share of the last 10 s paused, laser-counter gaps.
   */
  ingest?: {
    queueDepth: number;
    queueBytes: number;
    queueLimit: number;
    queueLimitBytes: number;
    journalWriteQueue: number;
    paused: boolean;
    pauses: number;
    pausedSeconds: number;
    recentlyPausedShare: number | null;
    laserGaps: number;
  };
  /** channel name → local trigger count since its last reset */
  counters: Record<string, number>;
  settingsVersion: number;
}

export interface ShotBatchHandler {
  /** Resolve only when the batch is durably stored: the bus then commits it. Reject to have it delivered again. */
  (batch: ShotRecord[]): Promise<void>;
}

export interface Subscription {
  close(): Promise<void>;
  /** null while consuming; otherwise why not (joining, broker unreachable, reconnecting) */
  problem?(): string | null;
  /** messages received and waiting to be handled (bounded) */
  queued?(): number;
}

export interface Bus {
  readonly kind: 'kafka' | 'memory';
  /** Resolves when the bus acknowledged every shot (acks=all for Kafka). */
  publishShots(shots: readonly ShotRecord[]): Promise<void>;
  /** Fire and forget; never throws. */
  publishTelemetry(t: Telemetry): void;
  /** Resolves at once; a Kafka consumer joins its group (and rejoins after failures) in the background, see `problem()`. */
  consumeShots(groupId: string, handler: ShotBatchHandler): Promise<Subscription>;
  subscribeTelemetry(handler: (t: Telemetry) => void): Promise<Subscription>;
  /** Resolves when the bus can be reached; rejects with the reason otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** Shots of one campaign share a key, so they share a partition and stay in order. */
export function shotKey(shot: ShotRecord): string {
  return shot.campaign ?? '(no campaign)';
}
