// A small in-memory relay for the entry flow's tests: one sheet ("ions") with
// the fixture layout, entries with revisions, If-Match checked as the relay
// does (a stale write: 409 with the current entry).
import { ApiProblem, type RequestOptions } from '../../api/client';
import { fakeApi } from '../../test/fakeApi';
import { diagnostics, layout, materialsList, presets } from '../ShotForm/fixtures';
import type { Entry, Revision } from '../../api/sheetTypes';

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

export function entryOf(shotNumber: number, over: Partial<Entry> = {}): Entry {
  return {
    id: `0190-${shotNumber}`,
    sheet: 'ions',
    shotNumber,
    shotUid: `uid-${shotNumber}`,
    campaign: 'run3',
    receivedAt: '2026-11-25T14:00:00.000Z',
    fields: {},
    diagnostics: {},
    daq: {},
    channels: {},
    status: 'draft',
    layoutVersion: 2,
    revision: 1,
    deleted: false,
    createdAt: '2026-11-25T14:00:01.000Z',
    createdBy: 'watcher',
    updatedAt: '2026-11-25T14:00:01.000Z',
    updatedBy: 'watcher',
    ...over,
  };
}

type Patch = { status?: Entry['status']; fields?: Record<string, unknown>; diagnostics?: Record<string, any> };

export function fakeRelay(
  options: {
    role?: string;
    /** `GET me` fails with this message */
    meError?: string;
    entries?: Entry[];
    validate?: (e: Entry) => Array<{ field: string; message: string }>;
  } = {}
) {
  const entries = new Map((options.entries ?? []).map((e) => [e.id, clone(e)]));
  const revisions = new Map<string, Revision[]>();
  const etag = (e: Entry) => `"${e.revision}"`;

  const apply = (e: Entry, patch: Patch, by: string): Entry => {
    const next = clone(e);
    const changes: Revision['changes'] = [];
    for (const [k, v] of Object.entries(patch.fields ?? {})) {
      changes.push({ path: `fields.${k}`, old: e.fields[k] ?? null, new: v });
      if (v === null) {
        delete next.fields[k];
      } else {
        next.fields[k] = v;
      }
    }
    for (const [name, block] of Object.entries(patch.diagnostics ?? {})) {
      if (block === null) {
        delete next.diagnostics[name];
        continue;
      }
      const cur = next.diagnostics[name] ?? { active: true, settings: {} };
      next.diagnostics[name] = { active: block.active ?? cur.active, settings: { ...cur.settings, ...block.settings } };
    }
    if (patch.status && patch.status !== e.status) {
      changes.push({ path: 'status', old: e.status, new: patch.status });
      next.status = patch.status;
    }
    next.revision = e.revision + 1;
    next.updatedBy = by;
    revisions.set(e.id, [
      ...(revisions.get(e.id) ?? []),
      { revision: next.revision, action: 'update', at: '2026-11-25T15:00:00.000Z', by, changes },
    ]);
    return next;
  };

  const fake = fakeApi({
    'GET me': () => {
      if (options.meError) {
        throw new ApiProblem(502, { error: options.meError });
      }
      return { name: 'ada', role: options.role ?? 'editor' };
    },
    'GET sheets': () => ({
      items: [{ name: 'ions', title: 'Ion line', archived: false, default: true, campaigns: [], layoutVersion: 2 }],
    }),
    'GET sheets/ions/layout': () => ({ status: 200, body: layout, etag: '"2"' }),
    'GET sheets/ions/diagnostics': () => ({ items: diagnostics }),
    'GET sheets/ions/presets': () => ({ items: presets }),
    'GET choices/materials': () => materialsList,
    'GET sheets/ions/entries': ({ query = {} }: RequestOptions) => {
      let items = [...entries.values()];
      if (query.status) {
        items = items.filter((e) => e.status === query.status);
      }
      if (query.shotNumber !== undefined) {
        items = items.filter((e) => e.shotNumber === Number(query.shotNumber));
      }
      items.sort((a, b) => (b.shotNumber ?? 0) - (a.shotNumber ?? 0));
      return { items, nextCursor: null };
    },
    'GET sheets/ions/entries/*': (_o: RequestOptions, path: string) => {
      const [id, rest] = path.slice('sheets/ions/entries/'.length).split('/');
      const e = entries.get(id);
      if (!e) {
        throw new ApiProblem(404, { error: `no entry ${id}` });
      }
      return rest === 'revisions' ? { items: revisions.get(id) ?? [] } : { status: 200, body: e, etag: etag(e) };
    },
    'PATCH sheets/ions/entries/*': ({ ifMatch, body }: RequestOptions, path: string) => {
      const id = path.slice('sheets/ions/entries/'.length);
      const e = entries.get(id)!;
      if (ifMatch !== etag(e)) {
        throw new ApiProblem(409, { error: `entry ${id} is at revision ${e.revision}`, current: e }, etag(e));
      }
      const next = apply(e, body as Patch, 'ada');
      const details = options.validate?.(next) ?? [];
      if (details.length > 0) {
        throw new ApiProblem(400, { error: 'invalid entry', details });
      }
      entries.set(id, next);
      return { status: 200, body: next, etag: etag(next) };
    },
    'POST sheets/ions/entries': ({ body }: RequestOptions) => {
      const b = body as Patch & { shotNumber: number };
      const e = entryOf(b.shotNumber, {
        id: `new-${b.shotNumber}`,
        fields: b.fields ?? {},
        diagnostics: b.diagnostics ?? {},
        status: b.status ?? 'complete',
      });
      entries.set(e.id, e);
      return { status: 201, body: e, etag: etag(e) };
    },
  });

  /** Someone else changes an entry (a new revision) behind the form's back. */
  const changeBehind = (id: string, patch: Patch, by = 'bob') => entries.set(id, apply(entries.get(id)!, patch, by));
  return { ...fake, entries, revisions, changeBehind };
}
