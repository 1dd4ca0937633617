import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { ShotRepository } from '../store/shots.ts';
import { ShotRecordSchema } from './schemas.ts';
import { timeRange, TimeBound } from './time-range.ts';

export const shotRoutes: FastifyPluginAsyncTypebox<{ shots: ShotRepository }> = async (app, { shots }) => {
  app.get(
    '/',
    {
      schema: {
        tags: ['shots'],
        summary: 'Stored shots, newest first',
        querystring: Type.Object(
          {
            limit: Type.Integer({ minimum: 1, maximum: 1000, default: 50 }),
            before: Type.Optional(Type.Integer({ minimum: 1, description: 'only shots with a lower shot number (next page)' })),
            campaign: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
            from: Type.Optional(TimeBound('only shots received at or after this instant')),
            to: Type.Optional(TimeBound('only shots received before this instant')),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(ShotRecordSchema), nextBefore: Type.Union([Type.Integer(), Type.Null()]) }) },
      },
    },
    async (request) => {
      const { limit, before, campaign } = request.query;
      const range = timeRange(request.query);
      const items = await shots.list({ limit, ...(before !== undefined && { before }), ...(campaign !== undefined && { campaign }), ...range });
      return { items, nextBefore: items.length === limit ? items.at(-1)!.shotNumber : null };
    },
  );

  app.get(
    '/:uid',
    {
      schema: {
        tags: ['shots'],
        summary: 'One stored shot by uid',
        params: Type.Object({ uid: Type.String({ format: 'uuid' }) }),
        response: { 200: ShotRecordSchema, 404: Type.Object({ error: Type.String() }) },
      },
    },
    async (request, reply) => {
      const shot = await shots.get(request.params.uid);
      if (!shot) return reply.status(404).send({ error: `no shot with uid ${request.params.uid}` });
      return shot;
    },
  );
};
