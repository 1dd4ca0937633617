// What the entry flow reads from the relay: a sheet's layout versions,
// diagnostics and presets, its drafts and entries.
import { useCallback, useEffect, useState } from 'react';

import type { ShotlineApi } from '../../api/client';
import { useShotlineApi } from '../../api/context';
import type { Diagnostic, Entry, Layout, Preset, Revision } from '../../api/sheetTypes';

export const sheetPath = (sheet: string, rest = '') => `sheets/${encodeURIComponent(sheet)}${rest}`;
export const entryPath = (sheet: string, id: string, rest = '') =>
  sheetPath(sheet, `/entries/${encodeURIComponent(id)}${rest}`);

export interface Loadable<T> {
  data?: T;
  error?: string;
  loading: boolean;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** A request run when its key changes; `reload` runs it again (the data stays while it does). */
export function useLoad<T>(
  key: string | undefined,
  load: (api: ShotlineApi) => Promise<T>
): Loadable<T> & { reload: () => void } {
  const api = useShotlineApi();
  const [round, setRound] = useState(0);
  const [result, setResult] = useState<{ key?: string; round: number; data?: T; error?: string }>({ round: -1 });
  useEffect(() => {
    if (key === undefined) {
      return;
    }
    let live = true;
    load(api).then(
      (data) => live && setResult({ key, round, data }),
      (err) => live && setResult({ key, round, error: message(err) })
    );
    return () => {
      live = false;
    };
    // The key names what `load` reads: a new function for the same key is the same request.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, key, round]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  const same = key !== undefined && result.key === key;
  const fresh = same && result.round === round;
  return {
    data: same ? result.data : undefined,
    error: fresh ? result.error : undefined,
    loading: key !== undefined && !fresh,
    reload,
  };
}

export interface SheetModel {
  sheet: string;
  layout: Layout;
  diagnostics: Diagnostic[];
  presets: Preset[];
}

export async function loadSheetModel(api: ShotlineApi, sheet: string): Promise<SheetModel> {
  const [layout, diagnostics, presets] = await Promise.all([
    api.request<Layout>('GET', sheetPath(sheet, '/layout')),
    api.request<{ items: Diagnostic[] }>('GET', sheetPath(sheet, '/diagnostics')),
    api.request<{ items: Preset[] }>('GET', sheetPath(sheet, '/presets')),
  ]);
  return { sheet, layout: layout.body, diagnostics: diagnostics.body.items, presets: presets.body.items };
}

/** The layout an entry was written with (entries keep their version when the layout changes). */
export async function loadLayoutVersion(api: ShotlineApi, model: SheetModel, version: number): Promise<Layout> {
  if (model.layout.version === undefined || model.layout.version === version) {
    return model.layout;
  }
  return (await api.request<Layout>('GET', sheetPath(model.sheet, `/layout/versions/${version}`))).body;
}

/** The drafts the watcher made for stored shots, newest shot first. */
export async function loadDrafts(api: ShotlineApi, sheet: string): Promise<Entry[]> {
  const reply = await api.request<{ items: Entry[] }>('GET', sheetPath(sheet, '/entries'), {
    query: { status: 'draft', order: 'shotNumber', limit: 50 },
  });
  return reply.body.items;
}

/** The entry of a shot in the sheet (draft or complete), if it has one. */
export async function loadEntryOfShot(api: ShotlineApi, sheet: string, shotNumber: number): Promise<Entry | null> {
  const reply = await api.request<{ items: Entry[] }>('GET', sheetPath(sheet, '/entries'), {
    query: { shotNumber, limit: 1 },
  });
  return reply.body.items[0] ?? null;
}

export async function loadEntry(api: ShotlineApi, sheet: string, id: string): Promise<Entry> {
  return (await api.request<Entry>('GET', entryPath(sheet, id))).body;
}

export async function loadRevisions(api: ShotlineApi, sheet: string, id: string): Promise<Revision[]> {
  return (await api.request<{ items: Revision[] }>('GET', entryPath(sheet, id, '/revisions'))).body.items;
}
