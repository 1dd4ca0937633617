// `from`/`to` query parameters of the shot and stats routes: ISO 8601, as in
// the search language (docs/search.md, "Time range"), rewritten to the form
// stored times compare with as strings.
import { Type } from '@sinclair/typebox';
import { normalizeTime } from '../search/time.ts';
import { invalid, type ErrorDetail } from './errors.ts';

export const TimeBound = (description: string) =>
  Type.String({ minLength: 1, maxLength: 40, description: `${description}: ISO 8601 date (midnight UTC) or date-time with a zone (Z or ±hh:mm)` });

/** The normalized bounds; a bound that is not a date(-time) with a zone, or from ≥ to, is a 400 naming the parameter. */
export function timeRange(query: { from?: string | undefined; to?: string | undefined }): { from?: string; to?: string } {
  const details: ErrorDetail[] = [];
  const bound = (name: 'from' | 'to') => {
    const value = query[name];
    if (value === undefined) return undefined;
    const normalized = normalizeTime(value);
    if (normalized === null) details.push({ field: name, message: 'must be an ISO 8601 date, or a date-time with a zone (Z or ±hh:mm)' });
    return normalized ?? undefined;
  };
  const from = bound('from');
  const to = bound('to');
  if (from !== undefined && to !== undefined && from >= to) details.push({ field: 'to', message: 'must be after from' });
  if (details.length > 0) throw invalid(details, 'querystring');
  return { ...(from !== undefined && { from }), ...(to !== undefined && { to }) };
}
