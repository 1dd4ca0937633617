// Entries of a shot sheet. Reading needs viewer; adding, changing and linking
// editor; hiding, restoring and seeing hidden entries admin. Responses carry
// `ETag: "<revision>"`; PATCH needs `If-Match` with it (a stale write: 409
// with the current entry).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { Type } from '@sinclair/typebox';
import { callerOf } from '../auth/plugin.ts';
import { allows } from '../auth/roles.ts';
import type { ShotSheets } from '../sheets/index.ts';
import { entryView, etagOf, parseIfMatch, type EntryDoc } from '../sheets/entries.ts';
import { ApiError } from './errors.ts';
import { ErrorSchema } from './schemas.ts';
import { SheetNameSchema } from './sheets.ts';

const StatusSchema = Type.Union([Type.Literal('draft'), Type.Literal('complete')], { description: 'draft: required fields may be missing; complete: every required field that shows is there' });
const Values = (description: string) => Type.Record(Type.String(), Type.Unknown(), { description });
const BlockInput = Type.Union([
  Type.Object(
    { active: Type.Optional(Type.Boolean()), settings: Type.Optional(Values('setting key → value; null removes one')) },
    { additionalProperties: false },
  ),
  Type.Null(),
]);
const DiagnosticsInput = Type.Record(Type.String(), BlockInput, { description: 'diagnostic name → { active, settings }; null removes the block' });
const PresetName = Type.String({ pattern: '^[a-z][a-z0-9_]{0,63}$', description: "a preset's name: its diagnostic settings are applied first" });

export const EntrySchema = Type.Object({
  id: Type.String({ description: 'UUIDv7' }),
  sheet: Type.String(),
  shotNumber: Type.Union([Type.Integer(), Type.Null()]),
  shotUid: Type.Union([Type.String(), Type.Null()]),
  campaign: Type.Union([Type.String(), Type.Null()]),
  receivedAt: Type.Union([Type.String(), Type.Null()]),
  fields: Values('field key → value'),
  diagnostics: Type.Record(Type.String(), Type.Object({ active: Type.Boolean(), settings: Values('setting key → value') })),
  daq: Values('free-form'),
  channels: Type.Record(Type.String(), Type.Number(), { description: "the shot's channel values" }),
  status: StatusSchema,
  layoutVersion: Type.Integer(),
  revision: Type.Integer({ description: 'the ETag' }),
  deleted: Type.Boolean(),
  createdAt: Type.String(),
  createdBy: Type.String(),
  updatedAt: Type.String(),
  updatedBy: Type.String(),
});

const RevisionSchema = Type.Object({
  revision: Type.Integer(),
  action: Type.String({ description: 'create, draft, update, link, delete, restore' }),
  at: Type.String(),
  by: Type.String(),
  changes: Type.Array(Type.Object({ path: Type.String({ description: 'e.g. fields.target_thickness' }), old: Type.Unknown(), new: Type.Unknown() })),
});

const Conflict = Type.Object({ error: Type.String(), current: Type.Optional(EntrySchema), entryId: Type.Optional(Type.String()) });
const EntryParams = Type.Object({ sheet: SheetNameSchema, id: Type.String({ format: 'uuid' }) });
const IfMatchHeader = Type.Object({ 'if-match': Type.Optional(Type.String({ description: 'the ETag of the entry the change is based on' })) });

function send(reply: FastifyReply, doc: EntryDoc, status = 200) {
  return reply.status(status).header('etag', etagOf(doc)).send(entryView(doc));
}

export const entryRoutes: FastifyPluginAsyncTypebox<{ sheets: ShotSheets }> = async (app, { sheets: service }) => {
  const { entries } = service;

  app.get(
    '/:sheet/entries',
    {
      config: { role: 'viewer' },
      schema: {
        tags: ['entries'],
        summary: 'Entries of a sheet, newest first by updatedAt (or by shot number); page with nextCursor',
        params: Type.Object({ sheet: SheetNameSchema }),
        querystring: Type.Object(
          {
            limit: Type.Integer({ minimum: 1, maximum: 500, default: 50 }),
            order: Type.Union([Type.Literal('updatedAt'), Type.Literal('shotNumber')], { default: 'updatedAt' }),
            cursor: Type.Optional(Type.String({ maxLength: 400, description: 'nextCursor of the previous page' })),
            status: Type.Optional(StatusSchema),
            campaign: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
            shotNumber: Type.Optional(Type.Integer({ minimum: 1 })),
            updatedSince: Type.Optional(Type.String({ format: 'date-time', description: 'only entries changed after this time' })),
            deleted: Type.Boolean({ default: false, description: 'list the hidden (deleted) entries instead (admin)' }),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(EntrySchema), nextCursor: Type.Union([Type.String(), Type.Null()]) }), 403: ErrorSchema, 404: ErrorSchema },
      },
    },
    async (request) => {
      const { sheet } = request.params;
      const q = request.query;
      if (q.deleted && !allows(callerOf(request).role, 'admin')) throw new ApiError(403, 'listing deleted entries needs role admin');
      await service.sheets.require(sheet);
      const page = await entries.list(sheet, {
        limit: q.limit,
        order: q.order,
        deleted: q.deleted,
        ...(q.cursor !== undefined && { cursor: q.cursor }),
        ...(q.status !== undefined && { status: q.status }),
        ...(q.campaign !== undefined && { campaign: q.campaign }),
        ...(q.shotNumber !== undefined && { shotNumber: q.shotNumber }),
        ...(q.updatedSince !== undefined && { updatedSince: new Date(q.updatedSince).toISOString() }),
      });
      return { items: page.items.map(entryView), nextCursor: page.nextCursor };
    },
  );

  app.post(
    '/:sheet/entries',
    {
      config: { role: 'editor' },
      schema: {
        tags: ['entries'],
        summary: 'Add an entry (validated by the current layout; status complete by default). With a shot: its campaign, time and channel values; one entry per shot and sheet.',
        params: Type.Object({ sheet: SheetNameSchema }),
        body: Type.Object(
          {
            shotNumber: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Null()])),
            shotUid: Type.Optional(Type.Union([Type.String({ format: 'uuid' }), Type.Null()])),
            campaign: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 128 }), Type.Null()], { description: "without a shot: default the campaign in force" })),
            status: Type.Optional(StatusSchema),
            preset: Type.Optional(PresetName),
            fields: Type.Optional(Values('field key → value')),
            diagnostics: Type.Optional(DiagnosticsInput),
            daq: Type.Optional(Values('free-form JSON object from the data acquisition')),
          },
          { additionalProperties: false },
        ),
        response: { 201: EntrySchema, 400: ErrorSchema, 404: ErrorSchema, 409: Conflict },
      },
    },
    async (request, reply) => {
      const doc = await entries.create(request.params.sheet, request.body, callerOf(request).name);
      reply.header('location', `/api/v1/sheets/${doc.sheet}/entries/${doc._id}`);
      return send(reply, doc, 201);
    },
  );

  app.get(
    '/:sheet/entries/:id',
    {
      config: { role: 'viewer' },
      schema: { tags: ['entries'], summary: 'One entry (ETag: its revision); a deleted one only for admin', params: EntryParams, response: { 200: EntrySchema, 404: ErrorSchema } },
    },
    async (request, reply) => {
      const doc = await entries.require(request.params.sheet, request.params.id, { hidden: allows(callerOf(request).role, 'admin') });
      return send(reply, doc);
    },
  );

  app.patch(
    '/:sheet/entries/:id',
    {
      config: { role: 'editor' },
      schema: {
        tags: ['entries'],
        summary: 'Change an entry: fields, diagnostics and daq are merged (null removes a value); needs If-Match: "<revision>"',
        params: EntryParams,
        headers: IfMatchHeader,
        body: Type.Object(
          {
            status: Type.Optional(StatusSchema),
            preset: Type.Optional(PresetName),
            upgrade: Type.Optional(Type.Boolean({ description: 'validate by, and record, the current layout version' })),
            fields: Type.Optional(Values('field key → value; null removes a value')),
            diagnostics: Type.Optional(DiagnosticsInput),
            daq: Type.Optional(Values('merged into daq; null removes a key')),
          },
          { additionalProperties: false },
        ),
        response: { 200: EntrySchema, 400: ErrorSchema, 404: ErrorSchema, 409: Conflict, 428: ErrorSchema },
      },
    },
    async (request, reply) => {
      const wanted = parseIfMatch(request.headers['if-match']);
      if (wanted === undefined) throw new ApiError(428, 'PATCH needs If-Match: "<revision>", the ETag of the entry your change is based on');
      const doc = await entries.patch(request.params.sheet, request.params.id, request.body, wanted, callerOf(request).name);
      return send(reply, doc);
    },
  );

  app.get(
    '/:sheet/entries/:id/revisions',
    {
      config: { role: 'viewer' },
      schema: { tags: ['entries'], summary: 'Every change of an entry, oldest first: who, when, field by field old and new', params: EntryParams, response: { 200: Type.Object({ items: Type.Array(RevisionSchema) }), 404: ErrorSchema } },
    },
    async (request) => {
      await entries.require(request.params.sheet, request.params.id, { hidden: allows(callerOf(request).role, 'admin') });
      return { items: await entries.revisions(request.params.sheet, request.params.id) };
    },
  );

  app.post(
    '/:sheet/entries/:id/link',
    {
      config: { role: 'editor' },
      schema: {
        tags: ['entries'],
        summary: 'Link an entry to a shot (by uid, or by number); refused when that shot has an entry in the sheet already',
        params: EntryParams,
        headers: IfMatchHeader,
        body: Type.Union([
          Type.Object({ shotUid: Type.String({ format: 'uuid' }) }, { additionalProperties: false }),
          Type.Object({ shotNumber: Type.Integer({ minimum: 1 }) }, { additionalProperties: false }),
        ]),
        response: { 200: EntrySchema, 400: ErrorSchema, 404: ErrorSchema, 409: Conflict },
      },
    },
    async (request, reply) => {
      const doc = await entries.link(request.params.sheet, request.params.id, request.body, parseIfMatch(request.headers['if-match']), callerOf(request).name);
      return send(reply, doc);
    },
  );

  app.delete(
    '/:sheet/entries/:id',
    {
      config: { role: 'admin' },
      schema: { tags: ['entries'], summary: 'Hide (delete) an entry: kept, recorded as a revision, restorable', params: EntryParams, headers: IfMatchHeader, response: { 200: EntrySchema, 404: ErrorSchema, 409: Conflict } },
    },
    async (request, reply) => send(reply, await entries.setDeleted(request.params.sheet, request.params.id, true, parseIfMatch(request.headers['if-match']), callerOf(request).name)),
  );

  app.post(
    '/:sheet/entries/:id/restore',
    {
      config: { role: 'admin' },
      schema: { tags: ['entries'], summary: 'Restore a hidden entry (recorded as a revision)', params: EntryParams, headers: IfMatchHeader, response: { 200: EntrySchema, 404: ErrorSchema, 409: Conflict } },
    },
    async (request, reply) => send(reply, await entries.setDeleted(request.params.sheet, request.params.id, false, parseIfMatch(request.headers['if-match']), callerOf(request).name)),
  );
};
