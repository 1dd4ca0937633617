// Choice lists: GET (viewer), PUT / PATCH / DELETE and sync (admin).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { listView, type ChoiceService } from '../choices/service.ts';
import type { ChoiceSyncer } from '../choices/sync.ts';
import { ChoiceListSchema, ChoiceListSummarySchema, ListNameSchema, PatchListSchema, PutListSchema } from '../choices/types.ts';
import { ApiError } from './errors.ts';
import { ErrorSchema } from './schemas.ts';
import { actor } from './actor.ts';

export interface ChoiceRouteOptions {
  choices: ChoiceService;
  syncer: ChoiceSyncer;
}

const Params = Type.Object({ list: ListNameSchema });

/** Who changes a list: the authenticated caller, else the X-Shotline-User header. */
function by(request: FastifyRequest): string {
  return request.caller?.name ?? actor(request);
}

export const choiceRoutes: FastifyPluginAsyncTypebox<ChoiceRouteOptions> = async (app, { choices, syncer }) => {
  app.get(
    '/',
    {
      config: { role: 'viewer' },
      schema: { tags: ['choices'], summary: 'Every choice list, with its size and sync state', response: { 200: Type.Object({ items: Type.Array(ChoiceListSummarySchema) }) } },
    },
    async () => ({ items: await choices.list() }),
  );

  app.get(
    '/:list',
    {
      config: { role: 'viewer' },
      schema: { tags: ['choices'], summary: 'One choice list: items in order, source and sync status', params: Params, response: { 200: ChoiceListSchema, 404: ErrorSchema } },
    },
    async (request) => {
      const doc = await choices.get(request.params.list);
      if (!doc) throw new ApiError(404, `no choice list "${request.params.list}"`);
      return listView(doc);
    },
  );

  app.put(
    '/:list',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['choices'],
        summary: 'Create or replace a choice list: items (strings or {value, label, description}), or a wiki source to sync them from',
        params: Params,
        body: PutListSchema,
        response: { 200: ChoiceListSchema, 201: ChoiceListSchema, 400: ErrorSchema },
      },
    },
    async (request, reply) => {
      const { list, created } = await choices.put(request.params.list, request.body, by(request));
      return reply.status(created ? 201 : 200).send(listView(list));
    },
  );

  app.patch(
    '/:list',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['choices'],
        summary: 'Change a choice list: add items (at the end), remove items by value, description, source',
        params: Params,
        body: PatchListSchema,
        response: { 200: ChoiceListSchema, 400: ErrorSchema, 404: ErrorSchema },
      },
    },
    async (request) => listView(await choices.patch(request.params.list, request.body, by(request))),
  );

  app.delete(
    '/:list',
    { config: { role: 'admin' }, schema: { tags: ['choices'], summary: 'Delete a choice list', params: Params, response: { 204: Type.Null(), 404: ErrorSchema } } },
    async (request, reply) => {
      if (!(await choices.remove(request.params.list, by(request)))) throw new ApiError(404, `no choice list "${request.params.list}"`);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/:list/sync',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['choices'],
        summary: "Sync the list from its wiki page now. 200 with the list; 502 when the wiki could not be read (the list keeps its items, sync.lastError says why)",
        params: Params,
        response: { 200: ChoiceListSchema, 404: ErrorSchema, 409: ErrorSchema, 502: Type.Object({ error: Type.String(), list: Type.Union([ChoiceListSchema, Type.Null()]) }) },
      },
    },
    async (request) => {
      const name = request.params.list;
      const doc = await choices.get(name);
      if (!doc) throw new ApiError(404, `no choice list "${name}"`);
      if (!doc.source) throw new ApiError(409, `"${name}" has no wiki source to sync from`);
      const outcome = await syncer.syncSource(name, doc.source);
      if (!outcome.list) throw new ApiError(409, `the source of "${name}" changed during the sync; try again`);
      if (!outcome.ok) throw new ApiError(502, `wiki sync of "${name}" failed: ${outcome.error}`, { body: { list: listView(outcome.list) } });
      return listView(outcome.list);
    },
  );
};
