// Authentication and roles for every /api/ route, as a Fastify plugin that
// applies to the whole server (not encapsulated).
//
// - The caller sends `Authorization: Bearer <token>`; a WebSocket upgrade may
//   send `?token=` instead (browsers cannot set headers on WebSockets).
// - Each request gets `request.caller = { name, role }`.
// - The role a route needs is `config.role` on the route; without it, /api/
//   routes need `viewer` to read (GET, HEAD) and `admin` to change anything.
//   Other routes (/healthz, /readyz, /metrics, /openapi.json) are open unless
//   they name a role.
// - No or unknown token: 401. A role too low: 403 `{ error }` naming the role needed.
// - Repeated unknown tokens from one address: 429 with Retry-After, before
//   any token is checked (failure-limiter.ts), for headers and `?token=` alike.
// - A `service` token (Grafana's plugin backend) acts for the Grafana user in
//   `X-Grafana-User` with the role in `X-Grafana-Role` (Viewer, Editor, Admin
//   → viewer, editor, admin; None → no access). Without X-Grafana-User it acts
//   as itself with role viewer.
import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { allows, fromGrafanaRole, type CallerRole, type Role } from './roles.ts';
import type { TokenDoc, TokenService } from './tokens.ts';
import type { AuthFailureLimiter } from './failure-limiter.ts';

export interface Caller {
  /** who is recorded on writes: the token's name, or the Grafana user a service token acts for */
  name: string;
  role: CallerRole;
  /** id of the token used */
  tokenId: string;
  /** for a service token acting for a Grafana user: the token's name */
  via?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    caller: Caller | null;
  }
  interface FastifyContextConfig {
    /** the role this route needs; 'public': no token needed */
    role?: Role | 'public';
  }
}

export interface AuthOptions {
  tokens: TokenService;
  /** counts refused tokens per address and locks out an address that has too many */
  failures: AuthFailureLimiter;
}

const NAME_HEADER_MAX = 128;

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** The token the request presents, if any. */
function presentedToken(request: FastifyRequest): string | undefined {
  const authorization = header(request, 'authorization');
  if (authorization) {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    return m ? m[1] : undefined;
  }
  const isUpgrade = (header(request, 'upgrade') ?? '').toLowerCase() === 'websocket';
  if (isUpgrade) {
    const query = request.query as Record<string, unknown> | undefined;
    if (query && typeof query.token === 'string' && query.token.length > 0) return query.token;
  }
  return undefined;
}

class AuthError extends Error {
  readonly statusCode: number;
  constructor(statusCode: number, message: string) {
    super(message);
    this.statusCode = statusCode;
  }
}

/** The caller a verified token stands for. */
export function callerFor(token: TokenDoc, request: FastifyRequest): Caller {
  if (token.role !== 'service') return { name: token.name, role: token.role, tokenId: token._id };
  const user = header(request, 'x-grafana-user')?.trim();
  if (!user) return { name: token.name, role: 'viewer', tokenId: token._id };
  if (user.length > NAME_HEADER_MAX || /[\x00-\x1f\x7f]/.test(user)) throw new AuthError(400, `X-Grafana-User: at most ${NAME_HEADER_MAX} printable characters`);
  const roleHeader = header(request, 'x-grafana-role');
  const role = roleHeader === undefined ? 'viewer' : fromGrafanaRole(roleHeader);
  if (!role) throw new AuthError(400, `X-Grafana-Role: "${roleHeader!.slice(0, 32)}" is not one of Viewer, Editor, Admin, None`);
  return { name: user, role, tokenId: token._id, via: token.name };
}

function neededRole(request: FastifyRequest): Role | 'public' {
  const configured = request.routeOptions.config?.role;
  if (configured) return configured;
  const url = request.routeOptions.url ?? '';
  if (!url.startsWith('/api/')) return 'public';
  return request.method === 'GET' || request.method === 'HEAD' ? 'viewer' : 'admin';
}

function refuse(reply: FastifyReply, status: number, error: string): FastifyReply {
  if (status === 401) reply.header('www-authenticate', 'Bearer realm="shotline"');
  return reply.code(status).send({ error });
}

/**
 * The address failures are counted against: `request.ip`, which is the
 * socket's peer address, as the server trusts no proxy headers (Fastify's
 * `trustProxy` is off); were one configured, `request.ip` would follow it.
 */
function clientAddress(request: FastifyRequest): string {
  return request.ip || request.socket.remoteAddress || 'unknown';
}

async function authPluginImpl(app: FastifyInstance, { tokens, failures }: AuthOptions): Promise<void> {
  app.decorateRequest('caller', null);
  app.addHook('onRequest', async (request, reply) => {
    // No route matched: the 404 handler answers, naming no secret.
    if (request.routeOptions.url === undefined) return;
    const needed = neededRole(request);
    if (needed === 'public') return;
    const address = clientAddress(request);
    const lockout = failures.check(address);
    if (lockout) {
      reply.header('retry-after', String(lockout.retryAfterS));
      return reply.code(429).send({ error: `too many failed authentications from this address: try again in ${lockout.retryAfterS} s` });
    }
    const token = presentedToken(request);
    // Not a failure that counts: without a token nothing is guessed.
    if (!token) return refuse(reply, 401, 'authentication required: send Authorization: Bearer <token>');
    let doc: TokenDoc | null;
    try {
      doc = await tokens.verify(token);
    } catch (err) {
      request.log.error({ err }, 'cannot check an API token');
      return refuse(reply, 503, 'cannot check the token now: the store does not answer');
    }
    if (!doc) {
      // The route's pattern, never request.url: a WebSocket's ?token= is in the query.
      failures.failed(address, { method: request.method, route: request.routeOptions.url ?? '' });
      return refuse(reply, 401, 'invalid or revoked token');
    }
    let caller: Caller;
    try {
      caller = callerFor(doc, request);
    } catch (err) {
      if (err instanceof AuthError) return refuse(reply, err.statusCode, err.message);
      throw err;
    }
    request.caller = caller;
    if (!allows(caller.role, needed)) {
      return refuse(reply, 403, `this needs role ${needed}; ${caller.name} has role ${caller.role}`);
    }
  });
}

// Not encapsulated (what fastify-plugin does): the hook and the decorator apply to every route of the server.
(authPluginImpl as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;

export const authPlugin: FastifyPluginAsync<AuthOptions> = authPluginImpl;

/** The authenticated caller of a route that needs a role (the hook ran). */
export function callerOf(request: FastifyRequest): Caller {
  if (!request.caller) throw new Error(`no authenticated caller on ${request.method} ${request.url}: does the route name a role?`);
  return request.caller;
}
