// API tokens (admin) and who am I (any role).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { callerOf } from '../auth/plugin.ts';
import { TOKEN_ROLES, type TokenRole } from '../auth/roles.ts';
import type { TokenService } from '../auth/tokens.ts';
import { ErrorSchema } from './schemas.ts';

const TokenRoleSchema = Type.Unsafe<TokenRole>({
  type: 'string',
  enum: [...TOKEN_ROLES],
  description: 'viewer: read, search, export; editor: add and change entries; admin: everything; service: Grafana\'s plugin backend, acting for the user named in X-Grafana-User with the role in X-Grafana-Role',
});

const TokenInfoSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  role: TokenRoleSchema,
  prefix: Type.String({ description: "the token's first characters, to recognise it" }),
  createdAt: Type.String(),
  createdBy: Type.String(),
  revoked: Type.Boolean(),
  revokedAt: Type.Union([Type.String(), Type.Null()]),
  revokedBy: Type.Union([Type.String(), Type.Null()]),
});

export const tokenRoutes: FastifyPluginAsyncTypebox<{ tokens: TokenService }> = async (app, { tokens }) => {
  app.get(
    '/me',
    {
      config: { role: 'viewer' },
      schema: {
        tags: ['tokens'],
        summary: 'Who the request is made as: name and role (for a service token, the Grafana user it acts for)',
        response: { 200: Type.Object({ name: Type.String(), role: Type.String(), tokenId: Type.String(), via: Type.Optional(Type.String()) }) },
      },
    },
    async (request) => callerOf(request),
  );

  app.get(
    '/tokens',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['tokens'],
        summary: 'API tokens (never the tokens themselves: only their hashes are stored)',
        querystring: Type.Object({ includeRevoked: Type.Boolean({ default: false }) }, { additionalProperties: false }),
        response: { 200: Type.Object({ items: Type.Array(TokenInfoSchema) }) },
      },
    },
    async (request) => ({ items: await tokens.list({ includeRevoked: request.query.includeRevoked }) }),
  );

  app.post(
    '/tokens',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['tokens'],
        summary: 'Issue a token; the answer is the only time the token is shown',
        body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 64, pattern: '^[^\\x00-\\x1f\\x7f]+$' }), role: TokenRoleSchema }, { additionalProperties: false }),
        response: { 201: Type.Composite([TokenInfoSchema, Type.Object({ token: Type.String({ description: 'send as Authorization: Bearer <token>' }) })]), 400: ErrorSchema },
      },
    },
    async (request, reply) => reply.status(201).send(await tokens.create({ name: request.body.name, role: request.body.role as TokenRole }, callerOf(request).name)),
  );

  app.delete(
    '/tokens/:id',
    {
      config: { role: 'admin' },
      schema: {
        tags: ['tokens'],
        summary: 'Revoke a token: it stops working at once',
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: { 200: TokenInfoSchema, 404: ErrorSchema },
      },
    },
    async (request, reply) => {
      const revoked = await tokens.revoke(request.params.id, callerOf(request).name);
      if (!revoked) return reply.status(404).send({ error: `no token ${request.params.id}` });
      return revoked;
    },
  );
};
