// The fields a search can name, as the search page offers them: the sheet's
// layout fields (label and unit), its diagnostics, the laser channels and the
// fields every entry has (docs/search.md, Fields).
import type { Diagnostic, FieldDef, Layout } from '../../api/sheetTypes';
import type { ValueKind } from '../WhereEditor/whereValue';

export interface SearchField {
  /** the search language's field name, e.g. `fields.target_thickness` */
  path: string;
  label: string;
  unit?: string;
  kind: ValueKind;
  group: string;
}

const TEXT_TYPES = ['text', 'select', 'multiselect', 'datetime'];

export const ENTRY_FIELDS: SearchField[] = [
  { path: 'shotNumber', label: 'Shot number', kind: 'any', group: 'entry' },
  { path: 'campaign', label: 'Campaign', kind: 'text', group: 'entry' },
  { path: 'status', label: 'Status (draft, complete)', kind: 'text', group: 'entry' },
  { path: 'sheet', label: 'Sheet', kind: 'text', group: 'entry' },
  { path: 'shotUid', label: 'Shot uid', kind: 'text', group: 'entry' },
  { path: 'createdBy', label: 'Created by', kind: 'text', group: 'entry' },
  { path: 'updatedBy', label: 'Changed by', kind: 'text', group: 'entry' },
  { path: 'receivedAt', label: 'Received at', kind: 'text', group: 'entry' },
  { path: 'createdAt', label: 'Created at', kind: 'text', group: 'entry' },
  { path: 'updatedAt', label: 'Changed at', kind: 'text', group: 'entry' },
];

/** Layout fields that hold a value (not the diagnostics block), in layout order. */
export function layoutFields(layout: Pick<Layout, 'sections'> | undefined): FieldDef[] {
  return (layout?.sections ?? []).flatMap((s) => s.fields).filter((f) => f.type !== 'diagnostics');
}

export function searchFields(
  layout: Pick<Layout, 'sections'> | undefined,
  diagnostics: Array<Pick<Diagnostic, 'name' | 'label' | 'fields'>>,
  channels: Array<{ name: string; nickname: string | null; unit: string | null }>
): SearchField[] {
  const kindOf = (f: FieldDef): ValueKind => (TEXT_TYPES.includes(f.type) ? 'text' : 'any');
  return [
    ...layoutFields(layout).map((f) => ({
      path: `fields.${f.key}`,
      label: f.label,
      unit: f.unit,
      kind: kindOf(f),
      group: 'sheet',
    })),
    ...diagnostics.flatMap((d) => [
      { path: `diagnostics.${d.name}.active`, label: `${d.label}: active`, kind: 'any' as const, group: 'diagnostic' },
      ...d.fields.map((f) => ({
        path: `diagnostics.${d.name}.settings.${f.key}`,
        label: `${d.label}: ${f.label}`,
        unit: f.unit,
        kind: kindOf(f),
        group: 'diagnostic',
      })),
    ]),
    ...ENTRY_FIELDS,
    ...channels.map((c) => ({
      path: `channels.${c.name}`,
      label: c.nickname ? `${c.nickname} (${c.name})` : c.name,
      unit: c.unit ?? undefined,
      kind: 'any' as const,
      group: 'channel',
    })),
  ];
}

export function fieldTitle(f: Pick<SearchField, 'label' | 'unit'>): string {
  return f.unit ? `${f.label} [${f.unit}]` : f.label;
}

/** The value at a search field's path in an entry as the relay shows it. */
export function valueAt(entry: Record<string, unknown>, path: string): unknown {
  let v: unknown = entry;
  for (const part of path.split('.')) {
    if (!v || typeof v !== 'object') {
      return undefined;
    }
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

export function showValue(v: unknown): string {
  if (v === undefined || v === null) {
    return '';
  }
  if (Array.isArray(v)) {
    return v.map(showValue).join('; ');
  }
  if (typeof v === 'boolean') {
    return v ? 'yes' : 'no';
  }
  if (typeof v === 'object') {
    return JSON.stringify(v);
  }
  return String(v);
}
