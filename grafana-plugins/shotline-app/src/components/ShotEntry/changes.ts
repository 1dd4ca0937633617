// The difference between the entry an edit is based on and the form's values,
// as the relay's PATCH merges it (null removes a value), and the per-field
// comparison the merge view offers after a conflict.
import { sameValue } from '../ShotForm/logic';
import type { DiagnosticBlock, Diagnostic, FieldDef } from '../../api/sheetTypes';
import type { ShotFormValues } from '../ShotForm/types';

export interface ValuesPatch {
  fields?: Record<string, unknown>;
  diagnostics?: Record<string, { active?: boolean; settings?: Record<string, unknown> } | null>;
}

/** Only what changed from `base` to `values`: a PATCH body that never overwrites what the user left alone. */
export function changesFrom(base: ShotFormValues, values: ShotFormValues): ValuesPatch {
  const out: ValuesPatch = {};
  const fields: Record<string, unknown> = {};
  for (const k of new Set([...Object.keys(base.fields), ...Object.keys(values.fields)])) {
    if (!sameValue(base.fields[k], values.fields[k])) {
      fields[k] = values.fields[k] ?? null;
    }
  }
  if (Object.keys(fields).length > 0) {
    out.fields = fields;
  }
  const blocks: NonNullable<ValuesPatch['diagnostics']> = {};
  for (const name of new Set([...Object.keys(base.diagnostics), ...Object.keys(values.diagnostics)])) {
    const a = base.diagnostics[name];
    const b = values.diagnostics[name];
    if (!b) {
      if (a) {
        blocks[name] = null;
      }
      continue;
    }
    if (!a) {
      blocks[name] = { active: b.active, settings: { ...b.settings } };
      continue;
    }
    const block: { active?: boolean; settings?: Record<string, unknown> } = {};
    if (a.active !== b.active) {
      block.active = b.active;
    }
    const settings: Record<string, unknown> = {};
    for (const k of new Set([...Object.keys(a.settings), ...Object.keys(b.settings)])) {
      if (!sameValue(a.settings[k], b.settings[k])) {
        settings[k] = b.settings[k] ?? null;
      }
    }
    if (Object.keys(settings).length > 0) {
      block.settings = settings;
    }
    if (Object.keys(block).length > 0) {
      blocks[name] = block;
    }
  }
  if (Object.keys(blocks).length > 0) {
    out.diagnostics = blocks;
  }
  return out;
}

export const isUnchanged = (base: ShotFormValues, values: ShotFormValues) => {
  const patch = changesFrom(base, values);
  return !patch.fields && !patch.diagnostics;
};

/** One value both sides of a conflict disagree on. */
export interface Disagreement {
  /** the relay's path: `fields.<key>`, `diagnostics.<name>.active`, `diagnostics.<name>.settings.<key>` */
  path: string;
  label: string;
  def?: FieldDef;
  mine: unknown;
  theirs: unknown;
  /** the side taken unless the user picks: theirs where only they changed it, else mine */
  preferred: 'mine' | 'theirs';
}

const blockOf = (v: ShotFormValues, name: string): DiagnosticBlock | undefined => v.diagnostics[name];

/** Field by field, where my values and the current entry differ, relative to what my edit started from. */
export function disagreements(
  base: ShotFormValues,
  mine: ShotFormValues,
  theirs: ShotFormValues,
  fieldDefs: readonly FieldDef[],
  diagnostics: readonly Diagnostic[]
): Disagreement[] {
  const out: Disagreement[] = [];
  const push = (path: string, label: string, b: unknown, m: unknown, t: unknown, def?: FieldDef) => {
    if (!sameValue(m, t)) {
      out.push({ path, label, def, mine: m, theirs: t, preferred: sameValue(m, b) ? 'theirs' : 'mine' });
    }
  };
  const defs = new Map(fieldDefs.map((f) => [f.key, f]));
  const keys = new Set([
    ...fieldDefs.filter((f) => f.type !== 'diagnostics').map((f) => f.key),
    ...Object.keys(mine.fields),
    ...Object.keys(theirs.fields),
  ]);
  for (const k of keys) {
    push(`fields.${k}`, defs.get(k)?.label ?? k, base.fields[k], mine.fields[k], theirs.fields[k], defs.get(k));
  }
  const names = new Set([...Object.keys(mine.diagnostics), ...Object.keys(theirs.diagnostics)]);
  for (const name of names) {
    const d = diagnostics.find((x) => x.name === name);
    const label = d?.label ?? name;
    const [b, m, t] = [blockOf(base, name), blockOf(mine, name), blockOf(theirs, name)];
    push(`diagnostics.${name}.active`, `${label}: in use`, b?.active, m?.active, t?.active);
    const settingKeys = new Set([...Object.keys(m?.settings ?? {}), ...Object.keys(t?.settings ?? {})]);
    for (const k of settingKeys) {
      const def = d?.fields.find((f) => f.key === k);
      push(
        `diagnostics.${name}.settings.${k}`,
        `${label}: ${def?.label ?? k}`,
        b?.settings[k],
        m?.settings[k],
        t?.settings[k],
        def
      );
    }
  }
  return out;
}

/** Their values, with my side taken where `choice` says so. */
export function mergeValues(
  theirs: ShotFormValues,
  rows: readonly Disagreement[],
  choice: Record<string, 'mine' | 'theirs'>
): ShotFormValues {
  const fields = { ...theirs.fields };
  const blocks: Record<string, DiagnosticBlock> = Object.fromEntries(
    Object.entries(theirs.diagnostics).map(([n, b]) => [n, { active: b.active, settings: { ...b.settings } }])
  );
  for (const row of rows) {
    if ((choice[row.path] ?? row.preferred) !== 'mine') {
      continue;
    }
    const [part, name, sub, key] = row.path.split('.');
    if (part === 'fields') {
      if (row.mine === undefined) {
        delete fields[name];
      } else {
        fields[name] = row.mine;
      }
      continue;
    }
    const block = (blocks[name] ??= { active: true, settings: {} });
    if (sub === 'active') {
      block.active = row.mine === true;
    } else if (row.mine === undefined) {
      delete block.settings[key];
    } else {
      block.settings[key] = row.mine;
    }
  }
  return { fields, diagnostics: blocks };
}

/** A value as the operator reads it. */
export function showValue(v: unknown): string {
  if (v === undefined || v === null) {
    return '(not set)';
  }
  if (typeof v === 'boolean') {
    return v ? 'yes' : 'no';
  }
  if (Array.isArray(v)) {
    return v.length === 0 ? '(none)' : v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(', ');
  }
  if (typeof v === 'object') {
    return JSON.stringify(v);
  }
  return String(v);
}
