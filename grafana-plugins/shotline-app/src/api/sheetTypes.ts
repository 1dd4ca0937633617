// The shot-sheet shapes as the relay serves them (relay-service/src/sheets/*.ts,
// the response schemas of src/api/sheets.ts, entries.ts and choices.ts). The
// one copy every sheet-side component reads them from: the plugin cannot
// import the relay's sources. Members the relay always sends are required.

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

/** The field shows only when `field` has this value (`equals`) or one of these (`in`); for a multiselect: contains it. */
export interface ShowIf {
  field: string;
  equals?: unknown;
  in?: unknown[];
}

/** A field of a layout, or a setting of a diagnostic (relay-service/src/sheets/fields.ts). */
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
  /** select, multiselect: a choice list's name (`GET choices/<name>`) */
  choices?: string;
  /** select, multiselect: inline values */
  options?: string[];
  /** diagnostics block: which diagnostics it shows (all when absent) */
  diagnostics?: string[];
}

export interface Section {
  key?: string;
  title: string;
  fields: FieldDef[];
}

/** `GET sheets/<sheet>/layout` (ETag: its version) and `layout/versions/<n>`. */
export interface Layout {
  sheet: string;
  version: number;
  sections: Section[];
  createdAt: string;
  createdBy: string;
}

/** `GET sheets` items (archived ones only with `archived=true`). */
export interface Sheet {
  name: string;
  title: string;
  archived: boolean;
  /** drafts of shots whose campaign has no active sheet go here */
  default: boolean;
  /** campaigns this sheet is active for */
  campaigns: string[];
  /** the current layout version */
  layoutVersion: number;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}

/** `GET sheets/<sheet>/diagnostics` items: a diagnostic and its typed settings. */
export interface Diagnostic {
  sheet: string;
  name: string;
  label: string;
  help?: string;
  fields: FieldDef[];
  revision: number;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}

/** What an entry holds per diagnostic. Absent from an entry: the diagnostic was not recorded. */
export interface DiagnosticBlock {
  active: boolean;
  settings: Record<string, unknown>;
}

/** `GET sheets/<sheet>/presets` items: named diagnostic blocks that prefill an entry. */
export interface Preset {
  sheet: string;
  name: string;
  label: string;
  diagnostics: Record<string, DiagnosticBlock>;
  revision: number;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}

export type EntryStatus = 'draft' | 'complete';

/** An entry as the relay serves it (ETag: `"<revision>"`). */
export interface Entry {
  id: string;
  sheet: string;
  shotNumber: number | null;
  shotUid: string | null;
  campaign: string | null;
  receivedAt: string | null;
  fields: Record<string, unknown>;
  diagnostics: Record<string, DiagnosticBlock>;
  daq: Record<string, unknown>;
  channels: Record<string, number>;
  status: EntryStatus;
  layoutVersion: number;
  revision: number;
  deleted: boolean;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}

export interface Change {
  /** e.g. `fields.energy`, `diagnostics.camera.settings.exposure`, `status` */
  path: string;
  old: unknown;
  new: unknown;
}

/** `GET sheets/<sheet>/entries/<id>/revisions` items, oldest first. */
export interface Revision {
  revision: number;
  /** create, draft, update, link, delete, restore */
  action: string;
  at: string;
  by: string;
  changes: Change[];
}

/** An item of a choice list (relay-service/src/choices/types.ts). */
export interface ChoiceItem {
  value: string;
  label?: string;
  description?: string;
}

/** Where a synced choice list comes from: a page of the lab's MediaWiki. */
export interface WikiSource {
  wikiUrl: string;
  page: string;
  section?: string;
  column?: string;
  api?: 'parse' | 'query';
  intervalMinutes?: number;
  maxItems?: number;
}

export interface SyncStatus {
  lastSyncAt: string | null;
  lastAttemptAt: string | null;
  lastError: { at: string; message: string } | null;
  nextSyncAt: string | null;
  warnings: string[];
}

/** `GET choices/<name>`. */
export interface ChoiceList {
  name: string;
  description: string;
  items: ChoiceItem[];
  source: WikiSource | null;
  sync: SyncStatus | null;
  version: number;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}

/** `GET choices` items: one list's summary. */
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

/** Keys of fields and diagnostic/preset names: the relay's slug rule. */
export const SLUG = /^[a-z][a-z0-9_]{0,63}$/;
export const SLUG_TEXT = 'a lower-case letter first, then lower-case letters, digits or _ (at most 64)';
/** Sheet and choice-list names. */
export const NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;
export const NAME_TEXT = 'lower-case letters, digits, _ or - (at most 64), not starting with _ or -';
