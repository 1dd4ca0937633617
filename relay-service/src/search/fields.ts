// The field names a search may filter and sort on, and what kind of value
// each holds. A field is a dotted path into an entry document; only the paths
// below are accepted, and every segment a client names is checked against one
// pattern (no '$', no '.', no control characters, bounded length), so a field
// can never become an operator or reach outside the entry's own data.
//
// | field                                   | kind    |
// |-----------------------------------------|---------|
// | shotNumber                              | number  |
// | shotUid campaign sheet status createdBy updatedBy | string |
// | receivedAt createdAt updatedAt          | time    |
// | fields.<key>                            | any     |
// | diagnostics.<name>.active               | boolean |
// | diagnostics.<name>.settings.<key>       | any     |
// | channels.<name>                         | number  |
// | daq.<path> (1 to 8 segments)            | any     |

export type FieldKind = 'number' | 'string' | 'time' | 'boolean' | 'any';

export interface FieldRef {
  /** the store path, identical to the field name */
  path: string;
  kind: FieldKind;
}

export const MAX_FIELD_LENGTH = 256;
export const MAX_SEGMENT_LENGTH = 128;
export const MAX_DAQ_DEPTH = 8;

const TOP_LEVEL: Record<string, FieldKind> = {
  shotNumber: 'number',
  shotUid: 'string',
  campaign: 'string',
  sheet: 'string',
  status: 'string',
  createdBy: 'string',
  updatedBy: 'string',
  receivedAt: 'time',
  createdAt: 'time',
  updatedAt: 'time',
};

export const TOP_LEVEL_FIELDS: readonly string[] = Object.keys(TOP_LEVEL);
export const TIME_FIELDS: readonly string[] = TOP_LEVEL_FIELDS.filter((f) => TOP_LEVEL[f] === 'time');

/** One user-named segment: a key of fields, a diagnostic, a channel or a DAQ path part. */
// No '.', no leading '$', no control characters; 1..128 characters.
const SEGMENT = /^[^.$\u0000-\u001f\u007f][^.\u0000-\u001f\u007f]*$/;

function segmentProblem(segment: string): string | null {
  if (segment.length === 0) return 'has an empty segment';
  if (segment.length > MAX_SEGMENT_LENGTH) return `has a segment longer than ${MAX_SEGMENT_LENGTH} characters`;
  if (segment === '__proto__' || segment === 'constructor' || segment === 'prototype') return `has a reserved segment "${segment}"`;
  if (!SEGMENT.test(segment)) return `segment "${printable(segment)}" is not allowed (no '$' at its start, no control characters)`;
  return null;
}

function printable(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f]/g, '?').slice(0, 40);
}

export const FIELD_HELP =
  'one of shotNumber, shotUid, campaign, sheet, status, createdBy, updatedBy, receivedAt, createdAt, updatedAt, fields.<key>, diagnostics.<name>.active, diagnostics.<name>.settings.<key>, channels.<name>, daq.<path>';

/** The field, or a message saying why it is not one. */
export function parseField(field: unknown): FieldRef | string {
  if (typeof field !== 'string') return 'must be a string';
  if (field.length === 0) return 'must not be empty';
  if (field.length > MAX_FIELD_LENGTH) return `is longer than ${MAX_FIELD_LENGTH} characters`;
  const top = Object.hasOwn(TOP_LEVEL, field) ? TOP_LEVEL[field] : undefined;
  if (top) return { path: field, kind: top };
  const parts = field.split('.');
  for (const part of parts) {
    const problem = segmentProblem(part);
    if (problem) return `"${printable(field)}" ${problem}`;
  }
  const [head, ...rest] = parts;
  switch (head) {
    case 'fields':
      if (rest.length === 1) return { path: field, kind: 'any' };
      break;
    case 'channels':
      if (rest.length === 1) return { path: field, kind: 'number' };
      break;
    case 'diagnostics':
      if (rest.length === 2 && rest[1] === 'active') return { path: field, kind: 'boolean' };
      if (rest.length === 3 && rest[1] === 'settings') return { path: field, kind: 'any' };
      break;
    case 'daq':
      if (rest.length >= 1 && rest.length <= MAX_DAQ_DEPTH) return { path: field, kind: 'any' };
      break;
  }
  return `"${printable(field)}" is not a searchable field: ${FIELD_HELP}`;
}
