import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Metrics } from '../metrics.ts';

/** Figures shown beside a check's verdict (queue depths, counters). */
export type ReadinessDetails = Record<string, string | number | boolean | null>;

/**
 * A dependency this process needs; `check` rejects with the reason it is down
 * (an error with a `details` property keeps those), and may answer details.
 */
export interface ReadinessCheck {
  name: string;
  check: () => Promise<void | ReadinessDetails> | void | ReadinessDetails;
}

interface Outcome {
  reason: string | null;
  details?: ReadinessDetails;
}

const CHECK_TIMEOUT_MS = 2_000;

async function run(check: ReadinessCheck): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const details = await Promise.race([
      Promise.resolve().then(check.check),
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS))),
    ]);
    return { reason: null, ...(details && typeof details === 'object' && { details }) };
  } catch (err) {
    const details = (err as { details?: ReadinessDetails } | null)?.details;
    return { reason: (err as Error).message || String(err), ...(details && typeof details === 'object' && { details }) };
  } finally {
    clearTimeout(timer);
  }
}

export const healthRoutes: FastifyPluginAsyncTypebox<{ metrics: Metrics; checks: ReadinessCheck[] }> = async (app, { metrics, checks }) => {
  app.get('/healthz', { schema: { tags: ['health'], summary: 'The process is up', response: { 200: Type.Object({ status: Type.Literal('ok') }) } } }, async () => ({ status: 'ok' as const }));

  const Readiness = Type.Object({
    status: Type.Union([Type.Literal('ready'), Type.Literal('not ready')]),
    checks: Type.Record(
      Type.String(),
      Type.Object({
        ok: Type.Boolean(),
        reason: Type.Optional(Type.String()),
        details: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]), { description: 'figures beside the verdict, e.g. the relay ingest queue' })),
      }),
    ),
    down: Type.Array(Type.String(), { description: 'names of the dependencies that are down, with the reason' }),
  });
  app.get(
    '/readyz',
    { schema: { tags: ['health'], summary: 'Every dependency answers; otherwise 503 naming each one that is down', response: { 200: Readiness, 503: Readiness } } },
    async (_request, reply) => {
      const results = await Promise.all(checks.map(async (c) => [c.name, await run(c)] as const));
      const down = results.filter(([, o]) => o.reason !== null).map(([name, o]) => `${name}: ${o.reason}`);
      const body = {
        status: down.length === 0 ? ('ready' as const) : ('not ready' as const),
        checks: Object.fromEntries(results.map(([name, { reason, details }]) => [name, { ok: reason === null, ...(reason !== null && { reason }), ...(details && { details }) }])),
        down,
      };
      return reply.status(down.length === 0 ? 200 : 503).send(body);
    },
  );

  app.get('/metrics', { schema: { tags: ['health'], summary: 'Prometheus text exposition' } }, async (_request, reply) => {
    reply.header('content-type', metrics.registry.contentType);
    return metrics.registry.metrics();
  });
};
