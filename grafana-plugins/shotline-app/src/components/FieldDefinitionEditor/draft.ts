// A field definition as it is being edited. Numbers, defaults and condition
// values are kept as the text typed, so nothing typed is lost or silently
// rewritten while it is not (yet) valid; `toFieldDef` turns a draft into the
// definition the relay checks, naming what it cannot convert.
import type { FieldProblem } from '../../api/client';
import type { FieldDef, FieldType } from '../../api/sheetTypes';

export interface ShowIfDraft {
  field: string;
  mode: 'equals' | 'in';
  /** `equals`: one value; `in`: values separated by commas */
  value: string;
}

export interface FieldDraft {
  /** local and stable (React keys, element ids, where relay problems go after a reorder) */
  id: string;
  type: FieldType;
  key: string;
  label: string;
  required: boolean;
  help: string;
  /** '' = no default; multiselect: values separated by commas; boolean: 'true' | 'false' */
  defaultText: string;
  unit: string;
  min: string;
  max: string;
  multiline: boolean;
  maxLength: string;
  source: 'options' | 'choices';
  /** inline options, one per line */
  optionsText: string;
  choices: string;
  showIf: ShowIfDraft | null;
  /** diagnostics block: the diagnostics it shows; null = all */
  diagnostics: string[] | null;
}

let counter = 0;
export const nextId = (prefix = 'f') => `${prefix}${++counter}`;

/** A key for a new field that no other field has yet (`text_1`, `text_2`, …). */
export function freshKey(type: FieldType, taken: ReadonlySet<string>): string {
  for (let i = 1; ; i++) {
    const key = `${type}_${i}`;
    if (!taken.has(key)) {
      return key;
    }
  }
}

export function newDraft(type: FieldType, taken: ReadonlySet<string>): FieldDraft {
  const key = freshKey(type, taken);
  return {
    id: nextId(),
    type,
    key,
    label: key.replace('_', ' ').replace(/^./, (c) => c.toUpperCase()),
    required: false,
    help: '',
    defaultText: '',
    unit: '',
    min: '',
    max: '',
    multiline: false,
    maxLength: '',
    source: 'options',
    optionsText: type === 'select' || type === 'multiselect' ? 'first\nsecond' : '',
    choices: '',
    showIf: null,
    diagnostics: null,
  };
}

const textOf = (v: unknown): string =>
  typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v);

export function fromFieldDef(def: FieldDef): FieldDraft {
  return {
    id: nextId(),
    type: def.type,
    key: def.key,
    label: def.label,
    required: def.required === true,
    help: def.help ?? '',
    defaultText: Array.isArray(def.default) ? def.default.map(textOf).join(', ') : textOf(def.default),
    unit: def.unit ?? '',
    min: def.min === undefined ? '' : String(def.min),
    max: def.max === undefined ? '' : String(def.max),
    multiline: def.multiline === true,
    maxLength: def.maxLength === undefined ? '' : String(def.maxLength),
    source: def.choices !== undefined ? 'choices' : 'options',
    optionsText: (def.options ?? []).join('\n'),
    choices: def.choices ?? '',
    showIf: def.showIf
      ? Object.hasOwn(def.showIf, 'in')
        ? { field: def.showIf.field, mode: 'in', value: (def.showIf.in ?? []).map(textOf).join(', ') }
        : { field: def.showIf.field, mode: 'equals', value: textOf(def.showIf.equals) }
      : null,
    diagnostics: def.diagnostics ?? null,
  };
}

export const splitList = (text: string): string[] =>
  text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');

export const optionLines = (text: string): string[] =>
  text
    .split('\n')
    .map((s) => s.trim())
    .filter((s) => s !== '');

type Parsed = { ok: true; value: unknown } | { ok: false; message: string };

/** A typed value of a field of `type` from its text (defaults, condition values). */
export function parseValue(type: FieldType | undefined, text: string): Parsed {
  const t = text.trim();
  switch (type) {
    case 'number': {
      const n = Number(t);
      return t !== '' && Number.isFinite(n)
        ? { ok: true, value: n }
        : { ok: false, message: `"${text}" is not a number` };
    }
    case 'integer': {
      const n = Number(t);
      return t !== '' && Number.isInteger(n)
        ? { ok: true, value: n }
        : { ok: false, message: `"${text}" is not an integer` };
    }
    case 'boolean':
      return t === 'true' || t === 'false'
        ? { ok: true, value: t === 'true' }
        : { ok: false, message: `"${text}" is not true or false` };
    case 'shotref':
      return { ok: true, value: /^\d+$/.test(t) ? Number(t) : t };
    case 'multiselect':
      return { ok: true, value: splitList(text) };
    default:
      return { ok: true, value: text };
  }
}

function parseNumber(text: string, integer: boolean): Parsed {
  return parseValue(integer ? 'integer' : 'number', text);
}

/**
 * The definition the relay gets from a draft, and the problems of the typed
 * text (`field` relative to the field: `min`, `default`, …). `typeOf` gives
 * the type of another field by key, for the condition's value.
 */
export function toFieldDef(
  draft: FieldDraft,
  typeOf: (key: string) => FieldType | undefined
): { def: FieldDef; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const def: FieldDef = { key: draft.key.trim(), label: draft.label.trim(), type: draft.type };
  const t = draft.type;
  if (t !== 'diagnostics') {
    if (draft.required) {
      def.required = true;
    }
    if (draft.defaultText.trim() !== '') {
      const parsed = parseValue(t, draft.defaultText);
      if (parsed.ok) {
        def.default = parsed.value;
      } else {
        problems.push({ field: 'default', message: parsed.message });
      }
    }
  }
  if (draft.help.trim() !== '') {
    def.help = draft.help;
  }
  if (t === 'text') {
    if (draft.multiline) {
      def.multiline = true;
    }
    if (draft.maxLength.trim() !== '') {
      const parsed = parseNumber(draft.maxLength, true);
      if (parsed.ok) {
        def.maxLength = parsed.value as number;
      } else {
        problems.push({ field: 'maxLength', message: parsed.message });
      }
    }
  }
  if (t === 'number' || t === 'integer') {
    if (draft.unit.trim() !== '') {
      def.unit = draft.unit.trim();
    }
    for (const name of ['min', 'max'] as const) {
      if (draft[name].trim() !== '') {
        const parsed = parseNumber(draft[name], t === 'integer');
        if (parsed.ok) {
          def[name] = parsed.value as number;
        } else {
          problems.push({ field: name, message: parsed.message });
        }
      }
    }
  }
  if (t === 'select' || t === 'multiselect') {
    if (draft.source === 'choices') {
      def.choices = draft.choices;
    } else {
      def.options = optionLines(draft.optionsText);
    }
  }
  if (t === 'diagnostics' && draft.diagnostics !== null) {
    def.diagnostics = draft.diagnostics;
  }
  if (draft.showIf) {
    const target = typeOf(draft.showIf.field);
    // A multiselect condition holds when the value is among the selected ones: compare one option.
    const valueType = target === 'multiselect' ? 'select' : target;
    if (draft.showIf.mode === 'in') {
      const values: unknown[] = [];
      for (const text of splitList(draft.showIf.value)) {
        const parsed = parseValue(valueType, text);
        if (parsed.ok) {
          values.push(parsed.value);
        } else {
          problems.push({ field: 'showIf.in', message: parsed.message });
        }
      }
      def.showIf = { field: draft.showIf.field, in: values };
    } else {
      const parsed = parseValue(valueType, draft.showIf.value);
      if (parsed.ok) {
        def.showIf = { field: draft.showIf.field, equals: parsed.value };
      } else {
        problems.push({ field: 'showIf.equals', message: parsed.message });
      }
    }
  }
  return { def, problems };
}

/** Definitions of a list of drafts, with their problems under `<prefix>.<index>.<prop>`. */
export function toFieldDefs(
  drafts: readonly FieldDraft[],
  typeOf: (key: string) => FieldType | undefined,
  prefix: string
): { defs: FieldDef[]; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const defs = drafts.map((d, i) => {
    const out = toFieldDef(d, typeOf);
    problems.push(...out.problems.map((p) => ({ field: `${prefix}.${i}.${p.field}`, message: p.message })));
    return out.def;
  });
  return { defs, problems };
}

/** A key → type lookup over drafts (conditions refer to other fields by key). */
export function typeLookup(drafts: readonly FieldDraft[]): (key: string) => FieldType | undefined {
  const byKey = new Map(drafts.map((d) => [d.key.trim(), d.type]));
  return (key) => byKey.get(key);
}
