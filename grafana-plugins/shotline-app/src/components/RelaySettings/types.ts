// What the relay answers for its settings (relay-service/src/settings/types.ts, api/relay.ts).

export type ThresholdRule =
  { kind: 'above'; above: number } | { kind: 'below'; below: number } | { kind: 'outside'; low: number; high: number };

export interface ChannelSettings {
  nickname?: string;
  unit?: string;
  enabled: boolean;
  rule: ThresholdRule | null;
  counterResetAt?: string;
}

export interface TriggerPolicy {
  mode: 'any' | 'atLeast';
  count?: number;
  required?: string[];
}

export interface Campaign {
  name: string;
  startedAt: string;
  startedBy: string;
  note?: string;
}

export interface RelaySettingsDoc {
  version: number;
  channels: Record<string, ChannelSettings>;
  policy: TriggerPolicy;
  campaign: Campaign | null;
  updatedAt: string;
  updatedBy: string;
}

/** A row of GET relay/channels: settings, latest value and local trigger counter. */
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

export interface EndpointStatus {
  endpoint: string;
  topics?: string[];
  connected?: boolean;
  received?: number;
  malformed?: number;
  reconnects?: number;
}

export interface RelayStatus {
  simulator?: boolean | string | null;
  endpoints?: EndpointStatus[];
}

/** GET relay/audit items (relay-service/src/settings/types.ts AuditEntry). */
export interface AuditItem {
  id: string;
  at: string;
  by: string;
  target: string;
  action: string;
  old: unknown;
  new: unknown;
}

export interface Me {
  name: string;
  role: string;
}

export function describeRule(rule: ThresholdRule | null, unit?: string | null): string {
  const u = unit ? ` ${unit}` : '';
  if (!rule) {
    return 'none (never triggers)';
  }
  switch (rule.kind) {
    case 'above':
      return `above ${rule.above}${u}`;
    case 'below':
      return `below ${rule.below}${u}`;
    case 'outside':
      return `outside ${rule.low}–${rule.high}${u}`;
  }
}
