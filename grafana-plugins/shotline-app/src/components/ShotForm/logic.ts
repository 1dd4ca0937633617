// What the form decides from a layout and values, with the relay's semantics
// (relay-service/src/sheets/fields.ts): which fields show, which are required
// while they show, which error belongs to which input, what a preset fills.
import type { FieldProblem } from '../../api/client';
import type { Diagnostic, DiagnosticBlock, FieldDef, Preset, Section } from '../../api/sheetTypes';
import type { ShotFormValues } from './types';

/** Deep equality of JSON values (condition values, merge comparisons). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) {
    return true;
  }
  if (
    typeof a !== 'object' ||
    typeof b !== 'object' ||
    a === null ||
    b === null ||
    Array.isArray(a) !== Array.isArray(b)
  ) {
    return false;
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v, i) => sameValue(v, b[i]));
  }
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  return (
    ka.length === kb.length &&
    ka.every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}

export function byKeyOf(defs: readonly FieldDef[]): Map<string, FieldDef> {
  return new Map(defs.filter((f) => f.type !== 'diagnostics').map((f) => [f.key, f]));
}

/**
 * Whether `f` shows for these values: its condition holds and the field it
 * depends on shows too (a chain of conditions). As the relay's isVisible.
 */
export function isVisible(f: FieldDef, values: Record<string, unknown>, byKey: ReadonlyMap<string, FieldDef>): boolean {
  const seen = new Set<string>();
  for (let cur: FieldDef | undefined = f; cur?.showIf; cur = byKey.get(cur.showIf.field)) {
    if (seen.has(cur.key)) {
      return false;
    }
    seen.add(cur.key);
    const target = byKey.get(cur.showIf.field);
    if (!target) {
      return false;
    }
    const value = values[target.key];
    if (value === undefined || value === null) {
      return false;
    }
    const wanted = Object.prototype.hasOwnProperty.call(cur.showIf, 'in') ? (cur.showIf.in ?? []) : [cur.showIf.equals];
    const holds =
      target.type === 'multiselect' && Array.isArray(value)
        ? value.some((v) => wanted.some((w) => sameValue(v, w)))
        : wanted.some((w) => sameValue(value, w));
    if (!holds) {
      return false;
    }
  }
  return true;
}

export function layoutFields(sections: readonly Section[]): FieldDef[] {
  return sections.flatMap((s) => s.fields);
}

/** The diagnostics a diagnostics block shows: those it names (in its order), or all of the sheet's. */
export function blockDiagnostics(block: FieldDef, diagnostics: readonly Diagnostic[]): Diagnostic[] {
  if (!block.diagnostics) {
    return [...diagnostics];
  }
  const byName = new Map(diagnostics.map((d) => [d.name, d]));
  return block.diagnostics.map((n) => byName.get(n)).filter((d): d is Diagnostic => !!d);
}

/** A value counts as given when it is there and not empty (an empty list or text is as good as none). */
export function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
}

/** Sections as shown: the pinned fields first (in the pinned order, as their own section), then the rest. */
export function arrangeSections(sections: readonly Section[], pinned: readonly string[] = []): Section[] {
  if (pinned.length === 0) {
    return [...sections];
  }
  const all = layoutFields(sections);
  const first = pinned.map((k) => all.find((f) => f.key === k)).filter((f): f is FieldDef => !!f);
  if (first.length === 0) {
    return [...sections];
  }
  const taken = new Set(first.map((f) => f.key));
  const rest = sections
    .map((s) => ({ ...s, fields: s.fields.filter((f) => !taken.has(f.key)) }))
    .filter((s) => s.fields.length > 0);
  return [{ key: '__pinned', title: 'Pinned', fields: first }, ...rest];
}

/** Element ids of the inputs, so labels, errors and focus agree. */
export const ids = {
  field: (prefix: string, key: string) => `${prefix}-field-${key}`,
  setting: (prefix: string, diagnostic: string, key: string) => `${prefix}-diag-${diagnostic}-${key}`,
  active: (prefix: string, diagnostic: string) => `${prefix}-diag-${diagnostic}-active`,
  preset: (prefix: string, block: string) => `${prefix}-preset-${block}`,
};

/**
 * The id of the first input the operator still has to fill, in the order the
 * form shows them (pinned first): a visible field without a value, or a
 * setting of an active diagnostic without one. Undefined when all are given.
 */
export function firstEmptyInputId(
  sections: readonly Section[],
  diagnostics: readonly Diagnostic[],
  values: ShotFormValues,
  idPrefix: string,
  pinned: readonly string[] = []
): string | undefined {
  const byKey = byKeyOf(layoutFields(sections));
  for (const section of arrangeSections(sections, pinned)) {
    for (const f of section.fields) {
      if (!isVisible(f, values.fields, byKey)) {
        continue;
      }
      if (f.type !== 'diagnostics') {
        if (isEmpty(values.fields[f.key])) {
          return ids.field(idPrefix, f.key);
        }
        continue;
      }
      for (const d of blockDiagnostics(f, diagnostics)) {
        const block = values.diagnostics[d.name];
        if (!block?.active) {
          continue;
        }
        const settingsByKey = byKeyOf(d.fields);
        const empty = d.fields.find(
          (s) => isVisible(s, block.settings, settingsByKey) && isEmpty(block.settings[s.key])
        );
        if (empty) {
          return ids.setting(idPrefix, d.name, empty.key);
        }
      }
    }
  }
  return undefined;
}

/** Where an error of the relay belongs: a layout field, a diagnostic setting, a diagnostic, or nowhere in the form. */
export type ErrorTarget =
  | { kind: 'field'; key: string }
  | { kind: 'setting'; diagnostic: string; key: string }
  | { kind: 'diagnostic'; diagnostic: string }
  | { kind: 'other' };

/**
 * The relay names failing input by path: `fields.<key>` (deeper for list
 * items: `fields.<key>.0`), `diagnostics.<name>.settings.<key>`,
 * `diagnostics.<name>.active`, `diagnostics.<name>[.settings]`; anything else
 * (`preset`, `shotNumber`, `daq.…`) is not an input of the form.
 */
export function errorTarget(path: string): ErrorTarget {
  const parts = path.split('.');
  if (parts[0] === 'fields' && parts[1]) {
    return { kind: 'field', key: parts[1] };
  }
  if (parts[0] === 'diagnostics' && parts[1]) {
    if (parts[2] === 'settings' && parts[3]) {
      return { kind: 'setting', diagnostic: parts[1], key: parts[3] };
    }
    return { kind: 'diagnostic', diagnostic: parts[1] };
  }
  return { kind: 'other' };
}

export interface GroupedErrors {
  fields: Map<string, string[]>;
  settings: Map<string, string[]>;
  diagnostics: Map<string, string[]>;
  other: FieldProblem[];
}

const settingKey = (diagnostic: string, key: string) => `${diagnostic}\u0000${key}`;

/**
 * Errors by the input they belong to. An error for an input the form does not
 * show (a hidden field, a setting of an inactive diagnostic) goes to `other`,
 * so it is shown somewhere rather than lost.
 */
export function groupErrors(
  errors: readonly FieldProblem[],
  shown: { fields: ReadonlySet<string>; settings: ReadonlySet<string>; diagnostics: ReadonlySet<string> }
): GroupedErrors {
  const out: GroupedErrors = { fields: new Map(), settings: new Map(), diagnostics: new Map(), other: [] };
  const add = (map: Map<string, string[]>, key: string, message: string) =>
    map.set(key, [...(map.get(key) ?? []), message]);
  for (const e of errors) {
    const t = errorTarget(e.field);
    if (t.kind === 'field' && shown.fields.has(t.key)) {
      add(out.fields, t.key, e.message);
    } else if (t.kind === 'setting' && shown.settings.has(settingKey(t.diagnostic, t.key))) {
      add(out.settings, settingKey(t.diagnostic, t.key), e.message);
    } else if (t.kind === 'diagnostic' && shown.diagnostics.has(t.diagnostic)) {
      add(out.diagnostics, t.diagnostic, e.message);
    } else {
      out.other.push(e);
    }
  }
  return out;
}

export { settingKey };

/**
 * Applies a preset as the relay does (`preset` in a write): for each of its
 * diagnostics the block's `active` is the preset's, its settings are merged
 * over the entry's (the preset wins for the settings it has).
 */
export function applyPreset(
  diagnostics: Record<string, DiagnosticBlock>,
  preset: Preset
): Record<string, DiagnosticBlock> {
  const out = { ...diagnostics };
  for (const [name, block] of Object.entries(preset.diagnostics)) {
    const existing = out[name];
    out[name] = {
      active: block.active ?? existing?.active ?? true,
      settings: { ...(existing?.settings ?? {}), ...structuredCloneJson(block.settings ?? {}) },
    };
  }
  return out;
}

function structuredCloneJson<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

/** Defaults of the fields that have one, as the relay starts a new entry. */
export function defaultsOf(defs: readonly FieldDef[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of defs) {
    if (f.type !== 'diagnostics' && f.default !== undefined && f.default !== null) {
      out[f.key] = structuredCloneJson(f.default);
    }
  }
  return out;
}
