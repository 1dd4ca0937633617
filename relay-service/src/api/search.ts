// POST /api/v1/search and /api/v1/search/export (role viewer). The body is
// the search query language of src/search/query.ts (docs/search.md); its
// schema documents the route in /openapi.json, but the body is checked by
// compileSearch itself, so a refusal names exactly what was wrong (a '$' key
// at `where.0.value.$gt`, not "must be string").
import { Readable } from 'node:stream';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest, FastifySchemaCompiler } from 'fastify';
import { Type, type TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { allows } from '../auth/roles.ts';
import { compileSearch, exportQuerySchema, SearchQueryError, SearchQuerySchema, type CompiledSearch, type CompileOptions } from '../search/query.ts';
import type { SearchService } from '../search/service.ts';
import { csvChunks, jsonChunks, planExport, type LayoutColumnSource } from '../search/export.ts';
import { ApiError, invalid } from './errors.ts';
import { ErrorSchema } from './schemas.ts';

export const DEFAULT_EXPORT_MAX_ROWS = 100_000;

export interface SearchRouteOptions {
  search: SearchService;
  /** labels and units of a sheet's fields for CSV headers; without it headers are field paths */
  layouts?: LayoutColumnSource | undefined;
  /** rows an export gives at most (default 100,000) */
  exportMaxRows?: number;
  /** entries read per store query while exporting (default 1000) */
  exportPageSize?: number;
}

const EntrySchema = Type.Object(
  {
    id: Type.String(),
    sheet: Type.Optional(Type.String()),
    shotNumber: Type.Optional(Type.Union([Type.Integer(), Type.Null()])),
  },
  { additionalProperties: true, description: 'an entry as the entries API shows it' },
);

const SearchPageSchema = Type.Object({
  items: Type.Array(EntrySchema),
  total: Type.Integer({ description: 'entries matching the search, all pages' }),
  nextCursor: Type.Union([Type.String(), Type.Null()], { description: 'pass as `cursor` for the next page; null on the last page' }),
});

/**
 * Bodies are checked by compileSearch (the body schema is for /openapi.json);
 * other parts (the export's `format`) by their TypeBox schema, without
 * coercion or defaults. Typed loosely: the route schemas differ in shape.
 */
const validatorCompiler: FastifySchemaCompiler<any> = ({ schema, httpPart }) => {
  if (httpPart === 'body') return () => true;
  const check = TypeCompiler.Compile(schema as TSchema);
  return (data: unknown) => {
    if (check.Check(data)) return { value: data };
    const validation = [...check.Errors(data)].map((e) => ({ instancePath: e.path, message: e.message.charAt(0).toLowerCase() + e.message.slice(1) }));
    return { error: Object.assign(new Error('invalid request'), { validation, statusCode: 400 }) };
  };
};

function compile(request: FastifyRequest, options: CompileOptions = {}): CompiledSearch {
  let search: CompiledSearch;
  try {
    search = compileSearch(request.body, options);
  } catch (err) {
    if (err instanceof SearchQueryError) throw invalid(err.details, 'search');
    throw err;
  }
  if (search.includeDeleted && !(request.caller && allows(request.caller.role, 'admin'))) {
    throw new ApiError(403, 'includeDeleted needs role admin', { details: [{ field: 'includeDeleted', message: 'needs role admin' }] });
  }
  return search;
}

/** A SearchQueryError raised while paging (a sort field holding a list). */
async function paging<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof SearchQueryError) throw invalid(err.details, 'search');
    throw err;
  }
}

function fileName(search: CompiledSearch, extension: string): string {
  const what = search.sheets?.length === 1 ? (search.sheets[0] as string).replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 64) : 'search';
  const when = new Date().toISOString().slice(0, 19).replace(/[-:]/g, '');
  return `shotline-${what}-${when}.${extension}`;
}

async function* utf8(chunks: AsyncIterable<string>): AsyncGenerator<Buffer> {
  for await (const chunk of chunks) if (chunk.length > 0) yield Buffer.from(chunk, 'utf8');
}

export const searchRoutes: FastifyPluginAsyncTypebox<SearchRouteOptions> = async (app, options) => {
  const { search: service, layouts } = options;
  const maxRows = options.exportMaxRows ?? DEFAULT_EXPORT_MAX_ROWS;
  const pageSize = options.exportPageSize ?? 1000;

  app.post(
    '/',
    {
      config: { role: 'viewer' },
      validatorCompiler,
      schema: {
        tags: ['search'],
        summary: 'Search entries: filters, full text, sort, keyset pages (docs/search.md)',
        body: SearchQuerySchema,
        response: { 200: SearchPageSchema, 400: ErrorSchema, 403: ErrorSchema },
      },
    },
    async (request) => {
      const search = compile(request);
      return paging(() => service.search(search));
    },
  );

  app.post(
    '/export',
    {
      config: { role: 'viewer' },
      validatorCompiler,
      schema: {
        tags: ['search'],
        summary: `Every entry a search matches (at most ${maxRows}), as CSV (Excel-ready) or a JSON array, streamed`,
        description:
          'Headers: X-Shotline-Total (entries matching), X-Shotline-Truncated when fewer rows than that are sent (limit or the export maximum). CSV: UTF-8 with BOM, CRLF, RFC 4180 quoting; text cells starting with = + - @ are prefixed with a quote.',
        querystring: Type.Object({ format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('json')], { default: 'csv' })) }, { additionalProperties: false }),
        body: exportQuerySchema(maxRows),
      },
    },
    async (request, reply) => {
      const format = request.query.format ?? 'csv';
      const search = compile(request, { export: { maxRows } });
      const total = await service.count(search);
      const plan = format === 'csv' ? await paging(() => planExport(service, search, layouts)) : null;
      reply.header('x-shotline-total', String(total));
      if (total > search.limit) {
        reply.header('x-shotline-truncated', `${search.limit} of ${total} entries (${search.limit === maxRows ? 'the export maximum' : 'the limit asked for'})`);
      }
      if (plan?.columnsCut) reply.header('x-shotline-columns-cut', 'more data columns than an export holds; name them with "columns"');
      const chunks = plan ? csvChunks(service, search, plan.columns, pageSize) : jsonChunks(service, search, pageSize);
      reply
        .type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="${fileName(search, format)}"`);
      const stream = Readable.from(utf8(chunks), { objectMode: false });
      stream.on('error', (err) => request.log.error({ err }, 'export stopped'));
      return reply.send(stream);
    },
  );
};
