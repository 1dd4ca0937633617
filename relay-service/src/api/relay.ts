import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { SettingsConflictError, SettingsValidationError, type SettingsService } from '../settings/service.ts';
import { ChannelSettingsSchema, ThresholdRuleSchema, TriggerPolicySchema, CampaignSchema } from '../settings/types.ts';
import type { LiveHub } from '../live/hub.ts';
import type { Relay } from '../trigger/relay.ts';
import { actor } from './actor.ts';
import { ErrorSchema, RelaySettingsSchema } from './schemas.ts';

interface Options {
  settings: SettingsService;
  hub: LiveHub | undefined;
  relay: Relay | undefined;
}

const ChannelName = Type.String({ minLength: 1, maxLength: 200, pattern: '^[^.$][^.]*$', description: "channel name as the relay derives it from the laser's JSON ('/' joins nested keys)" });

const ChannelView = Type.Object({
  name: Type.String(),
  nickname: Type.Union([Type.String(), Type.Null()]),
  unit: Type.Union([Type.String(), Type.Null()]),
  enabled: Type.Boolean(),
  rule: Type.Union([ThresholdRuleSchema, Type.Null()]),
  triggerCount: Type.Integer({ description: 'local trigger counter since the last reset' }),
  counterResetAt: Type.Union([Type.String(), Type.Null()]),
  value: Type.Union([Type.Number(), Type.Null()], { description: 'latest value seen' }),
});

export const relayRoutes: FastifyPluginAsyncTypebox<Options> = async (app, { settings, hub, relay }) => {
  // Settings refusals are the caller's to fix: 400 naming the field, 409 on a lost race.
  const guard = async <T>(fn: () => Promise<T>) => {
    try {
      return await fn();
    } catch (err) {
      if (err instanceof SettingsValidationError) throw Object.assign(new Error(err.message), { statusCode: 400 });
      if (err instanceof SettingsConflictError) throw Object.assign(new Error(err.message), { statusCode: 409 });
      throw err;
    }
  };

  const liveValues = () => relay?.latestValues() ?? hub?.snapshot().values ?? {};
  const liveCounters = () => relay?.status().counters ?? hub?.snapshot().status?.counters ?? {};

  app.get('/settings', { schema: { tags: ['relay'], summary: 'Channels, trigger policy and campaign in force', response: { 200: RelaySettingsSchema } } }, async () => {
    const { _id, ...rest } = await settings.get();
    return rest;
  });

  app.get(
    '/channels',
    { schema: { tags: ['relay'], summary: 'Every channel seen or configured, with its settings, latest value and trigger counter', response: { 200: Type.Object({ items: Type.Array(ChannelView) }) } } },
    async () => {
      const s = await settings.get();
      const values = liveValues();
      const counters = liveCounters();
      const names = new Set([...Object.keys(s.channels), ...Object.keys(values)]);
      const items = [...names].sort().map((name) => {
        const c = s.channels[name];
        return {
          name,
          nickname: c?.nickname ?? null,
          unit: c?.unit ?? null,
          enabled: c?.enabled ?? true,
          rule: c?.rule ?? null,
          triggerCount: counters[name] ?? 0,
          counterResetAt: c?.counterResetAt ?? null,
          value: values[name] ?? null,
        };
      });
      return { items };
    },
  );

  app.patch(
    '/channels/:name',
    {
      schema: {
        tags: ['relay'],
        summary: 'Change a channel: nickname, unit, enabled, threshold rule (null removes it). Applied live and audited.',
        params: Type.Object({ name: ChannelName }),
        body: Type.Partial(Type.Omit(ChannelSettingsSchema, ['counterResetAt']), { additionalProperties: false, minProperties: 1 }),
        response: { 200: RelaySettingsSchema, 400: ErrorSchema, 409: ErrorSchema },
      },
    },
    async (request) =>
      guard(async () => {
        const { _id, ...rest } = (await settings.setChannel(request.params.name, request.body, actor(request))).settings;
        return rest;
      }),
  );

  app.post(
    '/channels/:name/reset-counter',
    { schema: { tags: ['relay'], summary: "Zero the channel's local trigger counter", params: Type.Object({ name: ChannelName }), response: { 200: RelaySettingsSchema } } },
    async (request) =>
      guard(async () => {
        const { _id, ...rest } = (await settings.resetCounter(request.params.name, actor(request))).settings;
        return rest;
      }),
  );

  app.put(
    '/policy',
    {
      schema: {
        tags: ['relay'],
        summary: 'Trigger policy: any crossing channel, or at least N (optionally including required channels)',
        body: TriggerPolicySchema,
        response: { 200: RelaySettingsSchema, 400: ErrorSchema },
      },
    },
    async (request) =>
      guard(async () => {
        const policy = request.body;
        if (policy.mode === 'atLeast' && policy.count === undefined && !policy.required) {
          throw new SettingsValidationError('count', "mode 'atLeast' needs count or required channels");
        }
        const { _id, ...rest } = (await settings.setPolicy(policy, actor(request))).settings;
        return rest;
      }),
  );

  app.get('/campaign', { schema: { tags: ['relay'], summary: 'The current campaign', response: { 200: Type.Object({ campaign: Type.Union([CampaignSchema, Type.Null()]) }) } } }, async () => ({
    campaign: (await settings.get()).campaign,
  }));

  app.put(
    '/campaign',
    {
      schema: {
        tags: ['relay'],
        summary: 'Start a campaign (ends the current one); triggered shots carry its name',
        body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 128, pattern: '\\S' }), note: Type.Optional(Type.String({ maxLength: 2000 })) }, { additionalProperties: false }),
        response: { 200: Type.Object({ campaign: Type.Union([CampaignSchema, Type.Null()]) }) },
      },
    },
    async (request) => guard(async () => ({ campaign: (await settings.startCampaign(request.body, actor(request))).settings.campaign })),
  );

  app.delete('/campaign', { schema: { tags: ['relay'], summary: 'End the current campaign', response: { 200: Type.Object({ campaign: Type.Null() }) } } }, async (request) =>
    guard(async () => {
      await settings.endCampaign(actor(request));
      return { campaign: null };
    }),
  );

  app.get(
    '/audit',
    {
      schema: {
        tags: ['relay'],
        summary: 'Who changed what in the relay settings, newest first',
        querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }), target: Type.Optional(Type.String({ maxLength: 256 })) }, { additionalProperties: false }),
      },
    },
    async (request) => {
      const { limit, target } = request.query;
      const items = await settings.listAudit({ limit, ...(target !== undefined && { target }) });
      return { items: items.map(({ _id, ...rest }) => ({ id: _id, ...rest })) };
    },
  );

  app.get('/status', { schema: { tags: ['relay'], summary: 'Relay status: endpoints, counters, spool, bus; from this process or the latest telemetry' } }, async (_request, reply) => {
    const status = relay?.status() ?? hub?.snapshot().status ?? null;
    if (!status) return reply.status(404).send({ error: 'no relay status yet: no relay runs in this process and none has reported on the bus' });
    return status;
  });

  app.get(
    '/debug/messages',
    {
      schema: {
        tags: ['relay'],
        summary: 'Recent raw laser messages, newest first (bytes shown safely); only where the relay runs',
        querystring: Type.Object({ limit: Type.Integer({ minimum: 1, maximum: 10000, default: 50 }), rejectedOnly: Type.Boolean({ default: false }) }, { additionalProperties: false }),
      },
    },
    async (request, reply) => {
      if (!relay) return reply.status(404).send({ error: 'the relay does not run in this process; ask the relay role for its debug buffer' });
      return { items: relay.debugMessages(request.query) };
    },
  );
};
