// The HTTP side of every role: health, metrics and OpenAPI always; the shot,
// relay and live routes where this process has what they need. Each route
// group is an encapsulated Fastify plugin with JSON schemas on its routes.
import Fastify, { LogController, type FastifyBaseLogger } from 'fastify';
import swagger from '@fastify/swagger';
import websocket from '@fastify/websocket';
import cors from '@fastify/cors';
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
import { ApiError } from './errors.ts';
import { authPlugin } from '../auth/plugin.ts';
import type { TokenService } from '../auth/tokens.ts';
import { AuthFailureLimiter, type AuthFailureLimits } from '../auth/failure-limiter.ts';
import { tokenRoutes } from './tokens.ts';
import type { ShotSheets } from '../sheets/index.ts';
import { sheetRoutes } from './sheets.ts';
import { entryRoutes } from './entries.ts';
import { searchRoutes, type SearchRouteOptions } from './search.ts';
import { choiceRoutes, type ChoiceRouteOptions } from './choices.ts';
import { statsRoutes } from './stats.ts';
import { consoleRoutes } from './console.ts';

export interface AppContext {
  logger: Logger;
  metrics: Metrics;
  checks: ReadinessCheck[];
  settings: SettingsService;
  shots: ShotRepository;
  hub?: LiveHub;
  /** present when this process runs the relay role */
  relay?: Relay;
  /** API tokens: every /api/ route needs one (src/auth/) */
  tokens: TokenService;
  /** lockout of addresses with repeated failed authentications (SHOTLINE_AUTH_*); `now` for tests */
  authFailures: AuthFailureLimits & { now?: () => number };
  /** the shot-sheet service, where this process serves it (roles api and all) */
  sheets?: ShotSheets;
  /** search and export of entries (roles api and all) */
  search?: SearchRouteOptions;
  /** choice lists and their wiki sync (roles api and all) */
  choices?: ChoiceRouteOptions;
  version: string;
  /** browser origins allowed to call the API cross-origin (SHOTLINE_CORS_ORIGINS); none when empty */
  corsOrigins?: readonly string[];
  /** the built console to serve at / (SHOTLINE_CONSOLE_DIR), where this process serves the API */
  consoleDir?: string;
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
  app.setErrorHandler((err: Error & { statusCode?: number; code?: string; validation?: { instancePath: string; message?: string; params?: Record<string, unknown> }[]; validationContext?: string }, request, reply) => {
    if (err.validation) {
      const details = err.validation.map((v) => ({
        field: fieldName(err.validationContext, v.instancePath, v.params),
        message: v.message ?? 'invalid',
      }));
      return reply.status(400).send({ error: `invalid ${err.validationContext ?? 'request'}: ${details.map((d) => `${d.field} ${d.message}`).join('; ')}`, details });
    }
    if (err instanceof ApiError) {
      if (err.headers) reply.headers(err.headers);
      return reply.status(err.statusCode).send({ error: err.message, ...(err.details && { details: err.details }), ...err.body });
    }
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 600 ? err.statusCode : 500;
    // The body parser's refusals (empty or malformed JSON, a prototype-poisoning key, too large,
    // another media type) happen before any route code: they name the body, like every refusal.
    if (status < 500 && err.code?.startsWith('FST_ERR_CTP_')) {
      const message = BODY_REFUSALS[err.code] ?? err.message;
      return reply.status(status).send({ error: `invalid body: ${message}`, details: [{ field: 'body', message }] });
    }
    if (status >= 500) request.log.error({ err, url: request.url }, 'request failed');
    return reply.status(status).send({ error: status >= 500 ? 'internal error' : err.message });
  });
  app.setNotFoundHandler((request, reply) => reply.status(404).send({ error: `no route ${request.method} ${request.url.split('?')[0]}` }));

  // CORS: only the configured origins (Grafana's) get Access-Control-Allow-Origin; by default none,
  // so a page elsewhere cannot read answers. Origins match exactly (scheme, host, port).
  await app.register(cors, {
    origin: ctx.corsOrigins && ctx.corsOrigins.length > 0 ? [...ctx.corsOrigins] : false,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    maxAge: 600,
  });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Shotline relay-service', version: ctx.version, description: 'Shots, relay settings, live feed and health of a Shotline deployment.' },
      tags: [{ name: 'shots' }, { name: 'relay' }, { name: 'live' }, { name: 'sheets' }, { name: 'entries' }, { name: 'tokens' }, { name: 'search' }, { name: 'choices' }, { name: 'health' }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'API token (roles viewer, editor, admin, service); /healthz, /readyz, /metrics and /openapi.json need none. Too many refused tokens from one address: 429 with Retry-After, whatever token it sends.' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });

  const failures = new AuthFailureLimiter({
    ...ctx.authFailures,
    logger: ctx.logger.child({ component: 'auth' }),
    counters: { failures: ctx.metrics.authFailures, refused: ctx.metrics.authRefused, evictions: ctx.metrics.authEvictions },
  });
  ctx.metrics.gauge('shotline_auth_tracked_addresses', 'Addresses with recent failed authentications being tracked (bounded by SHOTLINE_AUTH_FAILURE_ADDRESSES)', () => failures.tracked);
  ctx.metrics.gauge('shotline_auth_locked_addresses', 'Addresses locked out now for too many failed authentications', () => failures.lockedOut());
  app.addHook('onClose', async () => failures.close());
  await app.register(authPlugin, { tokens: ctx.tokens, failures });
  await app.register(healthRoutes, { metrics: ctx.metrics, checks: ctx.checks });
  await app.register(shotRoutes, { prefix: '/api/v1/shots', shots: ctx.shots });
  await app.register(statsRoutes, { prefix: '/api/v1/stats', shots: ctx.shots, settings: ctx.settings });
  await app.register(relayRoutes, { prefix: '/api/v1/relay', settings: ctx.settings, hub: ctx.hub, relay: ctx.relay });
  if (ctx.hub) await app.register(liveRoutes, { prefix: '/api/v1/live', hub: ctx.hub });
  await app.register(tokenRoutes, { prefix: '/api/v1', tokens: ctx.tokens });
  if (ctx.sheets) {
    await app.register(sheetRoutes, { prefix: '/api/v1/sheets', sheets: ctx.sheets });
    await app.register(entryRoutes, { prefix: '/api/v1/sheets', sheets: ctx.sheets });
  }
  if (ctx.search) await app.register(searchRoutes, { prefix: '/api/v1/search', ...ctx.search });
  if (ctx.choices) await app.register(choiceRoutes, { prefix: '/api/v1/choices', ...ctx.choices });

  if (ctx.consoleDir) await app.register(consoleRoutes, { dir: ctx.consoleDir });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  return app;
}

/** Fastify's words for these say nothing of why (its JSON parser drops the cause). */
const BODY_REFUSALS: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'not valid JSON, or it holds a "__proto__" key or a "constructor" with "prototype" (refused: prototype poisoning)',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'empty, but its content-type is application/json',
};

/** `body` + `/rule/above` → `rule.above`; a missing property names itself. */
function fieldName(context: string | undefined, path: string, params?: Record<string, unknown>): string {
  const parts = path.split('/').filter(Boolean);
  if (params && typeof params.missingProperty === 'string') parts.push(params.missingProperty);
  if (params && typeof params.additionalProperty === 'string') parts.push(params.additionalProperty);
  const joined = parts.join('.');
  return joined || (context ?? 'request');
}
