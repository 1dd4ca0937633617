// POST /api/v1/search and /api/v1/search/export over real HTTP, against both
// stores, with entry documents inserted directly through the store.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { v7 as uuidv7 } from 'uuid';
import type { EntryDoc } from '../../src/search/service.ts';
import type { LayoutColumnSource } from '../../src/search/export.ts';
import { BACKENDS, startHarness, type Harness } from './harness.ts';

// ---------------------------------------------------------------------------
// Fixtures: entries as the shot-sheet service stores them.

type Partial2 = { id: string; sheet?: string; shotNumber?: number | null; campaign?: string | null; receivedAt?: string | null; createdAt?: string } & Record<string, unknown>;

function entry(p: Partial2): EntryDoc {
  const { id, ...rest } = p;
  const createdAt = p.createdAt ?? (typeof p.receivedAt === 'string' ? p.receivedAt.replace(/\.(\d{3})\d*Z$/, '.$1Z') : '2026-11-01T00:00:00.000Z');
  return {
    _id: id,
    sheet: 'ions',
    shotNumber: null,
    shotUid: p.shotNumber ? uuidv7() : null,
    campaign: '2026-11-run3',
    receivedAt: null,
    fields: {},
    diagnostics: {},
    daq: {},
    channels: {},
    status: 'complete',
    layoutVersion: 1,
    revision: 1,
    deleted: false,
    createdAt,
    createdBy: 'alice',
    updatedAt: createdAt,
    updatedBy: 'alice',
    text: '',
    shotKey: id,
    ...rest,
  };
}

const FIXTURE: EntryDoc[] = [
  entry({ id: 'e01', shotNumber: 1, receivedAt: '2026-11-01T10:00:00.000001Z', fields: { target_material: 'Cu', target_thickness: 0.5, comment: 'Pointing drift seen' }, diagnostics: { espec: { active: true, settings: { gain: 3 } } }, channels: { energy_J: 10.5 }, daq: { camera: { exposure_ms: 5 } }, text: 'cu pointing drift seen' }),
  entry({ id: 'e02', shotNumber: 2, receivedAt: '2026-11-02T10:00:00.000000Z', fields: { target_material: 'Cu', target_thickness: 2, comment: 'all nominal' }, diagnostics: { espec: { active: false, settings: { gain: 1 } } }, channels: { energy_J: 12 }, text: 'cu all nominal' }),
  entry({ id: 'e03', shotNumber: 3, receivedAt: '2026-11-03T10:00:00.000000Z', fields: { target_material: 'Ti', target_thickness: 5, comment: '=SUM(A1)' }, text: 'ti =sum(a1)' }),
  entry({ id: 'e04', shotNumber: 4, receivedAt: '2026-11-04T10:00:00.000000Z', fields: { target_material: 'Ti', target_thickness: 10 }, text: 'ti' }),
  entry({ id: 'e05', shotNumber: 5, campaign: '2026-10-run2', receivedAt: '2026-10-15T10:00:00.000000Z', fields: { target_material: 'Al', target_thickness: 1.5 }, text: 'al' }),
  entry({ id: 'e06', sheet: 'xray', shotNumber: 6, receivedAt: '2026-11-06T10:00:00.000000Z', fields: { crystal: 'HOPG', target_material: 'Cu' }, text: 'hopg cu' }),
  entry({ id: 'e07', sheet: 'xray', shotNumber: 7, campaign: null, receivedAt: '2026-11-07T10:00:00.000000Z', fields: { crystal: 'Ge', tags: ['main', 'calibration'] }, text: 'ge' }),
  entry({ id: 'e08', createdAt: '2026-11-05T12:00:00.000Z', fields: { target_material: 'Au', comment: 'manual "quoted", comma\nsecond line' }, text: 'au manual "quoted", comma second line' }),
  entry({ id: 'e09', shotNumber: 9, receivedAt: '2026-11-09T10:00:00.000000Z', deleted: true, fields: { target_material: 'Cu' }, text: 'cu' }),
  entry({ id: 'e10', sheet: 'gas', shotNumber: 10, receivedAt: '2026-11-10T10:00:00.000000Z', fields: { gas: 'He', pressure_bar: 20 }, text: 'he' }),
  entry({ id: 'e11', shotNumber: 11, receivedAt: '2026-11-11T10:00:00.000000Z', fields: { target_material: 'Cu', target_thickness: 1 }, text: 'drift pointing a.b* cu' }),
  entry({ id: 'e12', shotNumber: 12, receivedAt: '2026-11-12T23:59:59.999999Z', fields: { target_thickness: null }, text: '' }),
];

const LAYOUTS: LayoutColumnSource = {
  async columnsFor(sheet) {
    if (sheet !== 'ions') return null;
    return [
      { path: 'fields.target_material', label: 'Target material' },
      { path: 'fields.target_thickness', label: 'Target thickness', unit: 'µm' },
      { path: 'fields.comment', label: 'Comment' },
    ];
  },
};

/** An RFC 4180 parser (for checking what the export wrote). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field || row.length) throw new Error('CSV does not end with CRLF');
  return rows;
}

for (const backend of BACKENDS) {
  describe(`search API (${backend.name})`, { skip: backend.skip }, () => {
    let h: Harness;
    const calls = { search: 0, count: 0, scan: 0 };
    const ids = (body: { items: { id: string }[] }) => body.items.map((i) => i.id);
    const search = async (body: unknown, client = h?.viewer) => {
      const res = await client.post('/api/v1/search', body);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body;
    };
    /** ids matched, in id order */
    const matched = async (body: Record<string, unknown>) => ids(await search({ sort: [{ field: 'shotUid' }], limit: 1000, ...body })).sort();

    before(async () => {
      h = await startHarness(backend, 'search', { layouts: LAYOUTS, exportPageSize: 2 });
      await h.store.collection<EntryDoc>('entries').insertMany(FIXTURE);
      for (const method of ['search', 'count', 'scan'] as const) {
        const original = h.search[method].bind(h.search) as (...args: unknown[]) => unknown;
        (h.search as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
          calls[method]++;
          return original(...args);
        };
      }
    });
    after(() => h?.close());

    it('every operator', async () => {
      const w = (field: string, op: string, value?: unknown) => ({ sheet: 'ions', where: [value === undefined ? { field, op } : { field, op, value }] });
      assert.deepEqual(await matched(w('fields.target_material', '=', 'Cu')), ['e01', 'e02', 'e11']);
      assert.deepEqual(await matched(w('fields.target_material', '!=', 'Cu')), ['e03', 'e04', 'e05', 'e08', 'e12']);
      assert.deepEqual(await matched(w('fields.target_thickness', '=', null)), ['e08', 'e12']);
      assert.deepEqual(await matched(w('fields.target_thickness', '<', 2)), ['e01', 'e05', 'e11']);
      assert.deepEqual(await matched(w('fields.target_thickness', '<=', 2)), ['e01', 'e02', 'e05', 'e11']);
      assert.deepEqual(await matched(w('fields.target_thickness', '>', 2)), ['e03', 'e04']);
      assert.deepEqual(await matched(w('fields.target_thickness', '>=', 5)), ['e03', 'e04']);
      assert.deepEqual(await matched(w('fields.target_material', 'in', ['Cu', 'Ti'])), ['e01', 'e02', 'e03', 'e04', 'e11']);
      assert.deepEqual(await matched(w('fields.comment', 'contains', 'POINTING')), ['e01']);
      assert.deepEqual(await matched(w('fields.comment', 'contains', '=sum(a')), ['e03']);
      assert.deepEqual(await matched(w('fields.comment', 'contains', '.*')), []);
      assert.deepEqual(await matched(w('fields.comment', 'exists', true)), ['e01', 'e02', 'e03', 'e08']);
      assert.deepEqual(await matched(w('fields.comment', 'exists', false)), ['e04', 'e05', 'e11', 'e12']);
      assert.deepEqual(await matched(w('diagnostics.espec.active', '=', true)), ['e01']);
      assert.deepEqual(await matched(w('diagnostics.espec.settings.gain', '>=', 3)), ['e01']);
      assert.deepEqual(await matched(w('channels.energy_J', '>', 11)), ['e02']);
      assert.deepEqual(await matched(w('daq.camera.exposure_ms', '=', 5)), ['e01']);
      assert.deepEqual(await matched(w('shotNumber', 'in', [3, 4, 99])), ['e03', 'e04']);
      assert.deepEqual(await matched({ sheet: 'ions', shotNumber: { from: 2, to: 4 } }), ['e02', 'e03', 'e04']);
      // A list field (multiselect): '=' and 'in' match when the list holds the value.
      assert.deepEqual(await matched({ where: [{ field: 'fields.tags', op: '=', value: 'main' }] }), ['e07']);
      assert.deepEqual(await matched({ where: [{ field: 'fields.tags', op: 'in', value: ['calibration', 'x'] }] }), ['e07']);
      assert.deepEqual(await matched({ where: [{ field: 'fields.tags', op: 'contains', value: 'CALIB' }] }), ['e07']);
    });

    it('time range: receivedAt, createdAt for entries without one; from inclusive, to exclusive', async () => {
      assert.deepEqual(await matched({ from: '2026-11-05T00:00:00Z', to: '2026-11-12T00:00:00Z' }), ['e06', 'e07', 'e08', 'e10', 'e11']);
      assert.deepEqual(await matched({ from: '2026-11-12T23:59:59.999999Z' }), ['e12']);
      assert.deepEqual(await matched({ to: '2026-11-12T23:59:59.999999Z', from: '2026-11-12' }), []);
      assert.deepEqual(await matched({ from: '2026-11-01T11:00:00+01:00', to: '2026-11-01T11:00:00.000002+01:00' }), ['e01']);
      assert.deepEqual(await matched({ where: [{ field: 'receivedAt', op: '<', value: '2026-11-01' }] }), ['e05']);
    });

    it('campaign, campaign lists and null, sheet lists', async () => {
      assert.deepEqual(await matched({ campaign: '2026-10-run2' }), ['e05']);
      assert.deepEqual(await matched({ campaign: null }), ['e07']);
      assert.deepEqual(await matched({ campaign: ['2026-10-run2', 'nope'], sheet: 'ions' }), ['e05']);
      assert.deepEqual(await matched({ sheet: ['xray', 'gas'] }), ['e06', 'e07', 'e10']);
      assert.deepEqual(await matched({ sheet: 'nope' }), []);
    });

    it('text: every word, any case, taken literally', async () => {
      assert.deepEqual(await matched({ text: 'pointing drift' }), ['e01', 'e11']);
      assert.deepEqual(await matched({ text: 'DRIFT a.b*' }), ['e11']);
      assert.deepEqual(await matched({ text: 'a.b* seen' }), []);
      assert.deepEqual(await matched({ text: '"quoted",' }), ['e08']);
    });

    it('sorts on two keys: missing values first ascending, _id settles ties', async () => {
      const body = await search({ sheet: 'ions', sort: [{ field: 'fields.target_material' }, { field: 'shotNumber', dir: 'desc' }] });
      assert.deepEqual(ids(body), ['e12', 'e05', 'e08', 'e11', 'e02', 'e01', 'e04', 'e03']);
      assert.equal(body.total, 8);
      assert.equal(body.nextCursor, null);
      const byNumber = await search({ sheet: 'ions' });
      assert.deepEqual(ids(byNumber), ['e12', 'e11', 'e05', 'e04', 'e03', 'e02', 'e01', 'e08'], 'default: shot number descending (no number last)');
    });

    it('items look like the entries API: id, no text or shotKey', async () => {
      const [item] = (await search({ sheet: 'ions', where: [{ field: 'shotNumber', op: '=', value: 1 }] })).items;
      assert.equal(item.id, 'e01');
      assert.equal(item._id, undefined);
      assert.equal(item.text, undefined);
      assert.equal(item.shotKey, undefined);
      assert.deepEqual(item.fields, FIXTURE[0]!.fields);
      assert.deepEqual(item.diagnostics, FIXTURE[0]!.diagnostics);
    });

    it('deleted entries: only with includeDeleted, only for admins', async () => {
      assert.ok(!(await matched({})).includes('e09'));
      const refused = await h.viewer.post('/api/v1/search', { includeDeleted: true });
      assert.equal(refused.status, 403);
      assert.match(refused.body.error, /admin/);
      assert.equal((await h.editor.post('/api/v1/search', { includeDeleted: true })).status, 403);
      assert.ok(ids(await search({ includeDeleted: true, limit: 100 }, h.admin)).includes('e09'));
    });

    it('needs a token', async () => {
      assert.equal((await h.viewer.anonymous().post('/api/v1/search', {})).status, 401);
      assert.equal((await h.viewer.anonymous().post('/api/v1/search/export', {})).status, 401);
    });

    it("refuses '$' keys anywhere in the body with 400 naming where, running nothing", async () => {
      const before = { ...calls };
      const bodies: [unknown, string[]][] = [
        [{ sheet: 'ions', where: [{ field: 'fields.a', op: '=', value: { $gt: '' } }], $where: 'sleep(100)' }, ['$where', 'where.0.value.$gt']],
        [{ where: [{ field: 'fields.a', op: 'in', value: [1, { $function: { body: 'x' } }] }] }, ['where.0.value.1.$function']],
        [{ sort: [{ field: 'shotNumber', $expr: 1 }] }, ['sort.0.$expr']],
        [{ shotNumber: { from: 1, $accumulator: {} } }, ['shotNumber.$accumulator']],
        [{ where: [{ field: '$where', op: '=', value: 1 }] }, ['where.0.field']],
        [{ where: [{ field: 'fields.$ne', op: '=', value: 1 }] }, ['where.0.field']],
      ];
      for (const [body, fields] of bodies) {
        for (const path of ['/api/v1/search', '/api/v1/search/export']) {
          const res = await h.viewer.post(path, body);
          assert.equal(res.status, 400, `${path} ${JSON.stringify(body)} → ${res.status}`);
          const named = (res.body.details as { field: string }[]).map((d) => d.field);
          for (const f of fields) assert.ok(named.includes(f), `${f} not named in ${JSON.stringify(res.body)}`);
          assert.match(res.body.error, /invalid search/);
        }
      }
      assert.deepEqual(calls, before, 'the store was not asked');
    });

    it('refuses other invalid searches with 400 naming the field', async () => {
      const cases: [unknown, string][] = [
        [{ where: [{ field: 'fields.a', op: 'like', value: 1 }] }, 'where.0.op'],
        [{ where: [{ field: 'shotNumber', op: '>', value: 'ten' }] }, 'where.0.value'],
        [{ sort: [{ field: 'nope' }] }, 'sort.0.field'],
        [{ from: 'yesterday' }, 'from'],
        [{ limit: 5000 }, 'limit'],
        [{ colour: 'red' }, 'colour'],
        [{ cursor: 'made-up' }, 'cursor'],
      ];
      for (const [body, field] of cases) {
        const res = await h.viewer.post('/api/v1/search', body);
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.ok(res.body.details.some((d: { field: string }) => d.field === field), `${field} in ${JSON.stringify(res.body)}`);
      }
      const notJson = await h.viewer.post('/api/v1/search', '[1', { 'content-type': 'application/json' });
      assert.equal(notJson.status, 400);
    });

    it('a tampered cursor is refused', async () => {
      const first = await search({ sheet: 'ions', limit: 3 });
      assert.ok(first.nextCursor);
      const [payload, sum] = first.nextCursor.split('.');
      const flipped = `${payload.slice(0, 10)}${payload[10] === 'A' ? 'B' : 'A'}${payload.slice(11)}.${sum}`;
      for (const cursor of [flipped, first.nextCursor.slice(0, -2), `${first.nextCursor}x`]) {
        const res = await h.viewer.post('/api/v1/search', { sheet: 'ions', limit: 3, cursor });
        assert.equal(res.status, 400);
        assert.equal(res.body.details[0].field, 'cursor');
      }
      const otherSort = await h.viewer.post('/api/v1/search', { sheet: 'ions', limit: 3, cursor: first.nextCursor, sort: [{ field: 'shotNumber' }] });
      assert.equal(otherSort.status, 400);
      assert.match(otherSort.body.error, /different sort/);
    });

    it('pages with a cursor: all pages = one big page, total on each', async () => {
      const body = { sheet: 'ions', sort: [{ field: 'fields.target_material', dir: 'desc' }, { field: 'receivedAt' }] };
      const all = ids(await search({ ...body, limit: 100 }));
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { items: { id: string }[]; total: number; nextCursor: string | null } = await search({ ...body, limit: 3, cursor });
        assert.equal(page.total, 8);
        seen.push(...ids(page));
        cursor = page.nextCursor;
      } while (cursor);
      assert.deepEqual(seen, all);
    });

    describe('paging while entries arrive', () => {
      it('neither repeats nor skips an entry', async () => {
        const coll = h.store.collection<EntryDoc>('entries');
        // Shot numbers 1..30, numbers 10 and 20 twice (ties settled by _id).
        const originals = Array.from({ length: 32 }, (_, i) => entry({ id: uuidv7(), sheet: 'paging', shotNumber: i < 30 ? i + 1 : i === 30 ? 10 : 20, receivedAt: `2026-11-20T10:00:${String(i).padStart(2, '0')}.000000Z` }));
        await coll.insertMany(originals);
        const seen: string[] = [];
        let cursor: string | null = null;
        let extra = 0;
        do {
          const page: { items: { id: string; shotNumber: number }[]; nextCursor: string | null } = await search({ sheet: 'paging', limit: 7, cursor });
          seen.push(...ids(page));
          cursor = page.nextCursor;
          const last = page.items.at(-1)!;
          // New entries: above every page (never seen now), tied with the cursor's shot number
          // (newer _id: before it in this order), and below everything (seen once, later).
          await coll.insertMany([
            entry({ id: uuidv7(), sheet: 'paging', shotNumber: 1000 + extra }),
            entry({ id: uuidv7(), sheet: 'paging', shotNumber: last.shotNumber }),
            entry({ id: uuidv7(), sheet: 'paging', shotNumber: -1 - extra }),
          ]);
          extra++;
        } while (cursor);
        assert.equal(new Set(seen).size, seen.length, 'no entry twice');
        for (const o of originals) assert.ok(seen.includes(o._id), `original ${o._id} (shot ${o.shotNumber}) seen`);
        const order = (await h.store.collection<EntryDoc>('entries').find({ _id: { $in: seen } })).reduce((m, d) => m.set(d._id, d), new Map<string, EntryDoc>());
        const keys = seen.map((id) => [order.get(id)!.shotNumber as number, id] as const);
        for (let i = 1; i < keys.length; i++) {
          const [a, ia] = keys[i - 1]!;
          const [b, ib] = keys[i]!;
          assert.ok(a > b || (a === b && ia > ib), `order at ${i}: ${a}/${ia} then ${b}/${ib}`);
        }
      });

      it('pages through missing, null and mixed-type sort values as the store sorts them', async () => {
        const values: unknown[] = [undefined, null, 3, -1, 2.5, 'b', 'a', '', true, false, 3, 'a', undefined, null, 0];
        await h.store.collection<EntryDoc>('entries').insertMany(
          values.map((x, i) => entry({ id: `m${String(i).padStart(2, '0')}`, sheet: 'mixed', shotNumber: 500 + i, fields: x === undefined ? {} : { x } })),
        );
        for (const dir of ['asc', 'desc']) {
          const body = { sheet: 'mixed', sort: [{ field: 'fields.x', dir }] };
          const all = ids(await search({ ...body, limit: 100 }));
          assert.equal(all.length, values.length);
          const seen: string[] = [];
          let cursor: string | null = null;
          do {
            const page: { items: { id: string }[]; nextCursor: string | null } = await search({ ...body, limit: 4, cursor });
            seen.push(...ids(page));
            cursor = page.nextCursor;
          } while (cursor);
          assert.deepEqual(seen, all, dir);
        }
      });
    });

    describe('export', () => {
      const exportCsv = async (body: unknown, query = '') => {
        const res = await fetch(`${h.url}/api/v1/search/export${query}`, { method: 'POST', headers: { ...h.viewer.headers, 'content-type': 'application/json' }, body: JSON.stringify(body) });
        return { res, bytes: Buffer.from(await res.arrayBuffer()) };
      };

      it('CSV for Excel: BOM, CRLF, RFC 4180 quoting, formula guard, layout labels with units', async () => {
        const { res, bytes } = await exportCsv({ sheet: 'ions', sort: [{ field: 'shotNumber' }] });
        assert.equal(res.status, 200);
        assert.match(res.headers.get('content-type') ?? '', /^text\/csv; charset=utf-8/);
        assert.match(res.headers.get('content-disposition') ?? '', /^attachment; filename="shotline-ions-\d{8}T\d{6}\.csv"$/);
        assert.equal(res.headers.get('x-shotline-total'), '8');
        assert.equal(res.headers.get('x-shotline-truncated'), null);
        assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM');
        const text = bytes.subarray(3).toString('utf8');
        assert.ok(!/[^\r]\n/.test(text.replace(/"[^"]*"/g, '')), 'every line ends with CRLF outside quotes');
        const rows = parseCsv(text);
        const [header, ...data] = rows as [string[], ...string[][]];
        assert.deepEqual(header, [
          'shotNumber', 'sheet', 'shotUid', 'campaign', 'receivedAt', 'status', 'createdAt', 'createdBy', 'updatedAt', 'updatedBy',
          'Target material', 'Target thickness [µm]', 'Comment',
          'diagnostics.espec.active', 'diagnostics.espec.settings.gain', 'channels.energy_J', 'daq.camera.exposure_ms',
        ]);
        assert.equal(data.length, 8);
        for (const row of data) assert.equal(row.length, header.length);
        const col = (name: string) => header.indexOf(name);
        const byShot = new Map(data.map((r) => [r[0], r]));
        assert.equal(byShot.get('1')![col('Comment')], 'Pointing drift seen');
        assert.equal(byShot.get('1')![col('Target thickness [µm]')], '0.5');
        assert.equal(byShot.get('1')![col('diagnostics.espec.active')], 'true');
        assert.equal(byShot.get('1')![col('daq.camera.exposure_ms')], '5');
        assert.equal(byShot.get('3')![col('Comment')], "'=SUM(A1)", 'formula guard');
        assert.equal(byShot.get('')![col('Comment')], 'manual "quoted", comma\nsecond line', 'quotes, comma and newline survive');
        assert.ok(text.includes('"manual ""quoted"", comma\nsecond line"'));
        assert.equal(byShot.get('12')![col('Target thickness [µm]')], '', 'null is an empty cell');
        assert.deepEqual(data.map((r) => r[0]), ['', '1', '2', '3', '4', '5', '11', '12']);
      });

      it('CSV of several sheets: headers are field paths', async () => {
        const { res, bytes } = await exportCsv({ sheet: ['xray', 'gas'] });
        assert.equal(res.status, 200);
        const [header, ...data] = parseCsv(bytes.subarray(3).toString('utf8')) as [string[], ...string[][]];
        assert.deepEqual(header.slice(10), ['fields.crystal', 'fields.gas', 'fields.pressure_bar', 'fields.tags', 'fields.target_material']);
        assert.equal(data.find((r) => r[0] === '7')![13], 'main; calibration', 'a list: its values joined with "; "');
        assert.equal(data.length, 3);
      });

      it('CSV with chosen columns', async () => {
        const { bytes } = await exportCsv({ sheet: 'ions', columns: ['shotNumber', 'fields.target_thickness', 'fields.nope'], where: [{ field: 'shotNumber', op: '<=', value: 2 }], sort: [{ field: 'shotNumber' }] });
        assert.equal(bytes.subarray(3).toString('utf8'), 'shotNumber,Target thickness [µm],fields.nope\r\n1,0.5,\r\n2,2,\r\n');
      });

      it('JSON: an array of the entries, in search order, across store pages', async () => {
        const res = await h.viewer.post('/api/v1/search/export?format=json', { sheet: 'ions' });
        assert.equal(res.status, 200);
        assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
        assert.ok(Array.isArray(res.body));
        assert.deepEqual(res.body.map((e: { id: string }) => e.id), ids(await search({ sheet: 'ions' })));
        assert.equal(res.body[0].text, undefined);
        const empty = await h.viewer.post('/api/v1/search/export?format=json', { sheet: 'nope' });
        assert.deepEqual(empty.body, []);
      });

      it('says in a header when the rows were cut (limit)', async () => {
        const res = await h.viewer.post('/api/v1/search/export?format=json', { sheet: 'ions', limit: 3 });
        assert.equal(res.body.length, 3);
        assert.equal(res.headers.get('x-shotline-total'), '8');
        assert.match(res.headers.get('x-shotline-truncated') ?? '', /^3 of 8 entries \(the limit asked for\)/);
      });

      it('refuses a bad format or search with 400', async () => {
        assert.equal((await h.viewer.post('/api/v1/search/export?format=xml', {})).status, 400);
        const cursor = await h.viewer.post('/api/v1/search/export', { cursor: null });
        assert.equal(cursor.status, 400);
        assert.equal(cursor.body.details[0].field, 'cursor');
      });
    });
  });
}

describe('search export maximum (embedded store)', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness(BACKENDS[0]!, 'search-max', { exportMaxRows: 5, exportPageSize: 2 });
    await h.store.collection<EntryDoc>('entries').insertMany(FIXTURE);
  });
  after(() => h?.close());

  it('stops at the maximum and says so', async () => {
    const res = await h.viewer.post('/api/v1/search/export?format=json', {});
    assert.equal(res.status, 200);
    assert.equal(res.body.length, 5);
    assert.match(res.headers.get('x-shotline-truncated') ?? '', /^5 of 11 entries \(the export maximum\)/);
    assert.equal((await h.viewer.post('/api/v1/search/export', { limit: 6 })).status, 400);
  });
});
