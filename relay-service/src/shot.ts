// The shot record: what the relay builds on a trigger, what travels on Kafka,
// and what the watcher stores (with `_id` = `uid`). One definition for all roles.

import type { ThresholdRule } from './settings/types.ts';

export type { ThresholdRule };

export interface ShotSource {
  /** ZeroMQ endpoint the message came from */
  endpoint: string;
  /** topic frame (multipart) or '' for single-frame messages */
  topic: string;
  /** the laser's own shot counter, when the message carries one */
  laserCounter?: number;
}

export interface ShotRecord {
  /** UUIDv7: globally unique and time-ordered */
  uid: string;
  /** global shot counter: strictly increasing, never reused */
  shotNumber: number;
  /** current campaign name, or null when none is running */
  campaign: string | null;
  /** timestamp from the laser message, if present (ISO 8601) */
  laserTime?: string;
  /** relay clock at receive, ISO 8601 with microseconds */
  receivedAt: string;
  /** channel values, keyed by display name (nickname when set) */
  channels: Record<string, number>;
  /** display names of the channels that crossed their threshold */
  triggeredBy: string[];
  /** rules in force at trigger time, keyed by channel name (not nickname) */
  thresholds: Record<string, ThresholdRule>;
  source: ShotSource;
  /** nickname → channel name, for the nicknames used in this record */
  aliases?: Record<string, string>;
}
