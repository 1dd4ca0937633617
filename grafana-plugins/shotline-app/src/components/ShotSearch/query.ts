// The search page's form and the relay's search body (docs/search.md), kept
// apart: the form holds what was typed (text, rows being written), the body
// only what the relay's language takes. Building the body keeps track of which
// row each `where.N` came from, so a refusal lands on the row it is about.
import type { FieldProblem } from '../../api/client';
import type { ConditionErrors } from '../WhereEditor/WhereEditor';
import type { WhereCondition } from '../WhereEditor/types';

export type SortChoice = 'newest' | 'oldest' | 'changed';

export interface SearchForm {
  /** '' or absent: every sheet */
  sheet?: string;
  campaign?: string;
  from?: string;
  to?: string;
  shotFrom?: string;
  shotTo?: string;
  where: WhereCondition[];
  text?: string;
  sort?: SortChoice;
  limit?: number;
}

export interface SearchBody {
  sheet?: string;
  campaign?: string;
  from?: string;
  to?: string;
  shotNumber?: { from?: number; to?: number };
  where?: WhereCondition[];
  text?: string;
  sort?: Array<{ field: string; dir: 'asc' | 'desc' }>;
  limit?: number;
  cursor?: string | null;
}

export const DEFAULT_LIMIT = 50;

const SORTS: Record<SortChoice, SearchBody['sort']> = {
  newest: undefined,
  oldest: [{ field: 'shotNumber', dir: 'asc' }],
  changed: [{ field: 'updatedAt', dir: 'desc' }],
};

export interface Built {
  body: SearchBody;
  /** the form's row index of each condition sent */
  rowOf: number[];
  /** problems found before asking the relay, by form field */
  errors: Record<string, string>;
}

function wholeNumber(text: string | undefined, key: string, errors: Record<string, string>): number | undefined {
  const t = text?.trim() ?? '';
  if (t === '') {
    return undefined;
  }
  const n = Number(t);
  if (!Number.isInteger(n) || n < 0) {
    errors[key] = `"${t}" is not a shot number (a whole number, 0 or more)`;
    return undefined;
  }
  return n;
}

/** The relay's search body for the form (without a cursor). */
export function buildSearch(form: SearchForm): Built {
  const body: SearchBody = {};
  const errors: Record<string, string> = {};
  const trimmed = (s?: string) => s?.trim() || undefined;
  const sheet = trimmed(form.sheet);
  if (sheet) {
    body.sheet = sheet;
  }
  const campaign = trimmed(form.campaign);
  if (campaign) {
    body.campaign = campaign;
  }
  const from = trimmed(form.from);
  const to = trimmed(form.to);
  if (from) {
    body.from = from;
  }
  if (to) {
    body.to = to;
  }
  const lo = wholeNumber(form.shotFrom, 'shotNumber.from', errors);
  const hi = wholeNumber(form.shotTo, 'shotNumber.to', errors);
  if (lo !== undefined || hi !== undefined) {
    body.shotNumber = { ...(lo !== undefined && { from: lo }), ...(hi !== undefined && { to: hi }) };
  }
  const rowOf: number[] = [];
  const where: WhereCondition[] = [];
  form.where.forEach((c, i) => {
    // A row just added and left untouched says nothing; a half-written one goes to the relay, which names what it lacks.
    if (!c.field && c.value === undefined) {
      return;
    }
    rowOf.push(i);
    where.push(c);
  });
  if (where.length) {
    body.where = where;
  }
  const text = trimmed(form.text);
  if (text) {
    body.text = text;
  }
  const sort = SORTS[form.sort ?? 'newest'];
  if (sort) {
    body.sort = sort;
  }
  body.limit = form.limit ?? DEFAULT_LIMIT;
  return { body, rowOf, errors };
}

/** The export's body: the same query, every matching row (no page size, no cursor). */
export function exportBody(body: SearchBody): SearchBody {
  const { limit: _limit, cursor: _cursor, ...rest } = body;
  return rest;
}

export interface PlacedProblems {
  /** by form field: sheet, campaign, from, to, shotNumber.from, shotNumber.to, text, sort, limit, cursor */
  fields: Record<string, string>;
  rows: Array<ConditionErrors | undefined>;
  /** what no input is about */
  other: string[];
}

const FORM_FIELDS = [
  'sheet',
  'campaign',
  'from',
  'to',
  'shotNumber.from',
  'shotNumber.to',
  'shotNumber',
  'text',
  'sort',
  'limit',
  'cursor',
];

/** Puts each of the relay's refusals at the input it names. */
export function placeProblems(details: FieldProblem[], rowOf: number[]): PlacedProblems {
  const out: PlacedProblems = { fields: {}, rows: [], other: [] };
  const add = (map: Record<string, string | undefined>, key: string, message: string) => {
    map[key] = map[key] ? `${map[key]}; ${message}` : message;
  };
  for (const d of details) {
    const row = /^where\.(\d+)\.(field|op|value)(?:\.(\d+))?$/.exec(d.field);
    if (row && rowOf[Number(row[1])] !== undefined) {
      const index = rowOf[Number(row[1])];
      const errors = (out.rows[index] ??= {});
      add(
        errors as Record<string, string | undefined>,
        row[2],
        row[3] !== undefined ? `item ${Number(row[3]) + 1}: ${d.message}` : d.message
      );
      continue;
    }
    const field = FORM_FIELDS.find((f) => d.field === f || d.field.startsWith(`${f}.`));
    if (field) {
      add(out.fields, field, d.message);
    } else {
      out.other.push(`${d.field} ${d.message}`);
    }
  }
  return out;
}

/** The form as kept in the page address; anything unreadable is no form. */
export function decodeForm(text: string | null | undefined): SearchForm | undefined {
  if (!text) {
    return undefined;
  }
  try {
    const v = JSON.parse(text) as Partial<SearchForm>;
    if (!v || typeof v !== 'object' || (v.where !== undefined && !Array.isArray(v.where))) {
      return undefined;
    }
    return {
      ...v,
      where: (v.where ?? []).filter(
        (c) => c && typeof c === 'object' && typeof c.field === 'string' && typeof c.op === 'string'
      ),
    };
  } catch {
    return undefined;
  }
}

export function encodeForm(form: SearchForm): string {
  return JSON.stringify(form);
}
