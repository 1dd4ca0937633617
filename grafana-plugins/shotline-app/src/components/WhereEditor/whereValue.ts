// How a condition's value is typed in a search editor and stored in the query.
// The relay compares types strictly (a number is never "less than" a string),
// so the value keeps the type it reads as: 2 is a number, true a boolean,
// null null, "2" (quoted) the text 2, anything else text. When the field is
// known to hold text (a layout's text or select field), what was typed stays
// text: `10` in a text field must find the text "10".
import type { WhereOp, WhereScalar, WhereValue } from './types';

/** What a field holds, when the editor knows it: `text` keeps typed values as text. */
export type ValueKind = 'text' | 'any';

export const WHERE_OPS: Array<{ value: WhereOp; label: string; description: string }> = [
  { value: '=', label: '=', description: 'equals (a list field: holds)' },
  { value: '!=', label: '!=', description: 'does not equal' },
  { value: '>', label: '>', description: 'greater than' },
  { value: '>=', label: '>=', description: 'greater than or equal' },
  { value: '<', label: '<', description: 'less than' },
  { value: '<=', label: '<=', description: 'less than or equal' },
  { value: 'in', label: 'in', description: 'equals one of a comma-separated list' },
  { value: 'contains', label: 'contains', description: 'contains the text, ignoring case' },
  { value: 'exists', label: 'exists', description: 'is present / absent' },
];

export function parseScalar(text: string, kind: ValueKind = 'any'): WhereScalar {
  const t = text.trim();
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) {
    return t.slice(1, -1);
  }
  if (kind === 'text') {
    return t;
  }
  if (t === 'null') {
    return null;
  }
  if (t === 'true' || t === 'false') {
    return t === 'true';
  }
  if (t !== '' && Number.isFinite(Number(t))) {
    return Number(t);
  }
  return t;
}

/** The stored value of what was typed for an operator; undefined when nothing was typed. */
export function parseValue(text: string, op: WhereOp, kind: ValueKind = 'any'): WhereValue | undefined {
  if (op === 'exists') {
    return text.trim() !== 'false';
  }
  if (op === 'contains') {
    return text === '' ? undefined : text;
  }
  if (op === 'in') {
    const items = text
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '')
      .map((s) => parseScalar(s, kind));
    return items.length ? items : undefined;
  }
  return text.trim() === '' ? undefined : parseScalar(text, kind);
}

function formatScalar(v: WhereScalar): string {
  if (typeof v === 'string') {
    // Quote text that would otherwise read back as another type.
    return parseScalar(v) === v ? v : `"${v}"`;
  }
  return String(v);
}

/** How a stored value is shown for editing (the inverse of parseValue). */
export function formatValue(value: WhereValue | undefined): string {
  if (value === undefined) {
    return '';
  }
  return Array.isArray(value) ? value.map(formatScalar).join(', ') : formatScalar(value);
}
