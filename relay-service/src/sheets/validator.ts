// Compiles field definitions to JSON Schema validators (ajv, allErrors) and
// turns ajv's errors into `{ field, message }` naming the entry path
// (`fields.target_thickness`). Compiled validators are cached by a key the
// caller makes immutable (sheet + layout version, sheet + diagnostic revision).
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { ChoiceSource } from './choices.ts';
import { valuesSchema, type Detail, type FieldDef, type Located, type SchemaMode } from './fields.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv, formats: string[]) => Ajv;

const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, strictTypes: false, coerceTypes: false, useDefaults: false, removeAdditional: false });
addFormats(ajv, ['date-time', 'uuid']);

export interface CompiledFields {
  defs: readonly FieldDef[];
  byKey: ReadonlyMap<string, FieldDef>;
  complete: ValidateFunction;
  draft: ValidateFunction;
  release(): void;
}

export function compileFields(defs: readonly FieldDef[]): CompiledFields {
  const schemas = { complete: valuesSchema(defs, 'complete'), draft: valuesSchema(defs, 'draft') };
  const complete = ajv.compile(schemas.complete);
  const draft = ajv.compile(schemas.draft);
  return {
    defs,
    byKey: new Map(defs.filter((f) => f.type !== 'diagnostics').map((f) => [f.key, f])),
    complete,
    draft,
    // ajv keeps every compiled schema; a validator dropped from the cache is removed there too.
    release: () => {
      ajv.removeSchema(schemas.complete);
      ajv.removeSchema(schemas.draft);
    },
  };
}

/** Compiled validators by an immutable key; the least recently used go first past `max`. */
export class ValidatorCache {
  readonly #max: number;
  readonly #entries = new Map<string, CompiledFields>();

  constructor(max = 500) {
    this.#max = max;
  }

  get(key: string, defs: () => readonly FieldDef[]): CompiledFields {
    let hit = this.#entries.get(key);
    if (hit) {
      this.#entries.delete(key);
      this.#entries.set(key, hit);
      return hit;
    }
    hit = compileFields(defs());
    this.#entries.set(key, hit);
    while (this.#entries.size > this.#max) {
      const [oldest, value] = this.#entries.entries().next().value as [string, CompiledFields];
      this.#entries.delete(oldest);
      value.release();
    }
    return hit;
  }

  get size(): number {
    return this.#entries.size;
  }
}

const TYPE_WORDS: Record<string, string> = {
  string: 'text',
  number: 'a number',
  integer: 'an integer',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
};

function limitText(value: unknown, f: FieldDef | undefined): string {
  return `${String(value)}${f?.unit ? ` ${f.unit}` : ''}`;
}

/** ajv's errors for an object of field values, as details under `prefix` (e.g. `fields`). */
export function describeErrors(errors: readonly ErrorObject[] | null | undefined, prefix: string, byKey: ReadonlyMap<string, FieldDef>): Detail[] {
  const out: Detail[] = [];
  const seen = new Set<string>();
  const push = (field: string, message: string) => {
    const id = `${field}\u0000${message}`;
    if (seen.has(id)) return;
    seen.add(id);
    out.push({ field, message });
  };
  const at = (instancePath: string) => [prefix, ...instancePath.split('/').filter(Boolean).map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))].filter(Boolean).join('.');
  const anyOfPaths = new Set((errors ?? []).filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
  for (const e of errors ?? []) {
    if (e.keyword === 'if') continue; // "must match then": the `required` error under it says which
    const key = e.instancePath.split('/')[1]?.replace(/~1/g, '/').replace(/~0/g, '~');
    const f = key !== undefined ? byKey.get(key) : undefined;
    // An alternative that did not match, when the anyOf says it better.
    if (e.keyword !== 'anyOf' && e.schemaPath.includes('/anyOf/') && anyOfPaths.has(e.instancePath)) continue;
    switch (e.keyword) {
      case 'required':
        push(at(`${e.instancePath}/${(e.params as { missingProperty: string }).missingProperty}`), 'is required');
        break;
      case 'additionalProperties':
        push(at(`${e.instancePath}/${(e.params as { additionalProperty: string }).additionalProperty}`), 'is not a field here (unknown field)');
        break;
      case 'anyOf':
        push(at(e.instancePath), f?.type === 'shotref' ? 'must be a shot number (integer ≥ 1) or a shot uid (UUID)' : 'matches none of the allowed forms');
        break;
      case 'type': {
        const wanted = String((e.params as { type: string }).type);
        push(at(e.instancePath), `must be ${wanted.split(',').map((t) => TYPE_WORDS[t] ?? t).join(' or ')}`);
        break;
      }
      case 'minimum':
        push(at(e.instancePath), `must be at least ${limitText((e.params as { limit: number }).limit, f)}`);
        break;
      case 'maximum':
        push(at(e.instancePath), `must be at most ${limitText((e.params as { limit: number }).limit, f)}`);
        break;
      case 'enum': {
        const allowed = (e.params as { allowedValues: unknown[] }).allowedValues.map(String);
        push(at(e.instancePath), `must be one of: ${allowed.slice(0, 20).join(', ')}${allowed.length > 20 ? ', …' : ''}`);
        break;
      }
      case 'pattern':
        push(at(e.instancePath), f?.type === 'text' ? 'must be a single line (the field is not multiline)' : (e.message ?? 'invalid'));
        break;
      case 'format':
        push(
          at(e.instancePath),
          (e.params as { format: string }).format === 'date-time' ? 'must be a date and time in ISO 8601 with a time zone, e.g. 2026-11-25T14:03:00Z' : `must be a ${(e.params as { format: string }).format}`,
        );
        break;
      case 'uniqueItems':
        push(at(e.instancePath), 'must not list a value twice');
        break;
      default:
        push(at(e.instancePath), e.message ?? 'invalid');
    }
  }
  return out;
}

/** Validates `values` against compiled fields; details under `prefix`. */
export function validateValues(compiled: CompiledFields, values: Record<string, unknown>, mode: SchemaMode, prefix: string): Detail[] {
  const validate = mode === 'complete' ? compiled.complete : compiled.draft;
  if (validate(values)) return [];
  return describeErrors(validate.errors, prefix, compiled.byKey);
}

/**
 * Choice-list membership of the select and multiselect values in `keys` (the
 * values this write changes: a list that lost an item never breaks an entry
 * that already had it). A list the source does not know is not checked.
 */
export async function checkChoices(
  compiled: CompiledFields,
  values: Record<string, unknown>,
  keys: Iterable<string>,
  source: ChoiceSource,
  prefix: string,
  lists: Map<string, Promise<string[] | null>> = new Map(),
): Promise<Detail[]> {
  const out: Detail[] = [];
  for (const key of keys) {
    const f = compiled.byKey.get(key);
    if (!f || !f.choices || (f.type !== 'select' && f.type !== 'multiselect')) continue;
    const value = values[key];
    const given = f.type === 'select' ? (typeof value === 'string' ? [value] : []) : Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
    if (given.length === 0) continue;
    let list = lists.get(f.choices);
    if (!list) {
      list = source.items(f.choices);
      lists.set(f.choices, list);
    }
    const items = await list;
    if (items === null) continue;
    const allowed = new Set(items);
    const missing = given.filter((v) => !allowed.has(v));
    if (missing.length > 0) out.push({ field: `${prefix}.${key}`, message: `${missing.map((m) => JSON.stringify(m)).join(', ')} ${missing.length === 1 ? 'is' : 'are'} not in the choice list "${f.choices}"` });
  }
  return out;
}

/**
 * Values inside definitions: each default must be a valid value of its field
 * (and in its choice list when that exists), each condition value a valid
 * value of the field it tests.
 */
export async function checkDefinitionValues(located: readonly Located[], defs: readonly FieldDef[], source: ChoiceSource): Promise<Detail[]> {
  const compiled = compileFields(defs);
  try {
    const pathOf = new Map<string, string>();
    for (const { path, def } of located) pathOf.set((def as FieldDef).key, path);
    const out: Detail[] = [];
    const defaults: Record<string, unknown> = {};
    for (const f of defs) if (f.type !== 'diagnostics' && f.default !== undefined && f.default !== null) defaults[f.key] = f.default;
    const rename = (details: Detail[], suffix: (key: string) => string) =>
      details.map((d) => {
        const [, key = '', ...rest] = d.field.split('.');
        return { field: [`${pathOf.get(key) ?? key}${suffix(key)}`, ...rest].join('.'), message: d.message };
      });
    out.push(...rename(validateValues(compiled, defaults, 'draft', 'v'), () => '.default'));
    out.push(...rename(await checkChoices(compiled, defaults, Object.keys(defaults), source, 'v'), () => '.default'));
    for (const f of defs) {
      if (!f.showIf) continue;
      const target = compiled.byKey.get(f.showIf.field);
      if (!target) continue;
      const hasIn = Object.hasOwn(f.showIf, 'in');
      const values = hasIn ? (f.showIf.in ?? []) : [f.showIf.equals];
      values.forEach((v, i) => {
        const probe = { [target.key]: target.type === 'multiselect' ? [v] : v };
        const where = `${pathOf.get(f.key)}.showIf.${hasIn ? `in.${i}` : 'equals'}`;
        for (const d of validateValues(compiled, probe, 'draft', 'v')) out.push({ field: where, message: `${d.message} (a value of "${target.key}")` });
      });
    }
    return out;
  } finally {
    compiled.release();
  }
}
