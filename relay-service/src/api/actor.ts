import type { FastifyRequest } from 'fastify';
import { callerOf } from '../auth/plugin.ts';

/**
 * Who is making a change, for the audit trail: the authenticated caller (the
 * token's name, or the Grafana user a service token acts for).
 */
export function actor(request: FastifyRequest): string {
  return callerOf(request).name;
}
