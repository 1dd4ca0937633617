// Search latency over many shot-sheet entries, and the entry insert rate
// (issue 3). Part of `npm run bench`; alone: `npm run bench -- search
// [--entries 1000000] [--keep] [--store embedded]`.
//
// 1. A sheet with a realistic layout (numbers, selects, text) is created
//    through the API of a real Shotline (role api on MongoDB, role all on the
//    embedded store).
// 2. Insert rate through HTTP: POST /api/v1/sheets/{sheet}/entries with some
//    concurrency (validation, revision, everything a client's write costs),
//    into a second sheet so the searched one holds exactly the entries asked
//    for.
// 3. Bulk load: `--entries` entries (default 1,000,000) spread over six months,
//    built as the entries code stores them and written with the store's own
//    insertMany (src/store), in batches; no revision documents (search does
//    not read them). The load stops after `loadSeconds`, and after the first
//    10,000 it measures how fast the server reads entries when it scans: a
//    server that scans for every query (the test MongoDB-wire server) gets no
//    more entries than it can search in the time (unless `full`). The table
//    says so whenever fewer entries than asked were searched.
// 4. Searches: three layout-field conditions plus a time range, in the search
//    language, compiled by compileSearch and run by SearchService.search (what
//    POST /api/v1/search runs), within a time budget; then on the first few
//    queries what each part costs (the page alone, the total alone, the next
//    page by cursor), a sample through HTTP, and the server's `explain` of
//    one query.
//
// The database (`shotline_bench_search`) or the embedded data dir is removed
// at the end; `--keep` keeps it, and a later run with the same `--entries`
// reuses it (and goes on loading where the last load stopped).
import { mkdir, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient, type Document } from 'mongodb';
import { v7 as uuidv7 } from 'uuid';
import { compileSearch, type SearchQuery } from '../src/search/query.ts';
import { SearchService } from '../src/search/service.ts';
import { ShotGenerator } from '../src/simulator/laser-simulator.ts';
import { formatEpochMicros } from '../src/ingest/decoder.ts';
import { textOf, type FieldDef } from '../src/sheets/fields.ts';
import { shotKeyOf, type EntryDoc } from '../src/sheets/entries.ts';
import { createEmbeddedStore } from '../src/store/embedded.ts';
import { createMongoStore } from '../src/store/mongo.ts';
import type { Store } from '../src/store/types.ts';
import { ApiClient, auth } from '../test/support/api.ts';
import { freePort } from '../test/support/net.ts';
import { prng } from '../test/faults/harness.ts';
import { BENCH_TOKEN, dbUrl, dropDb, fmt, percentile, pipeline, type Pipeline } from './support.ts';

export interface SearchBenchOptions {
  /** MongoDB server URL, or null for the embedded store */
  mongoUrl: string | null;
  /** entries in the searched sheet */
  entries: number;
  /** searches to run at most */
  searches: number;
  /** …and for at most this long (with the parts and the HTTP sample) */
  searchSeconds: number;
  /** the bulk load stops after this long (a kept database goes on from there next time) */
  loadSeconds: number;
  /** entries written through HTTP, and how many requests at a time */
  httpInserts: number;
  httpConcurrency: number;
  /** searches sent through HTTP */
  httpSearches: number;
  /** keep the database (or data dir) for the next run */
  keep: boolean;
  /** load every entry asked for even when this server scans too slowly to search them in the time */
  full: boolean;
  /** progress lines */
  log: (line: string) => void;
}

export const SHEET = 'bench-search';
const HTTP_SHEET = 'bench-http';
const DB_NAME = 'shotline_bench_search';
const BATCH = 1000;
/** entries loaded before measuring how fast the server scans */
const CALIBRATION_ENTRIES = 10_000;
/** HTTP writes stop being sent after this long */
const HTTP_INSERT_SECONDS = 90;
/** the generator's version: a kept database made by another version is loaded again */
const DATA_VERSION = 1;

// ---------------------------------------------------------------- the sheet

const MATERIALS = ['Cu', 'Ti', 'Al', 'Au', 'CH', 'Mylar', 'Si3N4', 'diamond-like carbon', 'Ta', 'W'];
const TARGET_TYPES = ['foil', 'wire', 'gas jet', 'cryo jet'];
const POLARISATIONS = ['p', 's', 'circular'];
const QUALITIES = ['good', 'usable', 'bad'];
const PEOPLE = ['a.schmidt', 'b.nguyen', 'c.rossi', 'd.kowalski', 'e.tanaka', 'f.moreau', 'g.oduya', 'h.larsen'];
const REMARKS = [
  'pointing drift',
  'fresh plasma mirror',
  'debris on the wedge',
  'good proton signal',
  'no signal on the TP',
  'prepulse visible on the diode',
  'focus checked',
  'target misaligned',
  'gas valve timing changed',
  'image plate swapped',
  'RCF stack',
  'vacuum burst before shot',
];

export const LAYOUT: { sections: { title: string; fields: FieldDef[] }[] } = {
  sections: [
    {
      title: 'Target',
      fields: [
        { key: 'target_type', label: 'Target type', type: 'select', options: TARGET_TYPES, required: true },
        { key: 'target_material', label: 'Target material', type: 'select', options: MATERIALS, required: true },
        { key: 'target_thickness', label: 'Target thickness', type: 'number', unit: 'µm', min: 0, max: 5000 },
        { key: 'target_z', label: 'Target position z', type: 'number', unit: 'µm', min: -500, max: 500 },
      ],
    },
    {
      title: 'Laser',
      fields: [
        { key: 'energy_on_target', label: 'Energy on target', type: 'number', unit: 'J', min: 0, max: 10 },
        { key: 'pulse_duration', label: 'Pulse duration', type: 'number', unit: 'fs', min: 0, max: 10000 },
        { key: 'polarisation', label: 'Polarisation', type: 'select', options: POLARISATIONS },
        { key: 'plasma_mirror', label: 'Plasma mirror', type: 'boolean', default: false },
      ],
    },
    {
      title: 'Shot',
      fields: [
        { key: 'operator', label: 'Operator', type: 'select', options: PEOPLE },
        { key: 'quality', label: 'Quality', type: 'select', options: QUALITIES },
        { key: 'attempt', label: 'Attempt', type: 'integer', min: 1, max: 50 },
        { key: 'comment', label: 'Comment', type: 'text', multiline: true, maxLength: 2000 },
      ],
    },
  ],
};
const LAYOUT_FIELDS = LAYOUT.sections.flatMap((s) => s.fields);

// ---------------------------------------------------------------- the entries

/** Entries lie over six months, 08:00–20:00 UTC each day. */
export const T0 = Date.UTC(2026, 4, 1);
const DAYS = 183;
const DAY_MS = 86_400_000;
/** every MANUAL_EVERY-th entry in time is made by hand: no shot, no receivedAt, found by createdAt */
const MANUAL_EVERY = 50;

/** The time (epoch ms) of the entry at `slot` (0 = the earliest) of n: its receivedAt, or createdAt when made by hand. */
export function slotTime(slot: number, n: number): number {
  const perDay = n / DAYS;
  const day = Math.floor(slot / perDay);
  const within = (slot - day * perDay) / perDay; // [0, 1)
  return T0 + day * DAY_MS + 8 * 3_600_000 + Math.floor(within * 12 * 3_600_000);
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/**
 * Entries are inserted in an order that spreads over time (a golden-ratio
 * stride through the time slots), so the first m of n lie evenly over the six
 * months: a load stopped early, or continued by a later run, is still "m
 * entries over six months".
 */
export function slotOrder(n: number): (i: number) => number {
  let stride = Math.max(1, Math.round(n * 0.6180339887498949));
  while (gcd(stride, n) !== 1) stride++;
  return (i) => (i * stride) % n;
}

/** The times of the first m entries of n, sorted: what a time range finds among them. */
export function loadedTimes(m: number, n: number): Float64Array {
  const slot = slotOrder(n);
  const times = new Float64Array(m);
  for (let i = 0; i < m; i++) times[i] = slotTime(slot(i), n);
  return times.sort();
}

/** Entries with a time in [from, to): what an index on (sheet, time) has to examine for the range. */
export function entriesInRange(times: Float64Array, fromMs: number, toMs: number): number {
  const firstAtOrAfter = (t: number) => {
    let lo = 0;
    let hi = times.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (times[mid]! < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  return firstAtOrAfter(toMs) - firstAtOrAfter(fromMs);
}

const pick = <T>(r: () => number, list: readonly T[]): T => list[Math.floor(r() * list.length)] as T;
const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;
const iso = (ms: number) => new Date(ms).toISOString();

/** Values of the layout's fields, as operators fill them in. */
function fieldValues(r: () => number, energyJ: number, pulseFs: number): Record<string, unknown> {
  const fields: Record<string, unknown> = {
    target_type: r() < 0.7 ? 'foil' : pick(r, TARGET_TYPES),
    target_material: pick(r, MATERIALS),
    target_thickness: round(pick(r, [0.1, 0.5, 1, 2, 5, 10, 25, 50, 100]) * (0.9 + 0.2 * r()), 2),
    target_z: round((r() - 0.5) * 200, 1),
    energy_on_target: round(energyJ * (0.55 + 0.1 * r()), 3),
    pulse_duration: round(pulseFs, 1),
    polarisation: r() < 0.85 ? 'p' : pick(r, POLARISATIONS),
    plasma_mirror: r() < 0.3,
    operator: pick(r, PEOPLE),
    quality: r() < 0.6 ? 'good' : pick(r, QUALITIES),
    attempt: 1 + Math.floor(r() * r() * 10),
  };
  if (r() < 0.6) {
    const words = [pick(r, REMARKS)];
    if (r() < 0.4) words.push(pick(r, REMARKS));
    fields.comment = `${words.join('; ')}${r() < 0.3 ? ` (run ${1 + Math.floor(r() * 40)})` : ''}`;
  }
  return fields;
}

/**
 * Entries [from, to) of the n of the searched sheet, in batches, as the
 * entries code stores them (src/sheets/entries.ts): the same n and index
 * always give the same entry.
 */
export function* entryBatches(n: number, from: number, to: number, batch = BATCH): Generator<EntryDoc[]> {
  const slot = slotOrder(n);
  const shots = new ShotGenerator({ seed: 42, now: () => 0 });
  for (let i = 0; i < from; i++) shots.next();
  const random = new Uint8Array(16);
  let docs: EntryDoc[] = [];
  for (let i = from; i < to; i++) {
    const r = prng(0x9e3779b1 ^ i);
    const s = slot(i);
    const ms = slotTime(s, n);
    const manual = s % MANUAL_EVERY === MANUAL_EVERY - 1;
    const shot = shots.next();
    for (let b = 0; b < 16; b++) random[b] = Math.floor(r() * 256);
    const fields = fieldValues(r, shot.energy_J, shot.pulse_duration_fs);
    const person = fields.operator as string;
    const createdMs = manual ? ms : ms + 30_000 + Math.floor(r() * 600_000);
    const updatedMs = createdMs + (r() < 0.3 ? Math.floor(r() * 3 * DAY_MS) : 0);
    const id = uuidv7({ msecs: createdMs, random });
    // shot numbers follow time; entries made by hand have none
    const number = manual ? null : s + 1 - Math.floor((s + 1) / MANUAL_EVERY);
    const month = new Date(ms).getUTCMonth() + 1;
    docs.push({
      _id: id,
      sheet: SHEET,
      shotNumber: number,
      shotUid: manual ? null : uuidv7({ msecs: ms, random: random.map((x) => x ^ 0x5a) }),
      campaign: `2026-${String(month).padStart(2, '0')}-run`,
      receivedAt: manual ? null : formatEpochMicros(ms * 1000 + Math.floor(r() * 1000)),
      fields,
      diagnostics: {},
      daq: r() < 0.5 ? { spectrometer: { file: `spec_${String(s).padStart(7, '0')}.h5`, exposure_ms: pick(r, [5, 10, 20]) } } : {},
      channels: manual
        ? {}
        : { energy_J: shot.energy_J, pulse_duration_fs: shot.pulse_duration_fs, pointing_x_urad: shot.pointing_x_urad, pointing_y_urad: shot.pointing_y_urad, chamber_pressure_mbar: shot.chamber_pressure_mbar },
      status: r() < 0.9 ? 'complete' : 'draft',
      layoutVersion: 1,
      revision: updatedMs > createdMs ? 2 : 1,
      deleted: r() < 0.003,
      createdAt: iso(createdMs),
      createdBy: manual ? person : 'watcher',
      updatedAt: iso(updatedMs),
      updatedBy: updatedMs > createdMs || manual ? person : 'watcher',
      text: textOf(LAYOUT_FIELDS, fields).join('\n'),
      shotKey: shotKeyOf(id, number),
    });
    if (docs.length === batch) {
      yield docs;
      docs = [];
    }
  }
  if (docs.length > 0) yield docs;
}

// ---------------------------------------------------------------- the searches

/** Searches as a lab member writes them: three layout-field conditions and a time range (a day, a week or a month). */
export function makeQueries(count: number): { query: SearchQuery; fromMs: number; toMs: number }[] {
  const r = prng(7);
  const conditions: (() => NonNullable<SearchQuery['where']>[number])[] = [
    () => (r() < 0.5 ? { field: 'fields.target_material', op: '=', value: pick(r, MATERIALS) } : { field: 'fields.target_material', op: 'in', value: [pick(r, MATERIALS), pick(r, MATERIALS)] }),
    () => ({ field: 'fields.target_thickness', op: r() < 0.5 ? '>=' : '<', value: pick(r, [1, 5, 10, 25]) }),
    () => ({ field: 'fields.energy_on_target', op: '>', value: pick(r, [1.5, 1.8, 2]) }),
    () => (r() < 0.5 ? { field: 'fields.quality', op: '=', value: 'good' } : { field: 'fields.quality', op: 'in', value: ['good', 'usable'] }),
    () => ({ field: 'fields.target_type', op: '=', value: pick(r, TARGET_TYPES) }),
    () => ({ field: 'fields.pulse_duration', op: '<', value: pick(r, [30, 32, 35]) }),
  ];
  const spans = [
    [0.4, DAY_MS],
    [0.4, 7 * DAY_MS],
    [0.2, 30 * DAY_MS],
  ] as const;
  const end = T0 + DAYS * DAY_MS;
  return Array.from({ length: count }, () => {
    let x = r();
    let span: number = spans[0][1];
    for (const [p, s] of spans) {
      if (x < p) {
        span = s;
        break;
      }
      x -= p;
    }
    const fromMs = T0 + Math.floor((r() * (end - T0 - span)) / 3_600_000) * 3_600_000;
    const toMs = fromMs + span;
    const chosen = new Set<number>();
    while (chosen.size < 3) chosen.add(Math.floor(r() * conditions.length));
    const query: SearchQuery = { sheet: SHEET, from: iso(fromMs), to: iso(toMs), where: [...chosen].map((k) => conditions[k]!()), limit: 50 };
    return { query, fromMs, toMs };
  });
}

// ---------------------------------------------------------------- helpers

async function ensureSheet(client: ApiClient, name: string): Promise<void> {
  const res = await client.post('/api/v1/sheets', { name, title: `Benchmark ${name}`, layout: LAYOUT });
  if (res.status !== 201 && res.status !== 200 && res.status !== 409) throw new Error(`creating sheet ${name}: ${res.status} ${JSON.stringify(res.body)}`);
}

const ms = (t0: number) => performance.now() - t0;

/** `url` with `?key=value` added unless it sets `key` already. */
function withDefault(url: string, key: string, value: string): string {
  if (new RegExp(`[?&]${key}=`, 'i').test(url)) return url;
  return `${url}${url.includes('?') ? '&' : '?'}${key}=${value}`;
}

function stats(samples: readonly number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { n: sorted.length, p50ms: percentile(sorted, 50), p95ms: percentile(sorted, 95), maxMs: sorted.at(-1) ?? Number.NaN, meanMs: sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length) };
}
const show = (s: ReturnType<typeof stats>) => `p50 ${fmt(s.p50ms, 1)} ms, p95 ${fmt(s.p95ms, 1)} ms`;

/** Runs `task(i)` for i in [0, count) with `concurrency` at a time, starting none after `deadline`; returns how many ran. */
async function pool(count: number, concurrency: number, deadline: number, task: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count && performance.now() < deadline) await task(next++);
    }),
  );
  return next;
}

/** The server's own account of how it runs one search page (MongoDB: winning plan and work; FerretDB: SQL plan and pushdowns). */
async function explainOf(url: string, dbName: string, filter: Document, sort: Document, limit: number): Promise<Record<string, unknown>> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 5000 });
  try {
    const db = client.db(dbName);
    const raw = await db.command({ explain: { find: 'entries', filter, sort, limit }, verbosity: 'executionStats' }).catch(() => db.command({ explain: { find: 'entries', filter, sort, limit } }));
    const summary: Record<string, unknown> = {};
    const planner = raw.queryPlanner as Document | undefined;
    if (planner?.winningPlan) {
      // MongoDB: the stages of the winning plan, with the indexes they use.
      const stages: string[] = [];
      const walk = (node: Document | undefined) => {
        if (!node) return;
        stages.push(node.indexName ? `${node.stage}(${node.indexName})` : String(node.stage));
        walk(node.inputStage as Document | undefined);
        for (const s of (node.inputStages as Document[] | undefined) ?? []) walk(s);
      };
      walk((planner.winningPlan as Document).queryPlan ?? planner.winningPlan);
      summary.stages = stages;
      const ex = raw.executionStats as Document | undefined;
      if (ex) Object.assign(summary, { nReturned: ex.nReturned, totalKeysExamined: ex.totalKeysExamined, totalDocsExamined: ex.totalDocsExamined, executionTimeMillis: ex.executionTimeMillis });
    } else {
      // FerretDB: whether filter, sort and limit reached the backend, and the SQL plan.
      Object.assign(summary, { filterPushdown: raw.filterPushdown, sortPushdown: raw.sortPushdown, limitPushdown: raw.limitPushdown, plan: (planner?.Plan as unknown[]) ?? planner });
    }
    return summary;
  } finally {
    await client.close();
  }
}

/** The HTTP sheet's entries are written anew by each run (a kept database keeps only the searched sheet's). */
async function clearHttpSheet(store: Store): Promise<void> {
  await store.collection('entries').deleteMany({ sheet: HTTP_SHEET });
  await store.collection('entry_revisions').deleteMany({ sheet: HTTP_SHEET });
}

// ---------------------------------------------------------------- the benchmark

interface Meta {
  _id: 'search';
  /** entries asked for (the n of the generator) */
  asked: number;
  /** entries stored so far: the first `loaded` of the generator */
  loaded: number;
  version: number;
}

export async function benchSearch(o: SearchBenchOptions): Promise<{ rows: string[][]; result: Record<string, unknown> }> {
  const embedded = o.mongoUrl === null;
  const backend = embedded ? 'embedded store' : 'MongoDB-wire server';
  // A server that answers one command at a time (the test MongoDB-wire server) holds the
  // driver's heartbeat behind a long scan; the default 10 s would declare it down.
  const url = o.mongoUrl ? withDefault(dbUrl(o.mongoUrl, DB_NAME), 'connectTimeoutMS', '900000') : null;
  const dataDir = join(tmpdir(), 'shotline-bench-search');
  const storeDir = join(dataDir, 'store');
  const result: Record<string, unknown> = { backend, asked: o.entries, batch: BATCH, load: { start: loadavg()[0] } };
  const rows: string[][] = [];

  // The embedded store belongs to one process at a time (a lock file): Shotline and
  // the bench's own store take turns. On MongoDB both stay open side by side.
  let shotline: Pipeline | null = null;
  const startShotline = async () => {
    const t0 = performance.now();
    shotline = embedded
      ? await pipeline('all', undefined, { SHOTLINE_DATA_DIR: dataDir, SHOTLINE_ZMQ_ENDPOINTS: 'tcp://127.0.0.1:9', SHOTLINE_ZMQ_PUBLISH: `tcp://127.0.0.1:${await freePort()}` }, () => {})
      : await pipeline('api', undefined, { MONGO_URL: url! }, () => {});
    return { client: new ApiClient(shotline.running.url, auth(BENCH_TOKEN)), startMs: ms(t0) };
  };
  const stopShotline = async () => {
    await shotline?.stop();
    shotline = null;
  };
  const openStore = (): Promise<Store> | Store => (embedded ? createEmbeddedStore(storeDir) : createMongoStore(url!));

  // A kept database of the same size and generator is reused (and loaded on where it stopped).
  let loaded = 0;
  if (o.keep) {
    const store = await openStore();
    const meta = await store.collection<Meta>('bench_meta').findOne({ _id: 'search' });
    if (meta?.asked === o.entries && meta.version === DATA_VERSION) {
      loaded = meta.loaded;
      await clearHttpSheet(store);
    }
    await store.close();
  }
  if (loaded === 0) {
    if (url) await dropDb(url);
    await rm(dataDir, { recursive: true, force: true });
    await mkdir(dataDir, { recursive: true });
  }

  try {
    // ---- the sheets, and entries through HTTP
    let { client } = await startShotline();
    await ensureSheet(client, SHEET);
    await ensureSheet(client, HTTP_SHEET);
    {
      const r = prng(99);
      const gen = new ShotGenerator({ seed: 99, now: () => 0 });
      const latencies: number[] = [];
      let refused = 0;
      o.log(`search: ${fmt(o.httpInserts)} entries through HTTP, ${o.httpConcurrency} at a time…`);
      const t0 = performance.now();
      const sent = await pool(o.httpInserts, o.httpConcurrency, t0 + HTTP_INSERT_SECONDS * 1000, async (i) => {
        const shot = gen.next();
        const body = { shotNumber: i + 1, status: 'complete', fields: fieldValues(r, shot.energy_J, shot.pulse_duration_fs), daq: { spectrometer: { exposure_ms: 10 } } };
        const t = performance.now();
        const res = await client.post(`/api/v1/sheets/${HTTP_SHEET}/entries`, body);
        latencies.push(ms(t));
        if (res.status !== 201) refused++;
      });
      const rate = (sent * 1000) / ms(t0);
      const s = stats(latencies);
      if (refused > 0) throw new Error(`${refused} HTTP entry writes were refused`);
      result.httpInsert = { entries: sent, concurrency: o.httpConcurrency, perSecond: rate, ...s };
      rows.push([`entry insert, HTTP POST (${backend})`, `${fmt(rate)} entries/s`, `${fmt(sent)} entries${sent < o.httpInserts ? ` (of ${fmt(o.httpInserts)}: ${HTTP_INSERT_SECONDS} s)` : ''}, ${o.httpConcurrency} concurrent; ${show(s)} per request`]);
    }
    if (embedded) await stopShotline();

    // ---- bulk load through the store
    const store = await openStore();
    const entries = store.collection<EntryDoc>('entries');
    const meta = store.collection<Meta>('bench_meta');
    const search = new SearchService(store);
    try {
      let insertMs = 0;
      let inserted = 0;
      let wallMs = 0;
      const loadDeadline = performance.now() + o.loadSeconds * 1000;
      const load = async (to: number) => {
        if (loaded >= to) return;
        o.log(`search: loading entries ${fmt(loaded)}–${fmt(to)} of ${fmt(o.entries)} through the store's insertMany (batches of ${fmt(BATCH)})…`);
        const t0 = performance.now();
        let lastLog = t0;
        let batches = 0;
        for (const batch of entryBatches(o.entries, loaded, to)) {
          if (performance.now() > loadDeadline) break;
          const t = performance.now();
          const res = await entries.insertMany(batch);
          insertMs += ms(t);
          // a run that stopped after a batch but before noting it finds that batch stored
          if (res.inserted + res.duplicates !== batch.length) throw new Error(`insertMany stored ${res.inserted} of ${batch.length}`);
          inserted += res.inserted;
          loaded += batch.length;
          if (++batches % 20 === 0 || loaded === to || performance.now() > loadDeadline) await meta.updateOne({ _id: 'search' }, { $set: { asked: o.entries, loaded, version: DATA_VERSION } }, { upsert: true });
          if (performance.now() - lastLog > 15_000) {
            lastLog = performance.now();
            o.log(`search:   ${fmt(loaded)} entries, ${fmt((inserted * 1000) / (wallMs + ms(t0)))}/s`);
          }
        }
        wallMs += ms(t0);
      };

      // How fast this server reads entries when it has to look at every one (a
      // search's total, with no index on the sheet's fields): with a server that
      // scans for every query, a search over all the entries asked for could
      // take far longer than the benchmark's time.
      await load(Math.min(o.entries, CALIBRATION_ENTRIES));
      let t = performance.now();
      await search.count(compileSearch({ sheet: SHEET }));
      const scanPerSecond = (loaded * 1000) / ms(t);
      const target = o.full ? o.entries : Math.min(o.entries, Math.max(loaded, Math.floor((scanPerSecond * o.searchSeconds) / 20 / BATCH) * BATCH));
      result.scan = { entries: loaded, perSecond: scanPerSecond, secondsFor: { asked: o.entries / scanPerSecond } };
      await load(target);
      result.entries = loaded;
      if (inserted > 0) {
        result.bulkInsert = { entries: inserted, seconds: wallMs / 1000, perSecond: (inserted * 1000) / wallMs, insideInsertManyPerSecond: (inserted * 1000) / insertMs };
        rows.push([`entry insert, bulk (${backend})`, `${fmt((inserted * 1000) / wallMs)} entries/s`, `${fmt(inserted)} entries in ${fmt(wallMs / 1000, 1)} s, the store's insertMany of ${fmt(BATCH)}`]);
      } else result.bulkInsert = { reused: loaded };
      if (loaded < o.entries) {
        const why =
          loaded < target
            ? `the load stopped after ${o.loadSeconds} s (--load-seconds; with --keep the next run goes on)`
            : `this server reads ${fmt(scanPerSecond)} entries/s when it scans: one total over ${fmt(o.entries)} would take ~${fmt(o.entries / scanPerSecond)} s (--full loads them all)`;
        rows.push([`  entries searched`, `${fmt(loaded)} of ${fmt(o.entries)}`, why]);
      }

      // ---- searches, within the time budget: half for these, a quarter for the parts, a quarter for HTTP
      const times = loadedTimes(loaded, o.entries);
      const queries = makeQueries(o.searches);
      const started = performance.now();
      const budget = o.searchSeconds * 1000;
      const until = (share: number) => started + share * budget;
      (result.load as Record<string, number>).searches = loadavg()[0]!;
      const runs: { ms: number; total: number; items: number; inRange: number; cursor: string | null }[] = [];
      o.log(`search: up to ${fmt(o.searches)} searches over ${fmt(loaded)} entries…`);
      for (const q of queries) {
        if (runs.length > 0 && performance.now() > until(0.5)) break;
        t = performance.now();
        const page = await search.search(compileSearch(q.query));
        runs.push({ ms: ms(t), total: page.total, items: page.items.length, inRange: entriesInRange(times, q.fromMs, q.toMs), cursor: page.nextCursor });
      }
      const s = stats(runs.map((x) => x.ms));
      const totals = runs.map((x) => x.total).sort((a, b) => a - b);
      const inRange = runs.map((x) => x.inRange).sort((a, b) => a - b);
      result.search = {
        ...s,
        totals: { min: totals[0], p50: percentile(totals, 50), max: totals.at(-1) },
        entriesInTimeRange: { min: inRange[0], p50: percentile(inRange, 50), max: inRange.at(-1) },
        runs: runs.map(({ cursor: _c, ...x }) => x),
        queries: queries.slice(0, runs.length).map((q) => q.query),
      };
      rows.push([
        `search, 3 fields + time range (${backend})`,
        `${show(s)}, max ${fmt(s.maxMs, 1)} ms`,
        `${fmt(runs.length)} searches over ${fmt(loaded)} entries, page of 50 + total; totals ${fmt(totals[0] ?? 0)}–${fmt(totals.at(-1) ?? 0)} (median ${fmt(percentile(totals, 50))}), ${fmt(inRange[0] ?? 0)}–${fmt(inRange.at(-1) ?? 0)} entries in the time ranges`,
      ]);

      // What an index on (sheet, time) reads for these searches over all the entries asked for:
      // the entries of the sheet in each time range (MongoDB's docsExamined with that index).
      {
        const all = loadedTimes(o.entries, o.entries);
        const reads = queries.map((q) => entriesInRange(all, q.fromMs, q.toMs)).sort((a, b) => a - b);
        result.timeIndexReads = { of: o.entries, searches: reads.length, p50: percentile(reads, 50), p95: percentile(reads, 95), max: reads.at(-1) };
        rows.push([
          `  entries in the time ranges`,
          `p50 ${fmt(percentile(reads, 50))}, p95 ${fmt(percentile(reads, 95))}`,
          `of ${fmt(o.entries)}, over all ${reads.length} searches (a day, a week or a month): what the (sheet, receivedAt, createdAt) index makes a search read`,
        ]);
      }

      // ---- what each part costs, on the first searches
      const pageOnly: number[] = [];
      const countOnly: number[] = [];
      const nextPage: number[] = [];
      for (let i = 0; i < Math.min(runs.length, 20); i++) {
        if (i > 0 && performance.now() > until(0.75)) break;
        const compiled = compileSearch(queries[i]!.query);
        t = performance.now();
        for await (const _ of search.scan({ ...compiled, limit: 50 }, 50)) break;
        pageOnly.push(ms(t));
        t = performance.now();
        await search.count(compiled);
        countOnly.push(ms(t));
        const cursor = runs[i]!.cursor;
        if (cursor) {
          t = performance.now();
          await search.search(compileSearch({ ...queries[i]!.query, cursor }));
          nextPage.push(ms(t));
        }
      }
      result.parts = { pageOnly: stats(pageOnly), countOnly: stats(countOnly), nextPageByCursor: stats(nextPage) };
      rows.push([`  the page alone (no total)`, show(stats(pageOnly)), `the first ${pageOnly.length} searches: find, sort, limit 50`]);
      rows.push([`  the total alone`, show(stats(countOnly)), 'count of every match']);
      if (nextPage.length > 0) rows.push([`  next page by cursor`, show(stats(nextPage)), `${nextPage.length} second pages (page + total)`]);

      // ---- the server's plan of one search
      if (url) {
        const compiled = compileSearch(queries[0]!.query);
        const e = await explainOf(url, DB_NAME, compiled.filter, compiled.sortSpec, compiled.limit + 1);
        result.explain = e;
        rows.push([
          `  explain (first search)`,
          e.stages ? (e.stages as string[]).join(' ← ') : `filterPushdown ${e.filterPushdown}, sortPushdown ${e.sortPushdown}`,
          e.stages ? `keys examined ${e.totalKeysExamined}, docs examined ${e.totalDocsExamined}, returned ${e.nReturned}` : `SQLite plan: ${JSON.stringify(e.plan)}`,
        ]);
      }
    } finally {
      await store.close();
    }

    // ---- a sample through HTTP (the embedded store: Shotline loads it again first)
    if (o.httpSearches === 0) rows.push([`search through HTTP POST /api/v1/search`, 'not run', embedded ? 'Shotline would read every entry again at its start (--http-searches N)' : '--http-searches 0']);
    else {
      if (embedded) {
        o.log(`search: starting Shotline on the ${fmt(loaded)} entries…`);
        const restarted = await startShotline();
        client = restarted.client;
        // The embedded store reads a collection's file on its first use: the first read after a start waits for it.
        const t0 = performance.now();
        const first = await client.get(`/api/v1/sheets/${SHEET}/entries?limit=1`);
        if (first.status !== 200) throw new Error(`GET entries: ${first.status} ${JSON.stringify(first.body)}`);
        result.embeddedStart = { startMs: restarted.startMs, firstReadMs: ms(t0) };
        rows.push([`  Shotline start on the embedded store`, `${fmt(restarted.startMs / 1000, 1)} s + ${fmt(ms(t0) / 1000, 1)} s`, `start, then the first read of entries (loads ${fmt(loaded)} into memory)`]);
      }
      const deadline = performance.now() + (o.searchSeconds * 1000) / 4;
      const searched = (result.search as { runs: { total: number }[] }).runs;
      const queries = makeQueries(Math.min(o.httpSearches, searched.length));
      const latencies: number[] = [];
      let mismatches = 0;
      for (const [i, q] of queries.entries()) {
        if (i > 0 && performance.now() > deadline) break;
        const t = performance.now();
        const res = await client.post('/api/v1/search', q.query);
        latencies.push(ms(t));
        if (res.status !== 200) throw new Error(`POST /api/v1/search: ${res.status} ${JSON.stringify(res.body)}`);
        if (res.body.total !== searched[i]!.total) mismatches++;
      }
      if (mismatches > 0) throw new Error(`${mismatches} searches through HTTP found another total than the same search in process`);
      const s = stats(latencies);
      result.httpSearch = s;
      rows.push([`search through HTTP POST /api/v1/search`, `${show(s)}, max ${fmt(s.maxMs, 1)} ms`, `${s.n} of the same searches, same totals`]);
    }
    (result.load as Record<string, number>).end = loadavg()[0]!;
    rows.push([`  machine load (1-min average)`, `${fmt((result.load as Record<string, number>).searches ?? Number.NaN, 1)} during the searches`, `${availableParallelism()} CPUs, shared`]);
  } finally {
    await stopShotline();
    if (!o.keep) {
      if (url) await dropDb(url);
      await rm(dataDir, { recursive: true, force: true });
    } else {
      const store = await openStore();
      await clearHttpSheet(store);
      await store.close();
    }
  }
  return { rows, result };
}
