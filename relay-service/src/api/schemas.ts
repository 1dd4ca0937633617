// Response schemas shared by route groups (they also make /openapi.json).
import { Type } from '@sinclair/typebox';
import { CampaignSchema, ChannelSettingsSchema, ThresholdRuleSchema, TriggerPolicySchema } from '../settings/types.ts';

export const ShotRecordSchema = Type.Object({
  uid: Type.String(),
  shotNumber: Type.Integer(),
  campaign: Type.Union([Type.String(), Type.Null()]),
  laserTime: Type.Optional(Type.String()),
  receivedAt: Type.String(),
  storedAt: Type.Optional(Type.String()),
  channels: Type.Record(Type.String(), Type.Number()),
  triggeredBy: Type.Array(Type.String()),
  thresholds: Type.Record(Type.String(), ThresholdRuleSchema),
  source: Type.Object({ endpoint: Type.String(), topic: Type.String(), laserCounter: Type.Optional(Type.Number()) }),
  aliases: Type.Optional(Type.Record(Type.String(), Type.String())),
});

export const RelaySettingsSchema = Type.Object({
  version: Type.Integer(),
  channels: Type.Record(Type.String(), ChannelSettingsSchema),
  policy: TriggerPolicySchema,
  campaign: Type.Union([CampaignSchema, Type.Null()]),
  updatedAt: Type.String(),
  updatedBy: Type.String(),
});

export const ErrorSchema = Type.Object({
  error: Type.String(),
  details: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }))),
});
