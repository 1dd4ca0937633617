// The relay's settings, channels, status, audit and debug messages as its API
// serves them (relay-service/src/settings/types.ts, src/bus/types.ts,
// src/ingest/debug-buffer.ts, src/api/relay.ts). The one copy every relay-side
// component reads them from.

export type ThresholdRule =
  { kind: 'above'; above: number } | { kind: 'below'; below: number } | { kind: 'outside'; low: number; high: number };

export interface ChannelSettings {
  nickname?: string;
  unit?: string;
  enabled: boolean;
  /** null: the channel never triggers */
  rule: ThresholdRule | null;
  /** the relay zeroes the channel's local trigger counter when this changes */
  counterResetAt?: string;
}

export interface TriggerPolicy {
  /** any: one channel crossing triggers; atLeast: `count` channels must cross in the same message */
  mode: 'any' | 'atLeast';
  count?: number;
  /** with atLeast: these channels must all be among those crossing */
  required?: string[];
}

export interface Campaign {
  name: string;
  startedAt: string;
  startedBy: string;
  note?: string;
}

/** GET relay/settings, and the answer of every settings change (PATCH channel, reset counter, PUT policy). */
export interface RelaySettingsDoc {
  version: number;
  channels: Record<string, ChannelSettings>;
  policy: TriggerPolicy;
  campaign: Campaign | null;
  updatedAt: string;
  updatedBy: string;
}

/** One row of GET relay/channels: every channel seen or configured, its settings, latest value and local counter. */
export interface ChannelView {
  name: string;
  nickname: string | null;
  unit: string | null;
  enabled: boolean;
  rule: ThresholdRule | null;
  triggerCount: number;
  counterResetAt: string | null;
  value: number | null;
}

/** One laser endpoint of the relay's status (the ingest's endpoint stats). */
export interface EndpointStatus {
  endpoint: string;
  topics?: string[];
  connected: boolean;
  reconnects?: number;
  disconnects?: number;
  received?: number;
  malformed?: number;
  lastMessageAt?: string | null;
}

/**
 * GET relay/status and the live feed's `status` messages. Optional throughout:
 * the live hub passes on what the relay sent, and older relays send less.
 */
export interface RelayStatus {
  startedAt?: string;
  simulator?: boolean;
  endpoints?: EndpointStatus[];
  messages?: number;
  malformed?: number;
  gaps?: number;
  triggers?: number;
  lastShotNumber?: number;
  spool?: { pendingShots?: number; full?: boolean; refused?: number };
  kafka?: { connected: boolean; lastError: string | null };
  /** the queue ahead of the journal; `paused`: the relay stopped reading ZeroMQ (newer relays only) */
  ingest?: { paused?: boolean; pauses?: number };
  /** channel name → local trigger count since its last reset */
  counters?: Record<string, number>;
  settingsVersion?: number;
  /** added by the live hub: when the relay sent it */
  at?: string;
}

/** One item of GET relay/audit (the relay's AuditEntry, `_id` as `id`). */
export interface AuditItem {
  id: string;
  at: string;
  by: string;
  /** what was changed, e.g. `channel:energy_J`, `campaign`, `policy` */
  target: string;
  action: string;
  old: unknown;
  new: unknown;
}

/** One message of GET relay/debug/messages (relay-service/src/ingest/debug-buffer.ts DebugEntry). */
export interface DebugEntry {
  receivedAt: string;
  endpoint: string;
  topic: string;
  frames: number;
  size: number;
  status: string;
  detail?: string;
  preview: string;
  previewEncoding: 'text' | 'hex';
  truncated: boolean;
}
