// Relay settings: per-channel configuration, the trigger policy and the
// current campaign. One document, versioned; every change is audited.
import { Type, type Static } from '@sinclair/typebox';

export const ThresholdRuleSchema = Type.Union(
  [
    Type.Object({ kind: Type.Literal('above'), above: Type.Number() }, { additionalProperties: false }),
    Type.Object({ kind: Type.Literal('below'), below: Type.Number() }, { additionalProperties: false }),
    Type.Object(
      { kind: Type.Literal('outside'), low: Type.Number(), high: Type.Number() },
      { additionalProperties: false, description: 'triggers when the value leaves [low, high]' },
    ),
  ],
  { $id: 'ThresholdRule' },
);

export const ChannelSettingsSchema = Type.Object(
  {
    nickname: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[^.$][^.]*$' })),
    unit: Type.Optional(Type.String({ maxLength: 32 })),
    // No JSON Schema defaults here: the API validates partial updates with this
    // schema, and a default filled in by the validator would overwrite a stored value.
    enabled: Type.Boolean(),
    rule: Type.Union([ThresholdRuleSchema, Type.Null()], { description: 'null: the channel never triggers' }),
    /** the relay zeroes the channel's local trigger counter when this changes */
    counterResetAt: Type.Optional(Type.String({ format: 'date-time' })),
  },
  { additionalProperties: false },
);
export type ChannelSettings = Static<typeof ChannelSettingsSchema>;

export const TriggerPolicySchema = Type.Object(
  {
    /** any: one channel crossing triggers; atLeast: `count` channels must cross in the same message */
    mode: Type.Union([Type.Literal('any'), Type.Literal('atLeast')]),
    count: Type.Optional(Type.Integer({ minimum: 1 })),
    /** with atLeast: these channels must all be among those crossing */
    required: Type.Optional(Type.Array(Type.String({ minLength: 1 }))),
  },
  { additionalProperties: false },
);
export type TriggerPolicy = Static<typeof TriggerPolicySchema>;

export const CampaignSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 128 }),
    startedAt: Type.String({ format: 'date-time' }),
    startedBy: Type.String(),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
export type Campaign = Static<typeof CampaignSchema>;

export interface RelaySettings {
  _id: 'relay';
  version: number;
  channels: Record<string, ChannelSettings>;
  policy: TriggerPolicy;
  campaign: Campaign | null;
  updatedAt: string;
  updatedBy: string;
}

export interface AuditEntry {
  _id: string;
  at: string;
  by: string;
  /** what was changed, e.g. `channel:energy_J`, `campaign`, `policy` */
  target: string;
  action: string;
  old: unknown;
  new: unknown;
}

export const DEFAULT_POLICY: TriggerPolicy = { mode: 'any' };

export function emptySettings(): RelaySettings {
  return {
    _id: 'relay',
    version: 0,
    channels: {},
    policy: DEFAULT_POLICY,
    campaign: null,
    updatedAt: new Date(0).toISOString(),
    updatedBy: 'system',
  };
}

export type ThresholdRule = Static<typeof ThresholdRuleSchema>;
