// Shot-sheet entries: one per shot and sheet (or not yet linked to a shot).
//
// `entries` documents (the search and export code relies on this shape):
//   _id (UUIDv7), sheet, shotNumber (integer | null), shotUid (string | null),
//   campaign (string | null), receivedAt (ISO | null), fields, diagnostics
//   ({ <name>: { active, settings } }), daq (free-form object), channels (from
//   the shot), status ('draft' | 'complete'), layoutVersion, revision, deleted,
//   createdAt, createdBy, updatedAt, updatedBy, text (lower-cased text of the
//   text fields, for full-text search), shotKey (internal: one entry per shot
//   and sheet, unique with `sheet`).
//
// Every change is a revision (`entry_revisions`, _id `<entry>:<revision>`):
// who, when, and field by field the old and the new value. Writes are
// optimistic on `revision` (the ETag): a write based on an older revision is
// refused with the current entry, never applied over it. Everything is
// validated before anything is written, so a refused write changes nothing.
//
// An entry is validated by the layout version it records; changing the layout
// never breaks old entries (`upgrade: true` moves one to the current
// layout). Drafts (from the watcher) and entries saved as drafts are checked
// for everything but required fields; `status: 'complete'` requires them.
import { createHash } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { v7 as uuidv7 } from 'uuid';
import type { Collection, Filter, Store } from '../store/types.ts';
import { DuplicateKeyError } from '../store/types.ts';
import type { ShotRepository } from '../store/shots.ts';
import type { SettingsService } from '../settings/service.ts';
import type { ShotRecord } from '../shot.ts';
import { ApiError, invalid } from '../api/errors.ts';
import type { Detail } from './fields.ts';
import { defaultsOf, textOf } from './fields.ts';
import type { ChangedSettings, DiagnosticBlock, DiagnosticDoc, DiagnosticService } from './diagnostics.ts';
import { layoutFields, type LayoutDoc, type SheetDoc, type SheetService } from './sheets.ts';
import { checkChoices, validateValues } from './validator.ts';

export type EntryStatus = 'draft' | 'complete';

export interface EntryDoc {
  _id: string;
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
  text: string;
  shotKey: string;
}

export interface Change {
  path: string;
  old: unknown;
  new: unknown;
}

export type RevisionAction = 'create' | 'draft' | 'update' | 'link' | 'delete' | 'restore';

export interface RevisionDoc {
  _id: string;
  entryId: string;
  sheet: string;
  revision: number;
  action: RevisionAction;
  at: string;
  by: string;
  changes: Change[];
}

export type Entry = Omit<EntryDoc, '_id' | 'text' | 'shotKey'> & { id: string };

/** A diagnostic block as written: missing `active` keeps (or, new, is true); settings merge, null removes one. */
export interface BlockInput {
  active?: boolean;
  settings?: Record<string, unknown>;
}

export interface EntryInput {
  shotNumber?: number | null;
  shotUid?: string | null;
  campaign?: string | null;
  status?: EntryStatus;
  preset?: string;
  fields?: Record<string, unknown>;
  diagnostics?: Record<string, BlockInput | null>;
  daq?: Record<string, unknown>;
}

export interface EntryPatch {
  status?: EntryStatus;
  preset?: string;
  /** validate against, and record, the sheet's current layout version */
  upgrade?: boolean;
  fields?: Record<string, unknown>;
  diagnostics?: Record<string, BlockInput | null>;
  daq?: Record<string, unknown>;
}

export interface ListQuery {
  limit: number;
  order: 'updatedAt' | 'shotNumber';
  cursor?: string;
  status?: EntryStatus;
  campaign?: string;
  shotNumber?: number;
  updatedSince?: string;
  deleted?: boolean;
}

/** `*` or the revisions the caller's copy may have. */
export type Precondition = '*' | number[];

const MAX_DAQ_DEPTH = 32;
const MAX_KEY_LENGTH = 200;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function entryView(doc: EntryDoc): Entry {
  const { _id, text: _text, shotKey: _shotKey, ...rest } = doc;
  return { id: _id, ...rest };
}

export function etagOf(doc: { revision: number }): string {
  return `"${doc.revision}"`;
}

/** Parses If-Match: `*`, `"3"`, `W/"3"`, `3`, or a comma-separated list of them. */
export function parseIfMatch(header: string | undefined): Precondition | undefined {
  if (header === undefined) return undefined;
  const trimmed = header.trim();
  if (trimmed === '*') return '*';
  const revisions: number[] = [];
  for (const part of trimmed.split(',')) {
    const m = /^(?:W\/)?"?(\d{1,15})"?$/.exec(part.trim());
    if (!m) throw new ApiError(400, `If-Match: expected the entry's ETag, e.g. "3" (got ${JSON.stringify(header.slice(0, 40))})`);
    revisions.push(Number(m[1]));
  }
  return revisions;
}

/** The key that makes an entry unique per shot and sheet (with `sheet`): `n:<shotNumber>`, or `u:<id>` for an entry of no shot. */
export function shotKeyOf(id: string, shotNumber: number | null): string {
  return shotNumber === null ? `u:${id}` : `n:${shotNumber}`;
}

/**
 * A UUIDv7 that is the same for the same shot and sheet: the shot uid's
 * timestamp, then bits of SHA-256(sheet, shot uid). A redelivered shot makes
 * the same draft id, so it never makes a second draft.
 */
export function draftId(sheet: string, shotUid: string): string {
  const hex = createHash('sha256').update(`${sheet}\u0000${shotUid}`).digest('hex');
  const time = shotUid.replace(/-/g, '').slice(0, 12).padEnd(12, '0');
  const variant = ((parseInt(hex[3] ?? '0', 16) & 0x3) | 0x8).toString(16);
  const raw = `${time}7${hex.slice(0, 3)}${variant}${hex.slice(4, 19)}`;
  return `${raw.slice(0, 8)}-${raw.slice(8, 12)}-${raw.slice(12, 16)}-${raw.slice(16, 20)}-${raw.slice(20, 32)}`;
}

/** Free-form JSON (daq): storable keys, bounded depth. */
function checkFree(value: unknown, path: string, details: Detail[], depth = 0): void {
  if (depth > MAX_DAQ_DEPTH) {
    details.push({ field: path, message: `nested deeper than ${MAX_DAQ_DEPTH} levels` });
    return;
  }
  if (Array.isArray(value)) value.forEach((v, i) => checkFree(v, `${path}.${i}`, details, depth + 1));
  else if (isObject(value)) {
    for (const [key, v] of Object.entries(value)) {
      if (key.length === 0 || key.length > MAX_KEY_LENGTH || key.includes('.') || key.startsWith('$') || key === '__proto__') {
        details.push({ field: `${path}.${key}`, message: `key ${JSON.stringify(key.slice(0, 40))} cannot be stored: 1 to ${MAX_KEY_LENGTH} characters, no '.', not starting with '$'` });
      } else checkFree(v, `${path}.${key}`, details, depth + 1);
    }
  }
}

/** Shallow merge where null removes a key. */
function merge(base: Record<string, unknown>, patch: Record<string, unknown> | undefined): Record<string, unknown> {
  const out = { ...base };
  if (!patch) return out;
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || v === undefined) delete out[k];
    else out[k] = v;
  }
  return out;
}

/** Applies diagnostic blocks over `base`; records which settings each touches. */
function mergeBlocks(base: Record<string, DiagnosticBlock>, patch: Record<string, BlockInput | null> | undefined, changed: ChangedSettings): Record<string, DiagnosticBlock> {
  const out: Record<string, DiagnosticBlock> = { ...base };
  if (!patch) return out;
  for (const [name, block] of Object.entries(patch)) {
    if (block === null) {
      delete out[name];
      changed.delete(name);
      continue;
    }
    const existing = out[name];
    out[name] = { active: block.active ?? existing?.active ?? true, settings: merge(existing?.settings ?? {}, block.settings) };
    const prior = changed.get(name);
    if (!existing || prior === 'all') changed.set(name, 'all');
    else {
      const keys = prior ?? new Set<string>();
      for (const [k, v] of Object.entries(block.settings ?? {})) if (v !== null) keys.add(k);
      changed.set(name, keys);
    }
  }
  return out;
}

const EMPTY: Omit<EntryDoc, '_id' | 'sheet' | 'revision' | 'createdAt' | 'createdBy' | 'updatedAt' | 'updatedBy' | 'text' | 'shotKey' | 'status' | 'layoutVersion'> & {
  status: EntryStatus | null;
  layoutVersion: number | null;
} = {
  shotNumber: null,
  shotUid: null,
  campaign: null,
  receivedAt: null,
  fields: {},
  diagnostics: {},
  daq: {},
  channels: {},
  status: null,
  layoutVersion: null,
  deleted: false,
};

/** Field by field, what changed from `before` to `after`. */
export function diffEntries(before: Partial<EntryDoc> | typeof EMPTY, after: EntryDoc): Change[] {
  const changes: Change[] = [];
  const push = (path: string, a: unknown, b: unknown) => {
    if (!isDeepStrictEqual(a ?? null, b ?? null)) changes.push({ path, old: a ?? null, new: b ?? null });
  };
  for (const key of ['shotNumber', 'shotUid', 'campaign', 'receivedAt', 'status', 'layoutVersion', 'deleted'] as const) push(key, before[key], after[key]);
  for (const part of ['fields', 'daq'] as const) {
    const a = before[part] ?? {};
    const b = after[part];
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) push(`${part}.${k}`, a[k], b[k]);
  }
  const da = before.diagnostics ?? {};
  const db = after.diagnostics;
  for (const name of new Set([...Object.keys(da), ...Object.keys(db)])) {
    const a = da[name];
    const b = db[name];
    if (!a || !b) push(`diagnostics.${name}`, a, b);
    else {
      push(`diagnostics.${name}.active`, a.active, b.active);
      for (const k of new Set([...Object.keys(a.settings), ...Object.keys(b.settings)])) push(`diagnostics.${name}.settings.${k}`, a.settings[k], b.settings[k]);
    }
  }
  push('channels', before.channels, after.channels);
  return changes;
}

function encodeCursor(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

function decodeCursor(cursor: string, order: ListQuery['order']): [unknown, string] {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && typeof parsed[1] === 'string') {
      const [key, id] = parsed as [unknown, string];
      if (order === 'updatedAt' ? typeof key === 'string' : key === null || Number.isInteger(key)) return [key, id];
    }
  } catch {
    // falls through
  }
  throw invalid([{ field: 'cursor', message: 'not a cursor from this listing (use nextCursor as given, with the same order)' }], 'query');
}

export interface EntryServiceOptions {
  store: Store;
  sheets: SheetService;
  diagnostics: DiagnosticService;
  shots: ShotRepository;
  settings: SettingsService;
}

export class EntryService {
  readonly #entries: Collection<EntryDoc>;
  readonly #revisions: Collection<RevisionDoc>;
  readonly #sheets: SheetService;
  readonly #diagnostics: DiagnosticService;
  readonly #shots: ShotRepository;
  readonly #settings: SettingsService;

  constructor(options: EntryServiceOptions) {
    this.#entries = options.store.collection<EntryDoc>('entries');
    this.#revisions = options.store.collection<RevisionDoc>('entry_revisions');
    this.#sheets = options.sheets;
    this.#diagnostics = options.diagnostics;
    this.#shots = options.shots;
    this.#settings = options.settings;
  }

  async init(): Promise<void> {
    await this.#entries.createIndexes([
      { keys: { sheet: 1, shotKey: 1 }, unique: true, name: 'sheet_shotKey' },
      { keys: { sheet: 1, shotNumber: -1 }, name: 'sheet_shotNumber' },
      { keys: { sheet: 1, updatedAt: -1 }, name: 'sheet_updatedAt' },
      { keys: { sheet: 1, campaign: 1 }, name: 'sheet_campaign' },
      { keys: { shotUid: 1 }, name: 'shotUid' },
      // A search's time range (src/search/query.ts) is `receivedAt in range, or receivedAt
      // null and createdAt in range`: MongoDB scans this one index for both branches of
      // that $or, with the sheet as equality, so a search reads only the entries of its
      // sheet and time range (docs/search.md, Performance).
      { keys: { sheet: 1, receivedAt: 1, createdAt: 1 }, name: 'sheet_receivedAt_createdAt' },
    ]);
    await this.#revisions.createIndexes([{ keys: { entryId: 1, revision: 1 }, name: 'entryId_revision' }]);
  }

  // -------------------------------------------------------------------------
  // Reading

  async get(sheet: string, id: string): Promise<EntryDoc | null> {
    return this.#entries.findOne({ _id: id, sheet });
  }

  /** The entry, or 404 (also for a hidden one unless `hidden` is allowed). */
  async require(sheet: string, id: string, options: { hidden?: boolean } = {}): Promise<EntryDoc> {
    const doc = await this.get(sheet, id);
    if (!doc) throw new ApiError(404, `no entry ${id} in sheet "${sheet}"`);
    if (doc.deleted && !options.hidden) throw new ApiError(404, `entry ${id} is deleted (hidden); an admin can restore it`);
    return doc;
  }

  async list(sheet: string, query: ListQuery): Promise<{ items: EntryDoc[]; nextCursor: string | null }> {
    const clauses: Filter[] = [{ sheet }, { deleted: query.deleted === true }];
    if (query.status) clauses.push({ status: query.status });
    if (query.campaign !== undefined) clauses.push({ campaign: query.campaign });
    if (query.shotNumber !== undefined) clauses.push({ shotNumber: query.shotNumber });
    if (query.updatedSince !== undefined) clauses.push({ updatedAt: { $gt: query.updatedSince } });
    const key = query.order;
    if (query.cursor) {
      const [value, id] = decodeCursor(query.cursor, key);
      if (value === null) clauses.push({ [key]: null, _id: { $lt: id } });
      else clauses.push({ $or: [{ [key]: { $lt: value } }, { [key]: value, _id: { $lt: id } }, ...(key === 'shotNumber' ? [{ shotNumber: null }] : [])] });
    }
    const items = await this.#entries.find({ $and: clauses }, { sort: { [key]: -1, _id: -1 }, limit: query.limit });
    const last = items.at(-1);
    return { items, nextCursor: items.length === query.limit && last ? encodeCursor([last[key], last._id]) : null };
  }

  async revisions(sheet: string, id: string): Promise<RevisionDoc[]> {
    return this.#revisions.find({ entryId: id, sheet }, { sort: { revision: 1 } });
  }

  // -------------------------------------------------------------------------
  // Writing

  async #writableSheet(name: string): Promise<SheetDoc> {
    const sheet = await this.#sheets.require(name);
    if (sheet.archived) throw new ApiError(409, `sheet "${name}" is archived: its entries are read-only until it is unarchived`);
    return sheet;
  }

  async #layoutFor(sheet: string, version: number): Promise<LayoutDoc> {
    const layout = await this.#sheets.layout(sheet, version);
    if (!layout) throw new Error(`sheet ${sheet} has no layout version ${version}`);
    return layout;
  }

  /** The stored shot a write names, or just its number when Shotline has no such shot. */
  async #resolveShot(input: { shotUid?: string | null; shotNumber?: number | null }, details: Detail[]): Promise<{ shot: ShotRecord | null; shotNumber: number | null; shotUid: string | null }> {
    const uid = input.shotUid ?? null;
    const number = input.shotNumber ?? null;
    if (uid !== null) {
      const shot = await this.#shots.get(uid);
      if (!shot) {
        details.push({ field: 'shotUid', message: 'no stored shot has this uid' });
        return { shot: null, shotNumber: number, shotUid: null };
      }
      if (number !== null && number !== shot.shotNumber) details.push({ field: 'shotNumber', message: `shot ${uid} is shot number ${shot.shotNumber}, not ${number}` });
      return { shot, shotNumber: shot.shotNumber, shotUid: shot.uid };
    }
    if (number !== null) {
      const [shot] = await this.#shots.list({ limit: 1, before: number + 1 });
      if (shot && shot.shotNumber === number) return { shot, shotNumber: number, shotUid: shot.uid };
      return { shot: null, shotNumber: number, shotUid: null };
    }
    return { shot: null, shotNumber: null, shotUid: null };
  }

  async #preset(sheet: string, name: string | undefined, details: Detail[]): Promise<Record<string, BlockInput> | undefined> {
    if (name === undefined) return undefined;
    const preset = await this.#diagnostics.getPreset(sheet, name);
    if (!preset) {
      details.push({ field: 'preset', message: `no preset "${name}" in this sheet` });
      return undefined;
    }
    return preset.diagnostics;
  }

  /** Validates fields, diagnostics and daq of an entry about to be written. */
  async #check(
    layout: LayoutDoc,
    definitions: ReadonlyMap<string, DiagnosticDoc>,
    next: { fields: Record<string, unknown>; diagnostics: Record<string, DiagnosticBlock>; daq: Record<string, unknown>; status: EntryStatus },
    changedFields: Iterable<string>,
    changedBlocks: ChangedSettings | undefined,
    details: Detail[],
  ): Promise<void> {
    const compiled = this.#sheets.compiled(layout);
    const complete = next.status === 'complete';
    details.push(...validateValues(compiled, next.fields, complete ? 'complete' : 'draft', 'fields'));
    details.push(...(await checkChoices(compiled, next.fields, changedFields, this.#sheets.choices, 'fields')));
    details.push(...(await this.#diagnostics.checkBlocks(definitions, next.diagnostics, { complete, ...(changedBlocks && { changed: changedBlocks }) })));
    checkFree(next.daq, 'daq', details);
  }

  #text(layout: LayoutDoc, definitions: ReadonlyMap<string, DiagnosticDoc>, fields: Record<string, unknown>, diagnostics: Record<string, DiagnosticBlock>): string {
    const parts = textOf(layoutFields(layout.sections), fields);
    for (const [name, block] of Object.entries(diagnostics)) {
      const def = definitions.get(name);
      if (def) parts.push(...textOf(def.fields, block.settings));
    }
    return parts.join('\n');
  }

  async create(sheetName: string, input: EntryInput, by: string): Promise<EntryDoc> {
    const sheet = await this.#writableSheet(sheetName);
    const layout = await this.#sheets.currentLayout(sheet.name);
    const definitions = await this.#diagnostics.byName(sheet.name);
    const details: Detail[] = [];
    const { shot, shotNumber, shotUid } = await this.#resolveShot(input, details);
    const preset = await this.#preset(sheet.name, input.preset, details);
    const changedBlocks: ChangedSettings = new Map();
    const fields = merge(defaultsOf(layoutFields(layout.sections)), input.fields);
    const diagnostics = mergeBlocks(mergeBlocks({}, preset, changedBlocks), input.diagnostics, changedBlocks);
    const daq = merge({}, input.daq);
    const status = input.status ?? 'complete';
    await this.#check(layout, definitions, { fields, diagnostics, daq, status }, Object.keys(fields), undefined, details);
    if (details.length > 0) throw invalid(details, 'entry');

    const now = new Date().toISOString();
    const id = uuidv7();
    const campaign = shot ? shot.campaign : input.campaign !== undefined ? input.campaign : ((await this.#settings.get()).campaign?.name ?? null);
    const doc: EntryDoc = {
      _id: id,
      sheet: sheet.name,
      shotNumber,
      shotUid,
      campaign,
      receivedAt: shot?.receivedAt ?? null,
      fields,
      diagnostics,
      daq,
      channels: shot?.channels ?? {},
      status,
      layoutVersion: layout.version,
      revision: 1,
      deleted: false,
      createdAt: now,
      createdBy: by,
      updatedAt: now,
      updatedBy: by,
      text: this.#text(layout, definitions, fields, diagnostics),
      shotKey: shotKeyOf(id, shotNumber),
    };
    try {
      await this.#entries.insertOne(doc);
    } catch (err) {
      if (err instanceof DuplicateKeyError) throw await this.#shotTaken(sheet.name, shotNumber);
      throw err;
    }
    await this.#record(doc, 'create', diffEntries(EMPTY, doc), now, by);
    return doc;
  }

  async #shotTaken(sheet: string, shotNumber: number | null): Promise<ApiError> {
    const other = shotNumber === null ? null : await this.#entries.findOne({ sheet, shotKey: shotKeyOf('', shotNumber) });
    return new ApiError(409, `shot ${shotNumber} already has an entry in sheet "${sheet}"${other ? ` (${other._id}${other.deleted ? ', deleted' : ''}): change that one` : ''}`, {
      ...(other && { body: { entryId: other._id } }),
    });
  }

  #stale(current: EntryDoc, wanted: Precondition): ApiError {
    const had = wanted === '*' ? 'any' : wanted.join(', ');
    return new ApiError(409, `entry ${current._id} is at revision ${current.revision}, not ${had}: someone changed it; apply your change to the current entry`, {
      body: { current: entryView(current) },
      headers: { etag: etagOf(current) },
    });
  }

  #matches(current: EntryDoc, wanted: Precondition | undefined): boolean {
    return wanted === undefined || wanted === '*' || wanted.includes(current.revision);
  }

  /**
   * Stores `next` over `current` if the entry is still at `current.revision`
   * (else 409 with the entry as it is now), and records the revision.
   */
  async #commit(current: EntryDoc, next: EntryDoc, action: RevisionAction, by: string, now: string): Promise<EntryDoc> {
    const changes = diffEntries(current, next);
    if (changes.length === 0) return current;
    const { _id, ...rest } = next;
    const set = { ...rest, revision: current.revision + 1, updatedAt: now, updatedBy: by };
    let stored: EntryDoc | null;
    try {
      stored = await this.#entries.findOneAndUpdate({ _id, revision: current.revision }, { $set: set });
    } catch (err) {
      if (err instanceof DuplicateKeyError) throw await this.#shotTaken(current.sheet, next.shotNumber);
      throw err;
    }
    if (!stored) {
      const now2 = await this.#entries.findOne({ _id });
      if (!now2) throw new ApiError(404, `no entry ${_id}`);
      throw this.#stale(now2, [current.revision]);
    }
    await this.#record(stored, action, changes, now, by);
    return stored;
  }

  async #record(doc: EntryDoc, action: RevisionAction, changes: Change[], at: string, by: string): Promise<void> {
    const revision: RevisionDoc = { _id: `${doc._id}:${doc.revision}`, entryId: doc._id, sheet: doc.sheet, revision: doc.revision, action, at, by, changes };
    for (let attempt = 0; ; attempt++) {
      try {
        await this.#revisions.insertOne(revision);
        return;
      } catch (err) {
        if (err instanceof DuplicateKeyError) return;
        if (attempt >= 2) throw err;
        await new Promise((r) => setTimeout(r, 50 * (attempt + 1)));
      }
    }
  }

  async patch(sheetName: string, id: string, input: EntryPatch, wanted: Precondition, by: string): Promise<EntryDoc> {
    const sheet = await this.#writableSheet(sheetName);
    const current = await this.require(sheet.name, id);
    if (!this.#matches(current, wanted)) throw this.#stale(current, wanted);
    const layout = input.upgrade ? await this.#sheets.currentLayout(sheet.name) : await this.#layoutFor(sheet.name, current.layoutVersion);
    const definitions = await this.#diagnostics.byName(sheet.name);
    const details: Detail[] = [];
    const preset = await this.#preset(sheet.name, input.preset, details);
    const changedBlocks: ChangedSettings = new Map();
    const fields = merge(current.fields, input.fields);
    const diagnostics = mergeBlocks(mergeBlocks(current.diagnostics, preset, changedBlocks), input.diagnostics, changedBlocks);
    const daq = merge(current.daq, input.daq);
    const status = input.status ?? current.status;
    // Completing an entry: every diagnostic it has must now have its required settings.
    if (status === 'complete' && current.status !== 'complete') {
      for (const name of Object.keys(diagnostics)) if (definitions.has(name) && !changedBlocks.has(name)) changedBlocks.set(name, new Set());
    }
    const changedFields = Object.entries(input.fields ?? {}).filter(([, v]) => v !== null).map(([k]) => k);
    await this.#check(layout, definitions, { fields, diagnostics, daq, status }, changedFields, changedBlocks, details);
    if (details.length > 0) throw invalid(details, 'entry');
    const now = new Date().toISOString();
    const next: EntryDoc = { ...current, fields, diagnostics, daq, status, layoutVersion: layout.version, text: this.#text(layout, definitions, fields, diagnostics) };
    return this.#commit(current, next, 'update', by, now);
  }

  /** Links an entry to a shot (by uid or number); refused when the shot has an entry in the sheet already. */
  async link(sheetName: string, id: string, target: { shotUid?: string; shotNumber?: number }, wanted: Precondition | undefined, by: string): Promise<EntryDoc> {
    const sheet = await this.#writableSheet(sheetName);
    const current = await this.require(sheet.name, id);
    if (!this.#matches(current, wanted)) throw this.#stale(current, wanted!);
    const details: Detail[] = [];
    const { shot, shotNumber, shotUid } = await this.#resolveShot(target, details);
    if (details.length > 0) throw invalid(details, 'link');
    const next: EntryDoc = {
      ...current,
      shotNumber,
      shotUid,
      ...(shot && { campaign: shot.campaign, receivedAt: shot.receivedAt, channels: shot.channels }),
      shotKey: shotKeyOf(current._id, shotNumber),
    };
    return this.#commit(current, next, 'link', by, new Date().toISOString());
  }

  /** Hides (deleted: true) or restores an entry; both are revisions. */
  async setDeleted(sheetName: string, id: string, deleted: boolean, wanted: Precondition | undefined, by: string): Promise<EntryDoc> {
    const sheet = await this.#sheets.require(sheetName);
    const current = await this.require(sheet.name, id, { hidden: true });
    if (!this.#matches(current, wanted)) throw this.#stale(current, wanted!);
    if (current.deleted === deleted) return current;
    return this.#commit(current, { ...current, deleted }, deleted ? 'delete' : 'restore', by, new Date().toISOString());
  }

  // -------------------------------------------------------------------------
  // Drafts (the watcher)

  /** A draft entry for a stored shot, prefilled from the shot and the layout's defaults. */
  draftFor(sheet: string, layout: LayoutDoc, shot: ShotRecord, at: string): EntryDoc {
    const id = draftId(sheet, shot.uid);
    const fields = defaultsOf(layoutFields(layout.sections));
    return {
      _id: id,
      sheet,
      shotNumber: shot.shotNumber,
      shotUid: shot.uid,
      campaign: shot.campaign,
      receivedAt: shot.receivedAt,
      fields,
      diagnostics: {},
      daq: {},
      channels: shot.channels,
      status: 'draft',
      layoutVersion: layout.version,
      revision: 1,
      deleted: false,
      createdAt: at,
      createdBy: 'watcher',
      updatedAt: at,
      updatedBy: 'watcher',
      text: textOf(layoutFields(layout.sections), fields).join('\n'),
      shotKey: shotKeyOf(id, shot.shotNumber),
    };
  }

  /**
   * Stores drafts; one that exists already (same id: a redelivered shot; or
   * the shot has an entry in that sheet already) is left alone. Returns how
   * many were new.
   */
  async insertDrafts(drafts: readonly EntryDoc[]): Promise<number> {
    if (drafts.length === 0) return 0;
    const result = await this.#entries.insertMany(drafts);
    // Revision 1 of each draft that exists under its own id now (ids are deterministic: a retry finds the same).
    const present = new Set((await this.#entries.find({ _id: { $in: drafts.map((d) => d._id) } })).map((d) => d._id));
    const revisions = drafts
      .filter((d) => present.has(d._id))
      .map((d): RevisionDoc => ({ _id: `${d._id}:1`, entryId: d._id, sheet: d.sheet, revision: 1, action: 'draft', at: d.createdAt, by: d.createdBy, changes: diffEntries(EMPTY, d) }));
    if (revisions.length > 0) await this.#revisions.insertMany(revisions);
    return result.inserted;
  }
}
