import type { ScopedVars } from '@grafana/data';
import type { TemplateSrv } from '@grafana/runtime';

import type { ShotlineQuery, WhereCondition, WhereScalar, WhereValue } from './types';

// Marks where a variable's values go: no variable value contains it.
const MARK = '\u001f';

/**
 * Every string a text stands for: a multi-valued variable gives one string
 * per value, with the text around it (`channels.$ch` with ch = [a, b] →
 * `channels.a`, `channels.b`; two such variables give every combination).
 */
export function expand(text: string, t: TemplateSrv, vars: ScopedVars): string[] {
  const values: string[][] = [];
  const marked = t.replace(text, vars, (value: unknown) => {
    values.push(Array.isArray(value) ? value.map(String) : [String(value ?? '')]);
    return `${MARK}${values.length - 1}${MARK}`;
  });
  let results = [''];
  marked.split(MARK).forEach((part, i) => {
    results =
      i % 2 === 0 ? results.map((r) => r + part) : results.flatMap((r) => values[Number(part)].map((v) => r + v));
  });
  return results;
}

/** One string with variables replaced (a multi-valued variable joins with commas, Grafana's default). */
function scalar(text: string | undefined, t: TemplateSrv, vars: ScopedVars): string | undefined {
  return text === undefined ? undefined : t.replace(text, vars);
}

/** A list whose elements may be multi-valued variables: each value becomes its own element. */
export function interpolateList(items: string[] | undefined, t: TemplateSrv, vars: ScopedVars): string[] | undefined {
  if (!items) {
    return undefined;
  }
  return items.flatMap((item) => expand(item, t, vars)).filter((v) => v !== '');
}

// A value typed in the editor is stored with its type (2 is a number). A
// variable's value is always text: when a whole value was a variable
// reference and its text reads as a number or boolean, it takes that type,
// as the literal would have.
function typed(text: string): WhereScalar {
  const trimmed = text.trim();
  if (trimmed !== '' && Number.isFinite(Number(trimmed))) {
    return Number(trimmed);
  }
  if (trimmed === 'true' || trimmed === 'false') {
    return trimmed === 'true';
  }
  return text;
}

function interpolateValue(
  value: WhereValue | undefined,
  op: WhereCondition['op'],
  t: TemplateSrv,
  vars: ScopedVars
): WhereValue | undefined {
  const one = (v: WhereScalar): WhereScalar[] => {
    if (typeof v !== 'string' || !t.containsTemplate(v)) {
      return [v];
    }
    const parts = expand(v, t, vars);
    return op === 'contains' ? [parts.join(' ')] : parts.map(typed);
  };
  if (Array.isArray(value)) {
    return value.flatMap(one);
  }
  if (value === undefined) {
    return undefined;
  }
  const values = one(value);
  // A multi-valued variable in a single-value condition: `in` is what it means.
  return values.length === 1 ? values[0] : values;
}

function interpolateWhere(
  where: WhereCondition[] | undefined,
  t: TemplateSrv,
  vars: ScopedVars
): WhereCondition[] | undefined {
  return where?.map((c) => {
    const value = interpolateValue(c.value, c.op, t, vars);
    const op = Array.isArray(value) && c.op === '=' ? 'in' : c.op;
    return { ...c, field: t.replace(c.field, vars), op, ...(value === undefined ? {} : { value }) };
  });
}

/** The query with the dashboard's template variables (and scoped ones, e.g. repeats) replaced. */
export function interpolateQuery(query: ShotlineQuery, t: TemplateSrv, vars: ScopedVars): ShotlineQuery {
  const out: ShotlineQuery = { ...query };
  out.sheet = scalar(query.sheet, t, vars);
  out.campaign = scalar(query.campaign, t, vars);
  out.text = scalar(query.text, t, vars);
  out.where = interpolateWhere(query.where, t, vars);
  out.fields = interpolateList(query.fields, t, vars);
  out.channels = interpolateList(query.channels, t, vars);
  // Keep absent members absent (the backend tells "not given" from "empty").
  for (const key of ['sheet', 'campaign', 'text', 'where', 'fields', 'channels'] as const) {
    if (query[key] === undefined) {
      delete out[key];
    }
  }
  return out;
}
