import type { FastifyRequest } from 'fastify';

/**
 * Who is making a change, for the audit trail. Until token authentication
 * exists (shot-sheet issue), callers name themselves in `X-Shotline-User`.
 */
export function actor(request: FastifyRequest): string {
  const header = request.headers['x-shotline-user'];
  const name = Array.isArray(header) ? header[0] : header;
  return name && name.trim() ? name.trim().slice(0, 128) : 'anonymous';
}
