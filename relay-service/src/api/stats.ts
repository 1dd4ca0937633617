// GET /api/v1/stats/…: counts over the stored shots for dashboards and alert
// rules (Grafana's datasource backend): shots per interval, per campaign, per
// triggering channel. Counting happens in the store (ShotRepository), one
// indexed count per bucket or campaign, never by reading the shots here.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { SettingsService } from '../settings/service.ts';
import type { ShotRepository } from '../store/shots.ts';
import { invalid } from './errors.ts';
import { ErrorSchema } from './schemas.ts';
import { TimeBound, timeRange } from './time-range.ts';

/** Buckets one shot-counts answer holds at most: a dashboard panel is a few hundred to a few thousand pixels wide. */
export const MAX_BUCKETS = 1000;

const Campaign = Type.String({ minLength: 1, maxLength: 128 });

export const statsRoutes: FastifyPluginAsyncTypebox<{ shots: ShotRepository; settings: SettingsService }> = async (app, { shots, settings }) => {
  app.get(
    '/shot-counts',
    {
      schema: {
        tags: ['shots'],
        summary: `Shots received per interval over [from, to), oldest bucket first (at most ${MAX_BUCKETS} buckets)`,
        querystring: Type.Object(
          {
            from: TimeBound('start of the first bucket'),
            to: TimeBound('end of the range (exclusive)'),
            interval: Type.Integer({ minimum: 1, maximum: 366 * 86400, default: 3600, description: 'bucket width in seconds' }),
            campaign: Type.Optional(Campaign),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            from: Type.String(),
            to: Type.String(),
            interval: Type.Integer(),
            buckets: Type.Array(Type.Object({ start: Type.String(), count: Type.Integer() })),
          }),
          400: ErrorSchema,
        },
      },
    },
    async (request) => {
      const { interval, campaign } = request.query;
      const range = timeRange(request.query) as { from: string; to: string };
      const from = new Date(range.from);
      const to = new Date(range.to);
      const buckets = Math.ceil((to.getTime() - from.getTime()) / (interval * 1000));
      if (buckets > MAX_BUCKETS) {
        throw invalid([{ field: 'interval', message: `${interval} s over this range makes ${buckets} buckets; at most ${MAX_BUCKETS}: use an interval of at least ${Math.ceil((to.getTime() - from.getTime()) / 1000 / MAX_BUCKETS)} s` }], 'querystring');
      }
      const counts = await shots.countPerInterval({ from, to, ...(campaign !== undefined && { campaign }) }, interval * 1000);
      return { from: range.from, to: range.to, interval, buckets: counts };
    },
  );

  app.get(
    '/campaigns',
    {
      schema: {
        tags: ['shots'],
        summary: 'Campaigns of the stored shots (in [from, to) when given), the one with the newest shot first; campaign null: shots of no campaign',
        querystring: Type.Object({ from: Type.Optional(TimeBound('only shots received at or after')), to: Type.Optional(TimeBound('only shots received before')) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            items: Type.Array(Type.Object({ campaign: Type.Union([Type.String(), Type.Null()]), shots: Type.Integer(), lastShotNumber: Type.Integer(), lastShotAt: Type.String() })),
            current: Type.Union([Type.Object({ name: Type.String(), startedAt: Type.String() }), Type.Null()], { description: 'the campaign in force now' }),
          }),
          400: ErrorSchema,
        },
      },
    },
    async (request) => {
      const [items, current] = await Promise.all([shots.campaigns(timeRange(request.query)), settings.get().then((s) => s.campaign)]);
      return { items, current: current ? { name: current.name, startedAt: current.startedAt } : null };
    },
  );

  app.get(
    '/channel-triggers',
    {
      schema: {
        tags: ['shots'],
        summary: 'Stored shots each configured channel triggered (in [from, to), of one campaign, when given); counted under its name and current nickname',
        querystring: Type.Object(
          { from: Type.Optional(TimeBound('only shots received at or after')), to: Type.Optional(TimeBound('only shots received before')), campaign: Type.Optional(Campaign) },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(Type.Object({ channel: Type.String(), nickname: Type.Union([Type.String(), Type.Null()]), triggers: Type.Integer() })) }), 400: ErrorSchema },
      },
    },
    async (request) => {
      const range = timeRange(request.query);
      const { channels } = await settings.get();
      const names = Object.keys(channels).sort();
      const counts = await shots.triggerCounts(
        names.map((channel) => ({ channel, names: [channel, ...(channels[channel]?.nickname ? [channels[channel].nickname] : [])] })),
        { ...range, ...(request.query.campaign !== undefined && { campaign: request.query.campaign }) },
      );
      return { items: counts.map((c) => ({ ...c, nickname: channels[c.channel]?.nickname ?? null })) };
    },
  );
};
