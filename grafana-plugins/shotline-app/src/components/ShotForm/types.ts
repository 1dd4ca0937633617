// The shot-sheet shapes as the relay serves them (relay-service/src/sheets/*.ts,
// src/api/sheets.ts, src/api/entries.ts), for the form and the entry flow.

export type FieldType =
  'text' | 'number' | 'integer' | 'boolean' | 'select' | 'multiselect' | 'datetime' | 'shotref' | 'diagnostics';

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

/** `GET sheets/<sheet>/layout` (or `layout/versions/<n>`); the form needs only `sections`. */
export interface Layout {
  sheet?: string;
  version?: number;
  sections: Section[];
}

export interface Sheet {
  name: string;
  title: string;
  archived: boolean;
  default: boolean;
  campaigns: string[];
  layoutVersion: number;
}

/** `GET sheets/<sheet>/diagnostics` items: a diagnostic and its typed settings. */
export interface Diagnostic {
  name: string;
  label: string;
  help?: string;
  fields: FieldDef[];
  revision?: number;
}

/** What an entry holds per diagnostic. Absent from an entry: the diagnostic was not recorded. */
export interface DiagnosticBlock {
  active: boolean;
  settings: Record<string, unknown>;
}

/** `GET sheets/<sheet>/presets` items: named diagnostic blocks that prefill an entry. */
export interface Preset {
  name: string;
  label: string;
  diagnostics: Record<string, DiagnosticBlock>;
}

/** What the form edits: the entry's `fields` and `diagnostics`. A value that is absent is not set. */
export interface ShotFormValues {
  fields: Record<string, unknown>;
  diagnostics: Record<string, DiagnosticBlock>;
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
  action: string;
  at: string;
  by: string;
  changes: Change[];
}
