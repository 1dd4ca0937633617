// Exports of a search: every matching entry (up to a bound), streamed as CSV
// or as a JSON array, page by page so memory stays flat.
//
// CSV columns: the entry's own fields first (BASE_COLUMNS), then its data.
// When the search names one sheet and its layout is known, the layout's
// columns come next in layout order, headed "label [unit]"; then every other
// data path found in the exported entries (fields, diagnostics, channels, daq;
// found by a first pass over the same pages), headed by its path. A search
// may instead list its `columns`.
import { valueAt, type CompiledSearch } from './query.ts';
import { csvHeader, csvRow, BOM } from './csv.ts';
import { toItem, type EntryDoc, type SearchService } from './service.ts';
import { MAX_DAQ_DEPTH } from './fields.ts';

export const BASE_COLUMNS = ['shotNumber', 'sheet', 'shotUid', 'campaign', 'receivedAt', 'status', 'createdAt', 'createdBy', 'updatedAt', 'updatedBy'] as const;
/** at most this many data columns are found by the first pass */
export const MAX_DISCOVERED_COLUMNS = 2000;

/** A sheet's columns as its layout describes them, for export headers. */
export interface LayoutColumn {
  /** entry path, e.g. `fields.target_thickness` or `diagnostics.espec.settings.gain` */
  path: string;
  label: string;
  unit?: string | null | undefined;
}

/** Where exports read layouts from (the shot-sheet service provides it). */
export interface LayoutColumnSource {
  /** the sheet's columns in layout order; null when the sheet or its layout is unknown */
  columnsFor(sheet: string): Promise<LayoutColumn[] | null>;
}

export interface ExportColumn {
  path: string;
  header: string;
}

export interface ExportPlan {
  columns: ExportColumn[];
  /** data columns beyond MAX_DISCOVERED_COLUMNS were left out */
  columnsCut: boolean;
}

const GROUP_ORDER = ['fields', 'diagnostics', 'channels', 'daq'];

function header(column: LayoutColumn): string {
  return column.unit ? `${column.label} [${column.unit}]` : column.label;
}

/** The data paths of one entry: fields.k, diagnostics.n.active, diagnostics.n.settings.k, channels.n, daq leaves. */
export function dataPaths(doc: EntryDoc, into: Set<string>, max: number): boolean {
  const add = (path: string): boolean => {
    if (into.has(path)) return true;
    if (into.size >= max) return false;
    into.add(path);
    return true;
  };
  let complete = true;
  const obj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date);
  if (obj(doc.fields)) for (const k of Object.keys(doc.fields)) complete = add(`fields.${k}`) && complete;
  if (obj(doc.diagnostics)) {
    for (const [name, d] of Object.entries(doc.diagnostics)) {
      if (!obj(d)) continue;
      if ('active' in d) complete = add(`diagnostics.${name}.active`) && complete;
      if (obj(d.settings)) for (const k of Object.keys(d.settings)) complete = add(`diagnostics.${name}.settings.${k}`) && complete;
    }
  }
  if (obj(doc.channels)) for (const k of Object.keys(doc.channels)) complete = add(`channels.${k}`) && complete;
  const walk = (v: unknown, path: string, depth: number): void => {
    if (obj(v) && depth < MAX_DAQ_DEPTH && Object.keys(v).length > 0) for (const [k, child] of Object.entries(v)) walk(child, `${path}.${k}`, depth + 1);
    else if (depth > 0) complete = add(path) && complete;
  };
  if (obj(doc.daq)) walk(doc.daq, 'daq', 0);
  return complete;
}

function comparePaths(a: string, b: string): number {
  const ga = GROUP_ORDER.indexOf(a.split('.', 1)[0] as string);
  const gb = GROUP_ORDER.indexOf(b.split('.', 1)[0] as string);
  if (ga !== gb) return ga - gb;
  return a < b ? -1 : a > b ? 1 : 0;
}

export async function planExport(service: SearchService, search: CompiledSearch, layouts: LayoutColumnSource | undefined): Promise<ExportPlan> {
  const layout = search.sheets?.length === 1 && layouts ? await layouts.columnsFor(search.sheets[0] as string) : null;
  const labels = new Map((layout ?? []).map((c) => [c.path, header(c)]));
  if (search.columns) return { columns: search.columns.map((c) => ({ path: c.path, header: labels.get(c.path) ?? c.path })), columnsCut: false };

  const found = new Set<string>();
  let complete = true;
  for await (const page of service.scan(search)) {
    for (const doc of page) complete = dataPaths(doc, found, MAX_DISCOVERED_COLUMNS) && complete;
  }
  const columns: ExportColumn[] = BASE_COLUMNS.map((path) => ({ path, header: path }));
  const taken = new Set<string>(BASE_COLUMNS);
  for (const c of layout ?? []) {
    if (taken.has(c.path)) continue;
    taken.add(c.path);
    columns.push({ path: c.path, header: header(c) });
  }
  for (const path of [...found].sort(comparePaths)) {
    if (taken.has(path)) continue;
    taken.add(path);
    columns.push({ path, header: path });
  }
  return { columns, columnsCut: !complete };
}

/** The CSV, in chunks of one page each: BOM and header row first. */
export async function* csvChunks(service: SearchService, search: CompiledSearch, columns: readonly ExportColumn[], pageSize?: number): AsyncGenerator<string> {
  yield BOM + csvHeader(columns.map((c) => c.header));
  for await (const page of service.scan(search, pageSize)) {
    let chunk = '';
    for (const doc of page) chunk += csvRow(columns.map((c) => valueAt(doc, c.path)));
    yield chunk;
  }
}

/** A JSON array of the entries (as search returns them), in chunks of one page each. */
export async function* jsonChunks(service: SearchService, search: CompiledSearch, pageSize?: number): AsyncGenerator<string> {
  let first = true;
  yield '[';
  for await (const page of service.scan(search, pageSize)) {
    let chunk = '';
    for (const doc of page) {
      chunk += (first ? '\n' : ',\n') + JSON.stringify(toItem(doc));
      first = false;
    }
    yield chunk;
  }
  yield first ? ']' : '\n]\n';
}
