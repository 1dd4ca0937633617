// The relay's field definitions (relay-service/src/sheets/fields.ts), layouts,
// diagnostics and presets as its API answers them. Mirrored here because the
// plugin cannot import the relay's sources.

export const FIELD_TYPES = [
  'text',
  'number',
  'integer',
  'boolean',
  'select',
  'multiselect',
  'datetime',
  'shotref',
  'diagnostics',
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export const FIELD_TYPE_LABELS: Record<FieldType, string> = {
  text: 'Text',
  number: 'Number',
  integer: 'Integer',
  boolean: 'Yes/no',
  select: 'Select',
  multiselect: 'Multi-select',
  datetime: 'Date and time',
  shotref: 'Shot reference',
  diagnostics: 'Diagnostics block',
};

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
  multiline?: boolean;
  maxLength?: number;
  unit?: string;
  min?: number;
  max?: number;
  choices?: string;
  options?: string[];
  diagnostics?: string[];
}

export interface Section {
  key?: string;
  title: string;
  fields: FieldDef[];
}

export interface Layout {
  sheet: string;
  version: number;
  sections: Section[];
  createdAt: string;
  createdBy: string;
}

export interface Sheet {
  name: string;
  title: string;
  archived: boolean;
  default: boolean;
  campaigns: string[];
  layoutVersion: number;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}

export interface Diagnostic {
  sheet: string;
  name: string;
  label: string;
  help?: string;
  fields: FieldDef[];
  revision: number;
  updatedAt?: string;
  updatedBy?: string;
}

export interface DiagnosticBlock {
  active: boolean;
  settings: Record<string, unknown>;
}

export interface Preset {
  sheet: string;
  name: string;
  label: string;
  diagnostics: Record<string, DiagnosticBlock>;
  revision: number;
}

/** `GET choices`: one list's summary. */
export interface ChoiceListSummary {
  name: string;
  description: string;
  count: number;
  synced: boolean;
  lastSyncAt: string | null;
  lastError: { at: string; message: string } | null;
  version: number;
  updatedAt: string;
  updatedBy: string;
}

/** Keys and sheet-object names: the relay's slug rule. */
export const SLUG = /^[a-z][a-z0-9_]{0,63}$/;
export const SLUG_TEXT = 'a lower-case letter first, then lower-case letters, digits or _ (at most 64)';
/** Sheet and choice-list names. */
export const NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;
export const NAME_TEXT = 'lower-case letters, digits, _ or - (at most 64), not starting with _ or -';
