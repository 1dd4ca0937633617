// Shot sheets: the sheets themselves, their versioned layouts, diagnostics
// and presets. Reading needs viewer, changing needs admin.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { callerOf } from '../auth/plugin.ts';
import type { ShotSheets } from '../sheets/index.ts';
import { FIELD_TYPES, type FieldType } from '../sheets/fields.ts';
import { layoutView, sheetView } from '../sheets/sheets.ts';
import { diagnosticView, presetView } from '../sheets/diagnostics.ts';
import { parseIfMatch } from '../sheets/entries.ts';
import { ApiError } from './errors.ts';
import { ErrorSchema } from './schemas.ts';

export const SheetNameSchema = Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{0,63}$', description: 'sheet name: lower-case letters, digits, _ and -' });
const SlugSchema = Type.String({ pattern: '^[a-z][a-z0-9_]{0,63}$', description: 'lower-case letter first, then lower-case letters, digits, _' });
const CampaignName = Type.String({ minLength: 1, maxLength: 128 });

export const SheetSchema = Type.Object({
  name: Type.String(),
  title: Type.String(),
  archived: Type.Boolean(),
  default: Type.Boolean({ description: 'drafts of shots whose campaign has no active sheet go here' }),
  campaigns: Type.Array(Type.String(), { description: "campaigns this sheet is active for: their shots' drafts go here" }),
  layoutVersion: Type.Integer({ description: 'current layout version' }),
  createdAt: Type.String(),
  createdBy: Type.String(),
  updatedAt: Type.String(),
  updatedBy: Type.String(),
});

const ShowIfSchema = Type.Object({ field: Type.String(), equals: Type.Optional(Type.Unknown()), in: Type.Optional(Type.Array(Type.Unknown())) });

export const FieldDefSchema = Type.Object(
  {
    key: Type.String({ description: 'slug, unique in the layout; the key of the value in `fields`' }),
    label: Type.String(),
    type: Type.Unsafe<FieldType>({ type: 'string', enum: [...FIELD_TYPES] }),
    required: Type.Optional(Type.Boolean({ description: 'needed for a complete entry, while the field shows' })),
    default: Type.Optional(Type.Unknown({ description: 'value a new entry starts with' })),
    help: Type.Optional(Type.String()),
    showIf: Type.Optional(ShowIfSchema),
    multiline: Type.Optional(Type.Boolean({ description: 'text' })),
    maxLength: Type.Optional(Type.Integer({ description: 'text' })),
    unit: Type.Optional(Type.String({ description: 'number, integer' })),
    min: Type.Optional(Type.Number({ description: 'number, integer' })),
    max: Type.Optional(Type.Number({ description: 'number, integer' })),
    choices: Type.Optional(Type.String({ description: "select, multiselect: a choice list's name" })),
    options: Type.Optional(Type.Array(Type.String(), { description: 'select, multiselect: inline values' })),
    diagnostics: Type.Optional(Type.Array(Type.String(), { description: 'diagnostics block: the diagnostics it shows (all when absent)' })),
  },
  { description: 'a field definition' },
);

const SectionSchema = Type.Object({ key: Type.Optional(Type.String()), title: Type.String(), fields: Type.Array(FieldDefSchema) });

export const LayoutSchema = Type.Object({
  sheet: Type.String(),
  version: Type.Integer(),
  sections: Type.Array(SectionSchema),
  createdAt: Type.String(),
  createdBy: Type.String(),
});

const LayoutBody = Type.Object(
  { sections: Type.Array(Type.Unknown(), { description: 'sections `{ key?, title, fields: [field definition] }` (see the layout response for the field definition)' }) },
  { description: 'checked in full: every problem is named by its path, e.g. sections.0.fields.2.max' },
);

const DiagnosticSchema = Type.Object({
  sheet: Type.String(),
  name: Type.String(),
  label: Type.String(),
  help: Type.Optional(Type.String()),
  fields: Type.Array(FieldDefSchema, { description: 'the settings of the diagnostic' }),
  revision: Type.Integer(),
  createdAt: Type.String(),
  createdBy: Type.String(),
  updatedAt: Type.String(),
  updatedBy: Type.String(),
});

const BlockSchema = Type.Object({ active: Type.Boolean(), settings: Type.Record(Type.String(), Type.Unknown()) });

const PresetSchema = Type.Object({
  sheet: Type.String(),
  name: Type.String(),
  label: Type.String(),
  diagnostics: Type.Record(Type.String(), BlockSchema),
  revision: Type.Integer(),
  createdAt: Type.String(),
  createdBy: Type.String(),
  updatedAt: Type.String(),
  updatedBy: Type.String(),
});

const SheetParams = Type.Object({ sheet: SheetNameSchema });
const NamedParams = Type.Object({ sheet: SheetNameSchema, name: SlugSchema });
const Conflict = Type.Object({ error: Type.String(), current: Type.Optional(Type.Unknown()) });

export const sheetRoutes: FastifyPluginAsyncTypebox<{ sheets: ShotSheets }> = async (app, { sheets: service }) => {
  const { sheets, diagnostics } = service;

  app.get(
    '/',
    {
      config: { role: 'viewer' },
      schema: {
        tags: ['sheets'],
        summary: 'The shot sheets (archived ones with archived=true)',
        querystring: Type.Object({ archived: Type.Boolean({ default: false, description: 'include archived sheets' }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ items: Type.Array(SheetSchema) }) },
      },
    },
    async (request) => ({ items: (await sheets.list({ includeArchived: request.query.archived })).map(sheetView) }),
  );

  app.post(
    '/',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['sheets'],
        summary: 'Create a sheet (its layout, if given, becomes version 1; else version 1 is empty)',
        body: Type.Object(
          {
            name: SheetNameSchema,
            title: Type.String({ minLength: 1, maxLength: 200 }),
            default: Type.Optional(Type.Boolean()),
            campaigns: Type.Optional(Type.Array(CampaignName)),
            layout: Type.Optional(LayoutBody),
          },
          { additionalProperties: false },
        ),
        response: { 201: SheetSchema, 400: ErrorSchema, 409: ErrorSchema },
      },
    },
    async (request, reply) => {
      const { sheet } = await sheets.create(request.body, callerOf(request).name);
      return reply.status(201).header('location', `/api/v1/sheets/${sheet.name}`).send(sheetView(sheet));
    },
  );

  app.get('/:sheet', { config: { role: 'viewer' }, schema: { tags: ['sheets'], summary: 'One sheet', params: SheetParams, response: { 200: SheetSchema, 404: ErrorSchema } } }, async (request) =>
    sheetView(await sheets.require(request.params.sheet)),
  );

  app.patch(
    '/:sheet',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['sheets'],
        summary: 'Rename (title), archive or unarchive, make default, set the campaigns it is active for',
        params: SheetParams,
        body: Type.Object(
          { title: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })), archived: Type.Optional(Type.Boolean()), default: Type.Optional(Type.Boolean()), campaigns: Type.Optional(Type.Array(CampaignName)) },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: SheetSchema, 400: ErrorSchema, 404: ErrorSchema },
      },
    },
    async (request) => sheetView(await sheets.update(request.params.sheet, request.body, callerOf(request).name)),
  );

  // -------------------------------------------------------------------------
  // Layouts

  app.get(
    '/:sheet/layout',
    { config: { role: 'viewer' }, schema: { tags: ['sheets'], summary: 'The current layout (ETag: its version)', params: SheetParams, response: { 200: LayoutSchema, 404: ErrorSchema } } },
    async (request, reply) => {
      await sheets.require(request.params.sheet);
      const layout = await sheets.currentLayout(request.params.sheet);
      return reply.header('etag', `"${layout.version}"`).send(layoutView(layout));
    },
  );

  app.put(
    '/:sheet/layout',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['sheets'],
        summary: 'Store a new layout version (entries keep the version they were written with); If-Match: "<version>" refuses it when the layout changed meanwhile',
        params: SheetParams,
        body: LayoutBody,
        response: { 201: LayoutSchema, 400: ErrorSchema, 404: ErrorSchema, 409: Conflict },
      },
    },
    async (request, reply) => {
      const wanted = parseIfMatch(request.headers['if-match']);
      if (Array.isArray(wanted) && wanted.length !== 1) throw new ApiError(400, 'If-Match: one layout version');
      const layout = await sheets.putLayout(request.params.sheet, request.body, callerOf(request).name, Array.isArray(wanted) ? wanted[0] : undefined);
      return reply
        .status(201)
        .header('etag', `"${layout.version}"`)
        .header('location', `/api/v1/sheets/${layout.sheet}/layout/versions/${layout.version}`)
        .send(layoutView(layout));
    },
  );

  app.get(
    '/:sheet/layout/versions',
    {
      config: { role: 'viewer' },
      schema: {
        tags: ['sheets'],
        summary: 'Every layout version, newest first',
        params: SheetParams,
        response: { 200: Type.Object({ items: Type.Array(Type.Object({ version: Type.Integer(), createdAt: Type.String(), createdBy: Type.String() })) }) },
      },
    },
    async (request) => {
      await sheets.require(request.params.sheet);
      return { items: await sheets.listLayoutVersions(request.params.sheet) };
    },
  );

  app.get(
    '/:sheet/layout/versions/:version',
    {
      config: { role: 'viewer' },
      schema: {
        tags: ['sheets'],
        summary: 'One layout version',
        params: Type.Object({ sheet: SheetNameSchema, version: Type.Integer({ minimum: 1 }) }),
        response: { 200: LayoutSchema, 404: ErrorSchema },
      },
    },
    async (request, reply) => {
      await sheets.require(request.params.sheet);
      const layout = await sheets.layout(request.params.sheet, request.params.version);
      if (!layout) return reply.status(404).send({ error: `sheet "${request.params.sheet}" has no layout version ${request.params.version}` });
      return reply.header('etag', `"${layout.version}"`).send(layoutView(layout));
    },
  );

  // -------------------------------------------------------------------------
  // Diagnostics

  app.get(
    '/:sheet/diagnostics',
    { config: { role: 'viewer' }, schema: { tags: ['sheets'], summary: 'The diagnostics of a sheet', params: SheetParams, response: { 200: Type.Object({ items: Type.Array(DiagnosticSchema) }) } } },
    async (request) => {
      await sheets.require(request.params.sheet);
      return { items: (await diagnostics.list(request.params.sheet)).map(diagnosticView) };
    },
  );

  app.get(
    '/:sheet/diagnostics/:name',
    { config: { role: 'viewer' }, schema: { tags: ['sheets'], summary: 'One diagnostic', params: NamedParams, response: { 200: DiagnosticSchema, 404: ErrorSchema } } },
    async (request, reply) => {
      await sheets.require(request.params.sheet);
      const doc = await diagnostics.get(request.params.sheet, request.params.name);
      if (!doc) return reply.status(404).send({ error: `no diagnostic "${request.params.name}" in sheet "${request.params.sheet}"` });
      return diagnosticView(doc);
    },
  );

  app.put(
    '/:sheet/diagnostics/:name',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['sheets'],
        summary: 'Create or replace a diagnostic and its typed settings fields',
        params: NamedParams,
        body: Type.Object(
          { label: Type.String({ minLength: 1, maxLength: 200 }), help: Type.Optional(Type.String({ maxLength: 2000 })), fields: Type.Array(Type.Unknown(), { description: 'settings: field definitions (no diagnostics block)' }) },
          { additionalProperties: false },
        ),
        response: { 200: DiagnosticSchema, 201: DiagnosticSchema, 400: ErrorSchema, 404: ErrorSchema },
      },
    },
    async (request, reply) => {
      await sheets.require(request.params.sheet);
      const { doc, created } = await diagnostics.put(request.params.sheet, request.params.name, request.body, callerOf(request).name);
      return reply.status(created ? 201 : 200).send(diagnosticView(doc));
    },
  );

  app.delete(
    '/:sheet/diagnostics/:name',
    { config: { role: 'admin' }, schema: { tags: ['sheets'], summary: 'Remove a diagnostic (entries keep their settings for it)', params: NamedParams, response: { 204: Type.Null(), 404: ErrorSchema, 409: ErrorSchema } } },
    async (request, reply) => {
      await sheets.require(request.params.sheet);
      if (!(await diagnostics.delete(request.params.sheet, request.params.name))) return reply.status(404).send({ error: `no diagnostic "${request.params.name}" in sheet "${request.params.sheet}"` });
      return reply.status(204).send(null);
    },
  );

  // -------------------------------------------------------------------------
  // Presets

  app.get(
    '/:sheet/presets',
    { config: { role: 'viewer' }, schema: { tags: ['sheets'], summary: 'The presets of a sheet', params: SheetParams, response: { 200: Type.Object({ items: Type.Array(PresetSchema) }) } } },
    async (request) => {
      await sheets.require(request.params.sheet);
      return { items: (await diagnostics.listPresets(request.params.sheet)).map(presetView) };
    },
  );

  app.get(
    '/:sheet/presets/:name',
    { config: { role: 'viewer' }, schema: { tags: ['sheets'], summary: 'One preset', params: NamedParams, response: { 200: PresetSchema, 404: ErrorSchema } } },
    async (request, reply) => {
      await sheets.require(request.params.sheet);
      const doc = await diagnostics.getPreset(request.params.sheet, request.params.name);
      if (!doc) return reply.status(404).send({ error: `no preset "${request.params.name}" in sheet "${request.params.sheet}"` });
      return presetView(doc);
    },
  );

  app.put(
    '/:sheet/presets/:name',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['sheets'],
        summary: 'Create or replace a preset: diagnostic settings that prefill an entry (`preset` in POST/PATCH of an entry)',
        params: NamedParams,
        body: Type.Object(
          {
            label: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
            diagnostics: Type.Record(Type.String(), Type.Object({ active: Type.Optional(Type.Boolean()), settings: Type.Optional(Type.Record(Type.String(), Type.Unknown())) }, { additionalProperties: false })),
          },
          { additionalProperties: false },
        ),
        response: { 200: PresetSchema, 201: PresetSchema, 400: ErrorSchema, 404: ErrorSchema },
      },
    },
    async (request, reply) => {
      await sheets.require(request.params.sheet);
      const { doc, created } = await diagnostics.putPreset(request.params.sheet, request.params.name, request.body, callerOf(request).name);
      return reply.status(created ? 201 : 200).send(presetView(doc));
    },
  );

  app.delete(
    '/:sheet/presets/:name',
    { config: { role: 'admin' }, schema: { tags: ['sheets'], summary: 'Remove a preset', params: NamedParams, response: { 204: Type.Null(), 404: ErrorSchema } } },
    async (request, reply) => {
      await sheets.require(request.params.sheet);
      if (!(await diagnostics.deletePreset(request.params.sheet, request.params.name))) return reply.status(404).send({ error: `no preset "${request.params.name}" in sheet "${request.params.sheet}"` });
      return reply.status(204).send(null);
    },
  );
};
