// CSV that opens cleanly in Excel and reads back with any RFC 4180 parser:
// UTF-8 with a byte order mark (so Excel does not guess a code page), CRLF
// line ends, fields quoted when they hold a comma, a quote, CR or LF (quotes
// doubled), and text cells that a spreadsheet would run as a formula
// (starting with = + - @, tab or CR) prefixed with a single quote.

export const BOM = '\uFEFF';
export const CRLF = '\r\n';

const NEEDS_QUOTES = /[",\r\n]/;
const FORMULA_START = /^[=+\-@\t\r]/;

/** Text of one cell: numbers and booleans as written, lists joined with "; ", objects as JSON, null/absent empty. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return FORMULA_START.test(value) ? `'${value}` : value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) {
    const joined = value.map((v) => (v !== null && typeof v === 'object' && !(v instanceof Date) ? JSON.stringify(v) : v instanceof Date ? v.toISOString() : String(v ?? ''))).join('; ');
    return FORMULA_START.test(joined) ? `'${joined}` : joined;
  }
  const json = JSON.stringify(value);
  return FORMULA_START.test(json) ? `'${json}` : json;
}

/** One field, quoted when it needs to be. */
export function csvField(text: string): string {
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One record with its CRLF. */
export function csvRow(values: readonly unknown[]): string {
  return values.map((v) => csvField(cellText(v))).join(',') + CRLF;
}

/** A header row: labels as given (they are ours or the layout's, still quoted and guarded). */
export function csvHeader(labels: readonly string[]): string {
  return labels.map((l) => csvField(FORMULA_START.test(l) ? `'${l}` : l)).join(',') + CRLF;
}
