// Field definitions, shared by layouts (the entry form) and diagnostics (their
// settings): checking a definition, and turning a set of definitions into the
// JSON Schema that entry values are validated with.
//
//   text         single line, or `multiline: true`; `maxLength`
//   number       `unit`, `min`, `max`
//   integer      `unit`, `min`, `max`
//   boolean
//   select       one value from `choices` (a choice list's name) or `options` (inline)
//   multiselect  several distinct values from `choices` or `options`
//   datetime     ISO 8601 with a time zone
//   shotref      a shot number (integer ≥ 1) or a shot uid (UUID)
//   diagnostics  (layouts only) where the diagnostics block goes; holds no value;
//                `diagnostics: [names]` shows only those
//
// Every field: `key` (slug, unique), `label`, `required`, `default`, `help`,
// and `showIf: { field, equals }` or `showIf: { field, in: [...] }`: the
// field shows only when that other field has that value (for a multiselect:
// contains it). A field hidden by its condition, or by the condition of the
// field its condition depends on, is not required.
import { isDeepStrictEqual } from 'node:util';

export const FIELD_TYPES = ['text', 'number', 'integer', 'boolean', 'select', 'multiselect', 'datetime', 'shotref', 'diagnostics'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export interface ShowIf {
  field: string;
  equals?: unknown;
  in?: unknown[];
}

export interface FieldDef {
  key: string;
  label: string;
  type: FieldType;
  required?: boolean;
  default?: unknown;
  help?: string;
  showIf?: ShowIf;
  /** text */
  multiline?: boolean;
  maxLength?: number;
  /** number, integer */
  unit?: string;
  min?: number;
  max?: number;
  /** select, multiselect: a choice list's name */
  choices?: string;
  /** select, multiselect: inline values */
  options?: string[];
  /** diagnostics: which diagnostics the block shows (all when absent) */
  diagnostics?: string[];
}

export interface Detail {
  field: string;
  message: string;
}

export const SLUG = /^[a-z][a-z0-9_]{0,63}$/;
export const SLUG_TEXT = 'a slug: lower-case letter first, then lower-case letters, digits or _ (at most 64)';
const MAX_LABEL = 200;
const MAX_HELP = 2000;
const MAX_OPTIONS = 1000;
const MAX_OPTION_LENGTH = 200;
const MAX_TEXT = 100_000;
export const DEFAULT_TEXT_MAX = { single: 2000, multi: 20_000 } as const;

const COMMON = ['key', 'label', 'type', 'required', 'default', 'help', 'showIf'];
const ALLOWED: Record<FieldType, string[]> = {
  text: [...COMMON, 'multiline', 'maxLength'],
  number: [...COMMON, 'unit', 'min', 'max'],
  integer: [...COMMON, 'unit', 'min', 'max'],
  boolean: COMMON,
  select: [...COMMON, 'choices', 'options'],
  multiselect: [...COMMON, 'choices', 'options'],
  datetime: COMMON,
  shotref: COMMON,
  diagnostics: ['key', 'label', 'type', 'help', 'showIf', 'diagnostics'],
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v: unknown, max: number, min = 1): v is string => typeof v === 'string' && v.length >= min && v.length <= max;

/** A field definition as given, with where it came from (`sections.0.fields.2`). */
export interface Located {
  path: string;
  def: unknown;
}

/**
 * Checks the shape of each definition and the relations between them (unique
 * keys, conditions on existing fields, no condition cycles). Values (defaults,
 * condition values) are checked against the compiled schema afterwards
 * (validator.ts), as they must validate like entry values.
 */
export function checkDefinitions(located: readonly Located[], options: { allowDiagnosticsBlock: boolean }): { defs: FieldDef[]; details: Detail[] } {
  const details: Detail[] = [];
  const add = (field: string, message: string) => details.push({ field, message });
  const defs: FieldDef[] = [];
  const pathOf = new Map<string, string>();
  const byKey = new Map<string, FieldDef>();

  for (const { path, def } of located) {
    if (!isObject(def)) {
      add(path, 'must be an object');
      continue;
    }
    const type = def.type;
    if (typeof type !== 'string' || !(FIELD_TYPES as readonly string[]).includes(type)) {
      add(`${path}.type`, `unknown type ${JSON.stringify(type)}: one of ${FIELD_TYPES.filter((t) => options.allowDiagnosticsBlock || t !== 'diagnostics').join(', ')}`);
      continue;
    }
    const t = type as FieldType;
    if (t === 'diagnostics' && !options.allowDiagnosticsBlock) {
      add(`${path}.type`, 'a diagnostics block belongs in a layout, not among settings');
      continue;
    }
    for (const prop of Object.keys(def)) {
      if (!ALLOWED[t].includes(prop)) add(`${path}.${prop}`, `not a property of a ${t} field (allowed: ${ALLOWED[t].join(', ')})`);
    }
    if (typeof def.key !== 'string' || !SLUG.test(def.key)) add(`${path}.key`, `must be ${SLUG_TEXT}`);
    else if (byKey.has(def.key)) add(`${path}.key`, `duplicate key "${def.key}" (also at ${pathOf.get(def.key)})`);
    if (!isText(def.label, MAX_LABEL)) add(`${path}.label`, `must be text of 1 to ${MAX_LABEL} characters`);
    if (def.required !== undefined && typeof def.required !== 'boolean') add(`${path}.required`, 'must be true or false');
    if (def.help !== undefined && !isText(def.help, MAX_HELP, 0)) add(`${path}.help`, `must be text of at most ${MAX_HELP} characters`);
    if (t === 'text') {
      if (def.multiline !== undefined && typeof def.multiline !== 'boolean') add(`${path}.multiline`, 'must be true or false');
      if (def.maxLength !== undefined && !(Number.isInteger(def.maxLength) && (def.maxLength as number) >= 1 && (def.maxLength as number) <= MAX_TEXT)) {
        add(`${path}.maxLength`, `must be an integer from 1 to ${MAX_TEXT}`);
      }
    }
    if (t === 'number' || t === 'integer') {
      const check = (name: 'min' | 'max') => {
        const v = def[name];
        if (v === undefined) return true;
        if (typeof v !== 'number' || !Number.isFinite(v)) return add(`${path}.${name}`, 'must be a number'), false;
        if (t === 'integer' && !Number.isInteger(v)) return add(`${path}.${name}`, 'must be an integer (the field is an integer)'), false;
        return true;
      };
      const okMin = check('min');
      const okMax = check('max');
      if (okMin && okMax && typeof def.min === 'number' && typeof def.max === 'number' && def.min > def.max) add(`${path}.min`, `min ${def.min} is greater than max ${def.max}`);
      if (def.unit !== undefined && !isText(def.unit, 32)) add(`${path}.unit`, 'must be text of 1 to 32 characters');
    }
    if (t === 'select' || t === 'multiselect') {
      const hasChoices = def.choices !== undefined;
      const hasOptions = def.options !== undefined;
      if (hasChoices === hasOptions) add(path, `a ${t} field needs either choices (a choice list's name) or options (inline values), not ${hasChoices ? 'both' : 'neither'}`);
      if (hasChoices && (typeof def.choices !== 'string' || !/^[a-z0-9][a-z0-9_-]{0,63}$/.test(def.choices))) add(`${path}.choices`, "must be a choice list's name (lower-case letters, digits, _ or -)");
      if (hasOptions) {
        const opts = def.options;
        if (!Array.isArray(opts) || opts.length === 0 || opts.length > MAX_OPTIONS) add(`${path}.options`, `must be a list of 1 to ${MAX_OPTIONS} values`);
        else {
          opts.forEach((o, i) => {
            if (!isText(o, MAX_OPTION_LENGTH)) add(`${path}.options.${i}`, `must be text of 1 to ${MAX_OPTION_LENGTH} characters`);
          });
          if (new Set(opts).size !== opts.length) add(`${path}.options`, 'has duplicate values');
        }
      }
    }
    if (t === 'diagnostics' && def.diagnostics !== undefined) {
      if (!Array.isArray(def.diagnostics) || def.diagnostics.some((d) => typeof d !== 'string' || !SLUG.test(d))) add(`${path}.diagnostics`, 'must be a list of diagnostic names');
    }
    if (def.showIf !== undefined) {
      const s = def.showIf;
      if (!isObject(s)) add(`${path}.showIf`, 'must be { field, equals } or { field, in: [...] }');
      else {
        for (const k of Object.keys(s)) if (!['field', 'equals', 'in'].includes(k)) add(`${path}.showIf.${k}`, 'not a property of a condition (field, equals, in)');
        if (typeof s.field !== 'string') add(`${path}.showIf.field`, 'must name a field of the layout');
        const hasEquals = Object.hasOwn(s, 'equals');
        const hasIn = Object.hasOwn(s, 'in');
        if (hasEquals === hasIn) add(`${path}.showIf`, 'needs exactly one of equals and in');
        if (hasIn && (!Array.isArray(s.in) || s.in.length === 0)) add(`${path}.showIf.in`, 'must be a non-empty list of values');
      }
    }
    if (typeof def.key === 'string' && SLUG.test(def.key) && !byKey.has(def.key)) {
      byKey.set(def.key, def as unknown as FieldDef);
      pathOf.set(def.key, path);
    }
    defs.push(def as unknown as FieldDef);
  }

  // Conditions refer to fields that exist and hold a value, without cycles.
  for (const { path, def } of located) {
    if (!isObject(def) || !isObject(def.showIf) || typeof def.showIf.field !== 'string') continue;
    const target = byKey.get(def.showIf.field);
    if (!target) add(`${path}.showIf.field`, `no field "${def.showIf.field}" in the layout`);
    else if (target === (def as unknown)) add(`${path}.showIf.field`, 'a field cannot depend on itself');
    else if (target.type === 'diagnostics') add(`${path}.showIf.field`, `"${target.key}" is a diagnostics block and holds no value`);
  }
  if (details.length === 0) {
    for (const def of defs) {
      const seen = new Set<string>();
      for (let f: FieldDef | undefined = def; f?.showIf; f = byKey.get(f.showIf.field)) {
        if (seen.has(f.key)) {
          add(`${pathOf.get(def.key)}.showIf.field`, `conditions form a cycle: ${[...seen, f.key].join(' → ')}`);
          break;
        }
        seen.add(f.key);
      }
    }
  }
  return { defs, details };
}

// ---------------------------------------------------------------------------
// JSON Schema

export type SchemaMode = 'complete' | 'draft';

export function valueSchema(f: FieldDef): Record<string, unknown> {
  switch (f.type) {
    case 'text':
      return { type: 'string', maxLength: f.maxLength ?? (f.multiline ? DEFAULT_TEXT_MAX.multi : DEFAULT_TEXT_MAX.single), ...(f.multiline ? {} : { pattern: '^[^\\r\\n]*$' }) };
    case 'number':
      return { type: 'number', ...(f.min !== undefined && { minimum: f.min }), ...(f.max !== undefined && { maximum: f.max }) };
    case 'integer':
      return { type: 'integer', ...(f.min !== undefined && { minimum: f.min }), ...(f.max !== undefined && { maximum: f.max }) };
    case 'boolean':
      return { type: 'boolean' };
    case 'select':
      return { type: 'string', minLength: 1, maxLength: MAX_OPTION_LENGTH, ...(f.options && { enum: f.options }) };
    case 'multiselect':
      return { type: 'array', uniqueItems: true, maxItems: MAX_OPTIONS, items: { type: 'string', minLength: 1, maxLength: MAX_OPTION_LENGTH, ...(f.options && { enum: f.options }) } };
    case 'datetime':
      return { type: 'string', format: 'date-time' };
    case 'shotref':
      return { anyOf: [{ type: 'integer', minimum: 1 }, { type: 'string', format: 'uuid' }] };
    case 'diagnostics':
      return {};
  }
}

/** The JSON Schema a condition's value must match for the condition to hold. */
function conditionSchema(target: FieldDef, condition: ShowIf): Record<string, unknown> {
  const values = Object.hasOwn(condition, 'in') ? (condition.in ?? []) : [condition.equals];
  const one = values.length === 1 ? { const: values[0] } : { enum: values };
  const match = target.type === 'multiselect' ? { type: 'array', contains: one } : one;
  return { required: [target.key], properties: { [target.key]: match } };
}

/** Whether `f` shows for these values: its condition holds and the field it depends on shows. */
export function isVisible(f: FieldDef, values: Record<string, unknown>, byKey: ReadonlyMap<string, FieldDef>): boolean {
  const seen = new Set<string>();
  for (let cur: FieldDef | undefined = f; cur?.showIf; cur = byKey.get(cur.showIf.field)) {
    if (seen.has(cur.key)) return false;
    seen.add(cur.key);
    const target = byKey.get(cur.showIf.field);
    if (!target) return false;
    const value = values[target.key];
    if (value === undefined || value === null) return false;
    const wanted = Object.hasOwn(cur.showIf, 'in') ? (cur.showIf.in ?? []) : [cur.showIf.equals];
    const holds = target.type === 'multiselect' && Array.isArray(value) ? value.some((v) => wanted.some((w) => isDeepStrictEqual(v, w))) : wanted.some((w) => isDeepStrictEqual(value, w));
    if (!holds) return false;
  }
  return true;
}

/**
 * The JSON Schema of an object of values for these fields. `complete`: required
 * fields must be there while they show; `draft`: nothing is required.
 */
export function valuesSchema(defs: readonly FieldDef[], mode: SchemaMode): Record<string, unknown> {
  const valued = defs.filter((f) => f.type !== 'diagnostics');
  const byKey = new Map(valued.map((f) => [f.key, f]));
  const schema: Record<string, unknown> = {
    type: 'object',
    properties: Object.fromEntries(valued.map((f) => [f.key, valueSchema(f)])),
    additionalProperties: false,
  };
  if (mode === 'complete') {
    const always = valued.filter((f) => f.required && !f.showIf).map((f) => f.key);
    if (always.length > 0) schema.required = always;
    const conditional = valued.filter((f) => f.required && f.showIf);
    if (conditional.length > 0) {
      schema.allOf = conditional.map((f) => {
        const conditions: Record<string, unknown>[] = [];
        for (let cur: FieldDef | undefined = f; cur?.showIf; cur = byKey.get(cur.showIf.field)) {
          const target = byKey.get(cur.showIf.field);
          if (!target) break;
          conditions.unshift(conditionSchema(target, cur.showIf));
        }
        return { if: conditions.length === 1 ? conditions[0] : { allOf: conditions }, then: { required: [f.key] } };
      });
    }
  }
  return schema;
}

/** Defaults for the fields that have one, as an entry starts with them. */
export function defaultsOf(defs: readonly FieldDef[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of defs) if (f.type !== 'diagnostics' && f.default !== undefined && f.default !== null) out[f.key] = structuredClone(f.default);
  return out;
}

/** Lower-cased text of the text fields, for full-text search. */
export function textOf(defs: readonly FieldDef[], values: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const f of defs) {
    const v = values[f.key];
    if (f.type === 'text' && typeof v === 'string' && v.length > 0) out.push(v.toLowerCase());
  }
  return out;
}
