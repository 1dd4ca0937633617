// Choice lists in the store (`choice_lists`, _id = the list's name).
//
// - Items keep their order; values are trimmed (Unicode NFC) and must be
//   distinct (exactly: "Cu" and "cu" are two values).
// - A list either is edited here or comes from a wiki page (`source`); while
//   it has a source, its items change only by syncing.
// - Writes are optimistic on `version` (retried when another writer came
//   first) and leave an audit entry (`audit`, target `choices:<name>`) with
//   what changed: items added and removed, description, source.
// - `items(name)` serves the layout validator (ChoiceSource); answers are
//   cached for `cacheMs` (default 1 s), and dropped at once on a change made
//   in this process.
import { isDeepStrictEqual } from 'node:util';
import { v7 as uuidv7 } from 'uuid';
import type { Collection, Store } from '../store/types.ts';
import { DuplicateKeyError } from '../store/types.ts';
import type { AuditEntry } from '../settings/types.ts';
import { ApiError, invalid, type ErrorDetail } from '../api/errors.ts';
import {
  MAX_ITEMS,
  type ChoiceItem,
  type ChoiceItemInput,
  type ChoiceList,
  type ChoiceListDoc,
  type ChoiceListSummary,
  type ChoiceSource,
  type PatchList,
  type PutList,
  type SyncStatus,
  type WikiSourceConfig,
} from './types.ts';

export const CHOICE_LISTS_COLLECTION = 'choice_lists';
const MAX_ATTEMPTS = 20;
/** a failed sync is retried after this long at most (or the list's interval, when shorter) */
export const RETRY_AFTER_FAILURE_MS = 10 * 60 * 1000;
const CONTROL = /[\u0000-\u001f\u007f]/;

export function listView(doc: ChoiceListDoc): ChoiceList {
  const { _id, ...rest } = doc;
  return rest;
}

function summary(doc: ChoiceListDoc): ChoiceListSummary {
  return {
    name: doc.name,
    description: doc.description,
    count: doc.items.length,
    synced: doc.source !== null,
    lastSyncAt: doc.sync?.lastSyncAt ?? null,
    lastError: doc.sync?.lastError ?? null,
    version: doc.version,
    updatedAt: doc.updatedAt,
    updatedBy: doc.updatedBy,
  };
}

/** Items as given → stored items; every problem is added to `details` under `at.<index>`. */
export function normalizeItems(input: readonly ChoiceItemInput[], at: string, details: ErrorDetail[], existing: readonly ChoiceItem[] = []): ChoiceItem[] {
  const seen = new Map(existing.map((item, i) => [item.value, `existing item ${i}`]));
  const out: ChoiceItem[] = [];
  input.forEach((raw, i) => {
    const item = typeof raw === 'string' ? { value: raw } : raw;
    const value = item.value.normalize('NFC').trim();
    if (value === '') return void details.push({ field: `${at}.${i}`, message: 'must not be blank' });
    if (CONTROL.test(value)) return void details.push({ field: `${at}.${i}`, message: 'must not contain control characters' });
    const clash = seen.get(value);
    if (clash !== undefined) return void details.push({ field: `${at}.${i}`, message: `"${value}" is already in the list (${clash})` });
    seen.set(value, `${at}.${i}`);
    const next: ChoiceItem = { value };
    if (item.label !== undefined && item.label.trim() !== '') next.label = item.label.trim();
    if (item.description !== undefined && item.description.trim() !== '') next.description = item.description.trim();
    out.push(next);
  });
  return out;
}

/** Checks a wiki source beyond its schema: an http(s) URL without credentials. */
function checkSource(source: WikiSourceConfig, at: string, details: ErrorDetail[]): void {
  let url: URL;
  try {
    url = new URL(source.wikiUrl);
  } catch {
    details.push({ field: `${at}.wikiUrl`, message: 'must be a URL, e.g. https://wiki.example.org/w' });
    return;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') details.push({ field: `${at}.wikiUrl`, message: 'must be an http or https URL' });
  if (url.username || url.password) details.push({ field: `${at}.wikiUrl`, message: 'must not hold a user name or password (everyone who can read the list sees it)' });
}

function freshStatus(source: WikiSourceConfig, now: Date): SyncStatus {
  return { lastSyncAt: null, lastAttemptAt: null, lastError: null, nextSyncAt: source.intervalMinutes ? now.toISOString() : null, warnings: [] };
}

/** The sync status for a list whose source is (re)set: kept when the page to read is the same, fresh otherwise. */
function statusFor(source: WikiSourceConfig | null, previous: ChoiceListDoc | null, now: Date): SyncStatus | null {
  if (!source) return null;
  const prev = previous?.source;
  if (!prev || !previous.sync) return freshStatus(source, now);
  const { intervalMinutes: _a, ...what } = source;
  const { intervalMinutes: _b, ...prevWhat } = prev;
  if (!isDeepStrictEqual(what, prevWhat)) return freshStatus(source, now);
  if (source.intervalMinutes === prev.intervalMinutes) return previous.sync;
  return { ...previous.sync, nextSyncAt: source.intervalMinutes ? now.toISOString() : null };
}

interface ItemsDiff {
  added: string[];
  removed: string[];
  changed: string[];
}

function diffItems(before: readonly ChoiceItem[], after: readonly ChoiceItem[]): ItemsDiff {
  const old = new Map(before.map((i) => [i.value, i]));
  const now = new Map(after.map((i) => [i.value, i]));
  return {
    added: after.filter((i) => !old.has(i.value)).map((i) => i.value),
    removed: before.filter((i) => !now.has(i.value)).map((i) => i.value),
    changed: after.filter((i) => old.has(i.value) && !isDeepStrictEqual(old.get(i.value), i)).map((i) => i.value),
  };
}

/** What the audit keeps of a change: items added, removed and relabelled; description and source old and new. */
function auditChange(before: ChoiceListDoc | null, after: ChoiceListDoc | null): { old: unknown; new: unknown } | null {
  const old: Record<string, unknown> = {};
  const neu: Record<string, unknown> = {};
  const d = diffItems(before?.items ?? [], after?.items ?? []);
  if (d.removed.length) old.removed = d.removed;
  if (d.added.length) neu.added = d.added;
  if (d.changed.length) neu.changed = d.changed;
  if (before?.description !== after?.description) {
    old.description = before?.description ?? null;
    neu.description = after?.description ?? null;
  }
  if (!isDeepStrictEqual(before?.source ?? null, after?.source ?? null)) {
    old.source = before?.source ?? null;
    neu.source = after?.source ?? null;
  }
  if (Object.keys(old).length === 0 && Object.keys(neu).length === 0) return null;
  return { old, new: neu };
}

export interface ChoiceServiceOptions {
  /** how long items(name) answers from memory; default 1000 ms, 0: never */
  cacheMs?: number;
  now?: () => Date;
}

export class ChoiceService implements ChoiceSource {
  readonly #lists: Collection<ChoiceListDoc>;
  readonly #audit: Collection<AuditEntry>;
  readonly #cacheMs: number;
  readonly #now: () => Date;
  readonly #cache = new Map<string, { at: number; values: Promise<string[] | null> }>();
  #queue: Promise<unknown> = Promise.resolve();

  constructor(store: Store, options: ChoiceServiceOptions = {}) {
    this.#lists = store.collection<ChoiceListDoc>(CHOICE_LISTS_COLLECTION);
    this.#audit = store.collection<AuditEntry>('audit');
    this.#cacheMs = options.cacheMs ?? 1000;
    this.#now = options.now ?? (() => new Date());
  }

  async init(): Promise<void> {
    await this.#lists.createIndexes([{ keys: { 'sync.nextSyncAt': 1 }, name: 'sync_nextSyncAt' }]);
  }

  // -------------------------------------------------------------------------
  // Reading

  /** ChoiceSource: the values of a list in order, or null when there is none by that name. */
  items(name: string): Promise<string[] | null> {
    const hit = this.#cache.get(name);
    if (hit && Date.now() - hit.at < this.#cacheMs) return hit.values;
    const values = this.#lists.findOne({ _id: name }).then((doc) => (doc ? doc.items.map((i) => i.value) : null));
    if (this.#cacheMs > 0) {
      this.#cache.set(name, { at: Date.now(), values });
      values.catch(() => this.#cache.delete(name));
      if (this.#cache.size > 1000) this.#cache.delete(this.#cache.keys().next().value as string);
    }
    return values;
  }

  get(name: string): Promise<ChoiceListDoc | null> {
    return this.#lists.findOne({ _id: name });
  }

  async list(): Promise<ChoiceListSummary[]> {
    return (await this.#lists.find({}, { sort: { _id: 1 } })).map(summary);
  }

  // -------------------------------------------------------------------------
  // Changing

  /** Creates or replaces a list. */
  put(name: string, body: PutList, by: string): Promise<{ list: ChoiceListDoc; created: boolean }> {
    return this.#serial(async () => {
      const details: ErrorDetail[] = [];
      if (body.source && body.items !== undefined) details.push({ field: 'items', message: 'cannot be given with a source: the items come from the wiki page' });
      if (body.source) checkSource(body.source, 'source', details);
      const items = body.items ? normalizeItems(body.items, 'items', details) : undefined;
      if (details.length) throw invalid(details, 'choice list');
      return this.#write(name, by, (current, now) => {
        const source = body.source ?? null;
        return {
          description: body.description ?? '',
          // A list that syncs keeps what it has until the next sync.
          items: items ?? (source && current ? current.items : []),
          source,
          sync: statusFor(source, current, now),
        };
      });
    });
  }

  /** Changes a list: description, items added (at the end) or removed, source. 404 when there is none. */
  patch(name: string, body: PatchList, by: string): Promise<ChoiceListDoc> {
    return this.#serial(async () => {
      const { list } = await this.#write(name, by, (current, now) => {
        if (!current) throw new ApiError(404, `no choice list "${name}"`);
        const details: ErrorDetail[] = [];
        const source = body.source === undefined ? current.source : body.source;
        if (body.source) checkSource(body.source, 'source', details);
        if (source && (body.add || body.remove)) {
          details.push({ field: body.add ? 'add' : 'remove', message: `"${name}" syncs from a wiki page: change the page, or set source to null first` });
        }
        let items = current.items;
        if (body.remove) {
          const gone = new Set<string>();
          body.remove.forEach((raw, i) => {
            const value = raw.normalize('NFC').trim();
            if (!items.some((it) => it.value === value)) details.push({ field: `remove.${i}`, message: `"${value}" is not in the list` });
            gone.add(value);
          });
          items = items.filter((it) => !gone.has(it.value));
        }
        if (body.add) items = [...items, ...normalizeItems(body.add, 'add', details, items)];
        if (items.length > MAX_ITEMS) details.push({ field: 'add', message: `the list would have ${items.length} items, more than ${MAX_ITEMS}` });
        if (details.length) throw invalid(details, 'choice list change');
        return { description: body.description ?? current.description, items, source, sync: statusFor(source, current, now) };
      });
      return list;
    });
  }

  /** Deletes a list; false when there was none. */
  remove(name: string, by: string): Promise<boolean> {
    return this.#serial(async () => {
      const current = await this.get(name);
      if (!current) return false;
      const n = await this.#lists.deleteMany({ _id: name, version: current.version });
      if (n === 0) throw new ApiError(409, `the choice list "${name}" changed meanwhile; try again`);
      await this.#audited(name, 'delete', by, current, null);
      return true;
    });
  }

  // -------------------------------------------------------------------------
  // Syncing (sync.ts drives these)

  /** Lists with a source whose next sync is due at `now`, soonest first. */
  async due(now: Date): Promise<ChoiceListDoc[]> {
    const docs = await this.#lists.find({ 'sync.nextSyncAt': { $lte: now.toISOString() } }, { sort: { 'sync.nextSyncAt': 1 }, limit: 100 });
    return docs.filter((d) => d.source !== null);
  }

  /** Takes the due sync of `doc` for this process by moving its next sync to `until` (other processes then skip it). */
  async claim(doc: ChoiceListDoc, until: Date): Promise<boolean> {
    const expected = doc.sync?.nextSyncAt ?? null;
    if (expected === null) return false;
    const r = await this.#lists.updateOne({ _id: doc._id, 'sync.nextSyncAt': expected }, { $set: { 'sync.nextSyncAt': until.toISOString() } });
    return r.matched === 1;
  }

  /**
   * Stores what a sync of `source` read. Discarded (null) when the list is
   * gone or its source changed meanwhile. The items change (a new version,
   * audited) only when they differ.
   */
  async recordSync(name: string, source: WikiSourceConfig, outcome: { values: string[]; warnings: string[] } | { error: string }, at: Date): Promise<ChoiceListDoc | null> {
    return this.#serial(async () => {
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const current = await this.get(name);
        if (!current || !isDeepStrictEqual(current.source, source)) return null;
        const iso = at.toISOString();
        const interval = (source.intervalMinutes ?? 0) * 60_000;
        const status: SyncStatus = { ...(current.sync ?? freshStatus(source, at)), lastAttemptAt: iso };
        let next: ChoiceListDoc;
        if ('error' in outcome) {
          status.lastError = { at: iso, message: outcome.error };
          status.nextSyncAt = interval ? new Date(at.getTime() + Math.min(interval, RETRY_AFTER_FAILURE_MS)).toISOString() : null;
          next = { ...current, sync: status };
        } else {
          status.lastSyncAt = iso;
          status.lastError = null;
          status.warnings = outcome.warnings;
          status.nextSyncAt = interval ? new Date(at.getTime() + interval).toISOString() : null;
          const items = outcome.values.map((value) => ({ value }));
          next = isDeepStrictEqual(items, current.items)
            ? { ...current, sync: status }
            : { ...current, items, sync: status, version: current.version + 1, updatedAt: iso, updatedBy: 'wiki sync' };
        }
        const { _id, ...fields } = next;
        const r = await this.#lists.updateOne({ _id: name, version: current.version }, { $set: fields });
        if (r.matched === 0) continue;
        this.#cache.delete(name);
        if (next.version !== current.version) await this.#audited(name, 'sync', 'wiki sync', current, next);
        return next;
      }
      throw new ApiError(409, `the choice list "${name}" kept changing; try again`);
    });
  }

  // -------------------------------------------------------------------------

  /** Writers of one list in this process take turns (the version check settles races with other processes). */
  #serial<R>(run: () => Promise<R>): Promise<R> {
    const result = this.#queue.then(run);
    this.#queue = result.catch(() => {});
    return result;
  }

  async #write(
    name: string,
    by: string,
    change: (current: ChoiceListDoc | null, now: Date) => Pick<ChoiceListDoc, 'description' | 'items' | 'source' | 'sync'>,
  ): Promise<{ list: ChoiceListDoc; created: boolean }> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.random() * 10 * attempt));
      const current = await this.get(name);
      const now = this.#now();
      const iso = now.toISOString();
      const fields = change(current, now);
      if (current && isDeepStrictEqual({ description: current.description, items: current.items, source: current.source, sync: current.sync }, fields)) {
        return { list: current, created: false };
      }
      const next: ChoiceListDoc = {
        _id: name,
        name,
        ...fields,
        version: (current?.version ?? 0) + 1,
        createdAt: current?.createdAt ?? iso,
        createdBy: current?.createdBy ?? by,
        updatedAt: iso,
        updatedBy: by,
      };
      if (!current) {
        try {
          await this.#lists.insertOne(next);
        } catch (err) {
          if (err instanceof DuplicateKeyError) continue;
          throw err;
        }
      } else {
        const { _id, ...rest } = next;
        const r = await this.#lists.updateOne({ _id: name, version: current.version }, { $set: rest });
        if (r.matched === 0) continue;
      }
      this.#cache.delete(name);
      await this.#audited(name, current ? 'update' : 'create', by, current, next);
      return { list: next, created: !current };
    }
    throw new ApiError(409, `the choice list "${name}" kept changing under this change; try again`);
  }

  async #audited(name: string, action: string, by: string, before: ChoiceListDoc | null, after: ChoiceListDoc | null): Promise<void> {
    this.#cache.delete(name);
    const change = auditChange(before, after);
    if (!change && action !== 'create' && action !== 'delete') return;
    await this.#audit.insertOne({ _id: uuidv7(), at: this.#now().toISOString(), by, target: `choices:${name}`, action, old: change?.old ?? null, new: change?.new ?? null });
  }
}
