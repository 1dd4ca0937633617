// The HTTP side of every role: health, metrics and OpenAPI always; the shot,
// relay and live routes where this process has what they need. Each route
// group is an encapsulated Fastify plugin with JSON schemas on its routes.
import Fastify, { LogController, type FastifyBaseLogger } from 'fastify';
import swagger from '@fastify/swagger';
import websocket from '@fastify/websocket';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Logger } from 'pino';
import type { Metrics } from '../metrics.ts';
import type { SettingsService } from '../settings/service.ts';
import type { ShotRepository } from '../store/shots.ts';
import type { LiveHub } from '../live/hub.ts';
import type { Relay } from '../trigger/relay.ts';
import { healthRoutes, type ReadinessCheck } from './health.ts';
import { shotRoutes } from './shots.ts';
import { relayRoutes } from './relay.ts';
import { liveRoutes } from './live.ts';

export interface AppContext {
  logger: Logger;
  metrics: Metrics;
  checks: ReadinessCheck[];
  settings: SettingsService;
  shots: ShotRepository;
  hub?: LiveHub;
  /** present when this process runs the relay role */
  relay?: Relay;
  version: string;
}

export type App = Awaited<ReturnType<typeof buildApp>>;

export async function buildApp(ctx: AppContext) {
  const app = Fastify({
    loggerInstance: ctx.logger as FastifyBaseLogger,
    bodyLimit: 256 * 1024,
    // Per-request lines would drown the pipeline's own log; errors are logged by the error handler.
    logController: new LogController({ disableRequestLogging: true }),
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Errors reach clients as `{ error, details? }`, never with a stack trace.
  app.setErrorHandler((err: Error & { statusCode?: number; validation?: { instancePath: string; message?: string; params?: Record<string, unknown> }[]; validationContext?: string }, request, reply) => {
    if (err.validation) {
      const details = err.validation.map((v) => ({
        field: fieldName(err.validationContext, v.instancePath, v.params),
        message: v.message ?? 'invalid',
      }));
      return reply.status(400).send({ error: `invalid ${err.validationContext ?? 'request'}: ${details.map((d) => `${d.field} ${d.message}`).join('; ')}`, details });
    }
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    if (status >= 500) request.log.error({ err, url: request.url }, 'request failed');
    return reply.status(status).send({ error: status >= 500 ? 'internal error' : err.message });
  });
  app.setNotFoundHandler((request, reply) => reply.status(404).send({ error: `no route ${request.method} ${request.url.split('?')[0]}` }));

  await app.register(swagger, {
    openapi: {
      info: { title: 'Shotline relay-service', version: ctx.version, description: 'Shots, relay settings, live feed and health of a Shotline deployment.' },
      tags: [{ name: 'shots' }, { name: 'relay' }, { name: 'live' }, { name: 'health' }],
    },
  });
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });

  await app.register(healthRoutes, { metrics: ctx.metrics, checks: ctx.checks });
  await app.register(shotRoutes, { prefix: '/api/v1/shots', shots: ctx.shots });
  await app.register(relayRoutes, { prefix: '/api/v1/relay', settings: ctx.settings, hub: ctx.hub, relay: ctx.relay });
  if (ctx.hub) await app.register(liveRoutes, { prefix: '/api/v1/live', hub: ctx.hub });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return app;
}

/** `body` + `/rule/above` → `rule.above`; a missing property names itself. */
function fieldName(context: string | undefined, path: string, params?: Record<string, unknown>): string {
  const parts = path.split('/').filter(Boolean);
  if (params && typeof params.missingProperty === 'string') parts.push(params.missingProperty);
  if (params && typeof params.additionalProperty === 'string') parts.push(params.additionalProperty);
  const joined = parts.join('.');
  return joined || (context ?? 'request');
}
