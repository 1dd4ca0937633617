// Shot-sheet entries over real HTTP, against both stores: validation naming
// every failing field, conditions, drafts and completion, merging PATCH with
// optimistic concurrency, revisions, layout versions, presets, hiding and
// restoring, listing.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Shotline } from '../../src/shotline.ts';
import { ApiClient, type Answer } from '../support/api.ts';
import { startOn, testBackends, type TestBackend } from '../support/backends.ts';

const LAYOUT = {
  sections: [
    {
      title: 'Target',
      fields: [
        { key: 'target_type', label: 'Target type', type: 'select', options: ['foil', 'gas'], required: true, default: 'foil' },
        { key: 'material', label: 'Material', type: 'select', choices: 'targets', showIf: { field: 'target_type', equals: 'foil' } },
        { key: 'coating', label: 'Coating', type: 'text', required: true, showIf: { field: 'material', in: ['Cu', 'Al'] } },
        { key: 'target_thickness', label: 'Thickness', type: 'number', unit: 'µm', min: 0, max: 50, required: true, showIf: { field: 'target_type', equals: 'foil' } },
        { key: 'gas_pressure', label: 'Backing pressure', type: 'number', unit: 'bar', min: 0, required: true, showIf: { field: 'target_type', equals: 'gas' } },
      ],
    },
    {
      title: 'Shot',
      fields: [
        { key: 'shots_count', label: 'Shots on target', type: 'integer', min: 1 },
        { key: 'aligned', label: 'Aligned', type: 'boolean' },
        { key: 'tags', label: 'Tags', type: 'multiselect', options: ['calibration', 'main', 'test'] },
        { key: 'fired_at', label: 'Fired at', type: 'datetime' },
        { key: 'reference', label: 'Reference shot', type: 'shotref' },
        { key: 'notes', label: 'Notes', type: 'text', multiline: true },
        { key: 'operator', label: 'Operator', type: 'text', maxLength: 20 },
        { key: 'diag', label: 'Diagnostics', type: 'diagnostics' },
      ],
    },
  ],
};

const ENTRY_KEYS = ['_id', 'sheet', 'shotNumber', 'shotUid', 'campaign', 'receivedAt', 'fields', 'diagnostics', 'daq', 'channels', 'status', 'layoutVersion', 'revision', 'deleted', 'createdAt', 'createdBy', 'updatedAt', 'updatedBy', 'text', 'shotKey'];

function suite(backend: TestBackend) {
  describe(`shot-sheet entries (${backend.name})`, { skip: backend.skip }, () => {
    let s: Shotline;
    let api: ApiClient;
    let editor: ApiClient;
    let viewer: ApiClient;
    const lists: Record<string, string[]> = { targets: ['Cu', 'Al', 'CH'] };
    const E = '/api/v1/sheets/ions/entries';
    const foil = { target_type: 'foil', material: 'CH', target_thickness: 10 };
    const count = async () => {
      const [live, hidden] = await Promise.all([api.get(`${E}?limit=500`), api.get(`${E}?limit=500&deleted=true`)]);
      return live.body.items.length + hidden.body.items.length;
    };
    const fieldsOf = (res: Answer) => (res.body.details ?? []).map((d: { field: string }) => d.field).sort();

    before(async () => {
      s = await startOn(backend, { hooks: { choices: { items: async (list) => lists[list] ?? null } } });
      api = new ApiClient(s.url);
      const mk = async (role: string) => api.as((await api.post('/api/v1/tokens', { name: `${role}-1`, role })).body.token);
      editor = await mk('editor');
      viewer = await mk('viewer');
      assert.equal((await api.post('/api/v1/sheets', { name: 'ions', title: 'Ion line', layout: LAYOUT })).status, 201);
      const diag = await api.put('/api/v1/sheets/ions/diagnostics/thomson', {
        label: 'Thomson parabola',
        fields: [
          { key: 'b_field', label: 'B field', type: 'number', unit: 'T', min: 0, max: 2, required: true },
          { key: 'filter', label: 'Filter', type: 'select', options: ['none', 'Al 10 µm'] },
          { key: 'remark', label: 'Remark', type: 'text' },
        ],
      });
      assert.equal(diag.status, 201, JSON.stringify(diag.body));
      assert.equal((await api.put('/api/v1/sheets/ions/presets/standard', { diagnostics: { thomson: { settings: { b_field: 0.8, filter: 'none' } } } })).status, 201);
    });

    after(async () => {
      await s?.stop();
      await backend.cleanup();
    });

    it('adds a complete entry: defaults applied, ETag and Location, the document as search expects it', async () => {
      const res = await editor.post(E, {
        fields: { material: 'Cu', coating: 'Gold Flash', target_thickness: 12.5, notes: 'Hello World\nSecond LINE', tags: ['main'], fired_at: '2026-11-25T10:00:00Z', reference: 3 },
        diagnostics: { thomson: { active: true, settings: { b_field: 1.2, remark: 'Clean Trace' } } },
        daq: { scope: { ch1: 0.25, trace: [1, 2, 3] }, run: 'A7' },
      });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.equal(res.headers.get('etag'), '"1"');
      assert.equal(res.headers.get('location'), `${E}/${res.body.id}`);
      assert.match(res.body.id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.equal(res.body.fields.target_type, 'foil', 'the default');
      assert.deepEqual([res.body.status, res.body.layoutVersion, res.body.revision, res.body.deleted, res.body.createdBy, res.body.shotNumber, res.body.shotUid], ['complete', 1, 1, false, 'editor-1', null, null]);
      const got = await viewer.get(`${E}/${res.body.id}`);
      assert.deepEqual(got.body, res.body);
      assert.equal(got.headers.get('etag'), '"1"');
      const [doc] = (await backend.raw('entries')).filter((d) => d._id === res.body.id);
      assert.deepEqual(Object.keys(doc!).filter((k) => ENTRY_KEYS.includes(k)).sort(), [...ENTRY_KEYS].sort(), 'every field of the entry document');
      assert.equal(doc!.text, ['gold flash', 'hello world\nsecond line', 'clean trace'].join('\n'));
      assert.equal(doc!.campaign, null);
    });

    it('refuses invalid input with 400 naming every failing field, and stores nothing', async () => {
      const before = await count();
      const res = await editor.post(E, {
        fields: {
          target_type: 'foil',
          material: 'Au',
          target_thickness: 'thick',
          shots_count: 0,
          aligned: 'yes',
          tags: ['main', 'main', 'bogus'],
          fired_at: 'yesterday',
          reference: 'abc',
          operator: 'line one\nline two',
          colour: 'red',
        },
        diagnostics: { thomson: { settings: { b_field: 9, filter: 'lead' } }, laser: { settings: {} } },
        daq: { 'scope.ch1': 1, $where: 2, ok: { 'a.b': 3 } },
      });
      assert.equal(res.status, 400);
      assert.deepEqual(fieldsOf(res), [
        'daq.$where',
        'daq.ok.a.b',
        'daq.scope.ch1',
        'diagnostics.laser',
        'diagnostics.thomson.settings.b_field',
        'diagnostics.thomson.settings.filter',
        'fields.aligned',
        'fields.colour',
        'fields.fired_at',
        'fields.material',
        'fields.operator',
        'fields.reference',
        'fields.shots_count',
        'fields.tags',
        'fields.tags.2',
        'fields.target_thickness',
      ]);
      const message = (field: string) => res.body.details.filter((d: { field: string }) => d.field === field).map((d: { message: string }) => d.message).join(' | ');
      assert.match(message('fields.target_thickness'), /must be a number/);
      assert.match(message('fields.shots_count'), /at least 1/);
      assert.match(message('fields.material'), /"Au" is not in the choice list "targets"/);
      assert.match(message('fields.colour'), /unknown field/);
      assert.match(message('fields.reference'), /shot number .* or a shot uid/);
      assert.match(message('fields.operator'), /single line/);
      assert.match(message('fields.fired_at'), /ISO 8601/);
      assert.match(message('fields.tags'), /twice/);
      assert.match(message('fields.tags.2'), /one of: calibration, main, test/);
      assert.match(message('diagnostics.thomson.settings.b_field'), /at most 2 T/);
      assert.match(res.body.error, /fields\.target_thickness/);
      // missing required fields, out of range
      const missing = await editor.post(E, { fields: { target_type: 'foil', target_thickness: 51 }, diagnostics: { thomson: { active: true, settings: {} } } });
      assert.deepEqual(fieldsOf(missing), ['diagnostics.thomson.settings.b_field', 'fields.target_thickness']);
      assert.match(missing.body.details.find((d: { field: string }) => d.field === 'fields.target_thickness').message, /at most 50 µm/);
      const none = await editor.post(E, { fields: { target_type: null } });
      assert.deepEqual(fieldsOf(none), ['fields.target_type']);
      assert.match(none.body.details[0].message, /required/);
      // top-level shape: refused by the route schema
      const shape = await editor.post(E, { fields: [], shotNumber: 'x', colour: 1 });
      assert.equal(shape.status, 400);
      assert.equal(await count(), before, 'nothing stored');
    });

    it('requires a field only while it shows: conditions, also through the field they depend on', async () => {
      const gas = await editor.post(E, { fields: { target_type: 'gas' } });
      assert.deepEqual(fieldsOf(gas), ['fields.gas_pressure'], 'the foil fields are hidden, the gas one shows');
      assert.equal((await editor.post(E, { fields: { target_type: 'gas', gas_pressure: 40 } })).status, 201);
      const cu = await editor.post(E, { fields: { ...foil, material: 'Cu' } });
      assert.deepEqual(fieldsOf(cu), ['fields.coating'], 'material Cu shows the coating');
      assert.equal((await editor.post(E, { fields: { ...foil, material: 'CH' } })).status, 201, 'CH hides the coating');
      const hiddenChain = await editor.post(E, { fields: { target_type: 'gas', gas_pressure: 1, material: 'Cu' } });
      assert.equal(hiddenChain.status, 201, `material is hidden (gas), so the coating is too: ${JSON.stringify(hiddenChain.body)}`);
    });

    it('saves drafts without required fields; completing one requires them', async () => {
      const draft = await editor.post(E, { status: 'draft', fields: { target_type: 'foil' }, diagnostics: { thomson: { settings: {} } } });
      assert.equal(draft.status, 201, JSON.stringify(draft.body));
      assert.equal(draft.body.status, 'draft');
      assert.equal((await editor.post(E, { status: 'draft', fields: { target_thickness: -1 } })).status, 400, 'a draft is still checked for values');
      const complete = await editor.patch(`${E}/${draft.body.id}`, { status: 'complete' }, { 'if-match': '"1"' });
      assert.equal(complete.status, 400);
      assert.deepEqual(fieldsOf(complete), ['diagnostics.thomson.settings.b_field', 'fields.target_thickness']);
      const done = await editor.patch(`${E}/${draft.body.id}`, { status: 'complete', fields: { target_thickness: 8, material: 'CH' }, diagnostics: { thomson: { settings: { b_field: 0.3 } } } }, { 'if-match': '"1"' });
      assert.equal(done.status, 200, JSON.stringify(done.body));
      assert.equal(done.body.status, 'complete');
    });

    it('answers malformed JSON with 400 and an oversized body with 413, storing nothing', async () => {
      const before = await count();
      const bad = await editor.post(E, '{"fields": {', { 'content-type': 'application/json' });
      assert.equal(bad.status, 400);
      assert.ok(bad.body.error);
      const big = await editor.post(E, { fields: { ...foil, notes: 'x'.repeat(300_000) } });
      assert.equal(big.status, 413);
      const proto = await editor.post(E, '{"fields":{"__proto__":{"x":1}}}', { 'content-type': 'application/json' });
      assert.equal(proto.status, 400);
      assert.equal(await count(), before);
    });

    it('PATCH merges fields, diagnostics and daq (null removes), needs If-Match, and records each change as a revision', async () => {
      const made = await editor.post(E, { fields: { ...foil, notes: 'first' }, diagnostics: { thomson: { settings: { b_field: 1 } } }, daq: { a: 1, b: { c: 2 } } });
      const url = `${E}/${made.body.id}`;
      const noIfMatch = await editor.patch(url, { fields: { target_thickness: 20 } });
      assert.equal(noIfMatch.status, 428);
      assert.match(noIfMatch.body.error, /If-Match/);
      assert.equal((await editor.patch(url, { fields: { target_thickness: 20 } }, { 'if-match': 'yesterday' })).status, 400);
      const patched = await api.as((await api.post('/api/v1/tokens', { name: 'grafana', role: 'service' })).body.token, { 'x-grafana-user': 'marie', 'x-grafana-role': 'Editor' }).patch(
        url,
        { fields: { target_thickness: 20, notes: null }, diagnostics: { thomson: { settings: { filter: 'none' } } }, daq: { a: null, d: [1] } },
        { 'if-match': made.headers.get('etag')! },
      );
      assert.equal(patched.status, 200, JSON.stringify(patched.body));
      assert.equal(patched.headers.get('etag'), '"2"');
      assert.deepEqual(patched.body.fields, { target_type: 'foil', material: 'CH', target_thickness: 20 });
      assert.deepEqual(patched.body.diagnostics, { thomson: { active: true, settings: { b_field: 1, filter: 'none' } } });
      assert.deepEqual(patched.body.daq, { b: { c: 2 }, d: [1] });
      assert.equal(patched.body.updatedBy, 'marie');
      assert.equal(patched.body.createdBy, 'editor-1');
      const same = await editor.patch(url, { fields: { target_thickness: 20 } }, { 'if-match': '"2"' });
      assert.equal(same.body.revision, 2, 'a PATCH that changes nothing makes no revision');
      const revisions = (await viewer.get(`${url}/revisions`)).body.items;
      assert.deepEqual(revisions.map((r: { revision: number; action: string; by: string }) => [r.revision, r.action, r.by]), [[1, 'create', 'editor-1'], [2, 'update', 'marie']]);
      assert.ok(revisions[1].at >= revisions[0].at);
      assert.deepEqual(
        [...revisions[1].changes].sort((x: { path: string }, y: { path: string }) => x.path.localeCompare(y.path)),
        [
          { path: 'daq.a', old: 1, new: null },
          { path: 'daq.d', old: null, new: [1] },
          { path: 'diagnostics.thomson.settings.filter', old: null, new: 'none' },
          { path: 'fields.notes', old: 'first', new: null },
          { path: 'fields.target_thickness', old: 10, new: 20 },
        ],
      );
      assert.ok(revisions[0].changes.some((c: { path: string; new: unknown }) => c.path === 'fields.target_thickness' && c.new === 10));
      const refused = await editor.patch(url, { fields: { target_thickness: 99 }, daq: { z: 1 } }, { 'if-match': '"2"' });
      assert.equal(refused.status, 400);
      assert.deepEqual((await viewer.get(url)).body, same.body, 'a refused PATCH changes nothing');
    });

    it('refuses a stale write with 409 and the current entry; concurrent writers lose nothing', async () => {
      const made = await editor.post(E, { fields: foil });
      const url = `${E}/${made.body.id}`;
      const writers = Array.from({ length: 6 }, (_, i) => editor.patch(url, { daq: { [`w${i}`]: i } }, { 'if-match': '"1"' }));
      const results = await Promise.all(writers);
      assert.deepEqual(results.map((r) => r.status).sort(), [200, 409, 409, 409, 409, 409]);
      for (const r of results.filter((x) => x.status === 409)) {
        assert.match(r.body.error, /revision 2, not 1/);
        assert.equal(r.body.current.revision, 2);
        assert.equal(r.headers.get('etag'), '"2"');
      }
      // The losers re-apply their change on the current entry.
      for (const [i, r] of results.entries()) {
        if (r.status === 200) continue;
        for (;;) {
          const current = await editor.get(url);
          const retry = await editor.patch(url, { daq: { [`w${i}`]: i } }, { 'if-match': current.headers.get('etag')! });
          if (retry.status === 200) break;
          assert.equal(retry.status, 409);
        }
      }
      const final = (await editor.get(url)).body;
      assert.deepEqual(final.daq, { w0: 0, w1: 1, w2: 2, w3: 3, w4: 4, w5: 5 });
      assert.equal(final.revision, 7);
      assert.equal((await viewer.get(`${url}/revisions`)).body.items.length, 7);
      const star = await editor.patch(url, { daq: { w0: null } }, { 'if-match': '*' });
      assert.equal(star.status, 200, 'If-Match: * takes whatever revision is current');
    });

    it('validates an entry by its own layout version; a new layout never breaks it; upgrade is explicit', async () => {
      const old = await editor.post(E, { fields: { ...foil, notes: 'v1 entry' } });
      assert.equal(old.body.layoutVersion, 1);
      const v2 = structuredClone(LAYOUT);
      v2.sections[1]!.fields = v2.sections[1]!.fields.filter((f) => f.key !== 'notes');
      v2.sections[1]!.fields.push({ key: 'shift_lead', label: 'Shift lead', type: 'text', required: true } as never);
      assert.equal((await api.put('/api/v1/sheets/ions/layout', v2)).body.version, 2);

      const url = `${E}/${old.body.id}`;
      const edited = await editor.patch(url, { fields: { notes: 'still v1' } }, { 'if-match': '"1"' });
      assert.equal(edited.status, 200, JSON.stringify(edited.body));
      assert.equal(edited.body.layoutVersion, 1);
      const fresh = await editor.post(E, { fields: foil });
      assert.deepEqual(fieldsOf(fresh), ['fields.shift_lead'], 'new entries follow version 2');
      assert.deepEqual(fieldsOf(await editor.post(E, { fields: { ...foil, shift_lead: 'Ana', notes: 'x' } })), ['fields.notes'], 'notes is gone in version 2');
      const upgrade = await editor.patch(url, { upgrade: true }, { 'if-match': '"2"' });
      assert.deepEqual(fieldsOf(upgrade), ['fields.notes', 'fields.shift_lead']);
      const upgraded = await editor.patch(url, { upgrade: true, fields: { notes: null, shift_lead: 'Ana' } }, { 'if-match': '"2"' });
      assert.equal(upgraded.status, 200, JSON.stringify(upgraded.body));
      assert.equal(upgraded.body.layoutVersion, 2);
      const revision = (await viewer.get(`${url}/revisions`)).body.items.at(-1);
      assert.ok(revision.changes.some((c: { path: string; old: unknown; new: unknown }) => c.path === 'layoutVersion' && c.old === 1 && c.new === 2));
      assert.equal((await api.put('/api/v1/sheets/ions/layout', LAYOUT)).body.version, 3, 'back to the first form for the tests below');
    });

    it('prefills diagnostics from a preset; the entry may override them', async () => {
      const res = await editor.post(E, { preset: 'standard', fields: foil, diagnostics: { thomson: { settings: { filter: 'Al 10 µm' } } } });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.deepEqual(res.body.diagnostics, { thomson: { active: true, settings: { b_field: 0.8, filter: 'Al 10 µm' } } });
      const patched = await editor.patch(`${E}/${res.body.id}`, { preset: 'standard' }, { 'if-match': '"1"' });
      assert.deepEqual(patched.body.diagnostics.thomson.settings, { b_field: 0.8, filter: 'none' });
      const unknown = await editor.post(E, { preset: 'nope', fields: foil });
      assert.deepEqual(fieldsOf(unknown), ['preset']);
    });

    it('checks choice-list membership of the values a write sets; a list that changes later breaks no entry', async () => {
      const made = await editor.post(E, { fields: { ...foil, material: 'CH' } });
      lists.targets = ['Cu', 'Al'];
      try {
        const url = `${E}/${made.body.id}`;
        const other = await editor.patch(url, { fields: { target_thickness: 5 } }, { 'if-match': '"1"' });
        assert.equal(other.status, 200, `material CH is untouched: ${JSON.stringify(other.body)}`);
        const again = await editor.post(E, { fields: { ...foil, material: 'CH' } });
        assert.deepEqual(fieldsOf(again), ['fields.material']);
      } finally {
        lists.targets = ['Cu', 'Al', 'CH'];
      }
    });

    it('hides an entry (admin) and restores it; both are revisions', async () => {
      const made = await editor.post(E, { fields: foil });
      const url = `${E}/${made.body.id}`;
      assert.equal((await editor.delete(url)).status, 403);
      const stale = await api.delete(url, { 'if-match': '"7"' });
      assert.equal(stale.status, 409);
      const hidden = await api.delete(url, { 'if-match': '"1"' });
      assert.equal(hidden.status, 200);
      assert.equal(hidden.body.deleted, true);
      assert.equal(hidden.headers.get('etag'), '"2"');
      assert.equal((await editor.get(url)).status, 404, 'hidden from non-admins');
      assert.equal((await api.get(url)).body.deleted, true, 'admins see it');
      assert.equal((await editor.patch(url, { fields: { target_thickness: 1 } }, { 'if-match': '"2"' })).status, 404);
      assert.ok(!(await viewer.get(`${E}?limit=500`)).body.items.some((e: { id: string }) => e.id === made.body.id));
      assert.ok((await api.get(`${E}?limit=500&deleted=true`)).body.items.some((e: { id: string }) => e.id === made.body.id));
      const restored = await api.post(`${url}/restore`);
      assert.equal(restored.status, 200);
      assert.equal(restored.body.deleted, false);
      assert.equal((await editor.get(url)).status, 200);
      const revisions = (await viewer.get(`${url}/revisions`)).body.items;
      assert.deepEqual(revisions.map((r: { action: string; by: string }) => `${r.action} by ${r.by}`), ['create by editor-1', 'delete by admin', 'restore by admin']);
      assert.deepEqual(revisions[1].changes, [{ path: 'deleted', old: false, new: true }]);
      assert.equal((await api.delete(`${E}/01900000-0000-7000-8000-000000000000`)).status, 404);
    });

    it('lists entries newest first, pages with a cursor, filters', async () => {
      await api.post('/api/v1/sheets', { name: 'paging', title: 'Paging' });
      const P = '/api/v1/sheets/paging/entries';
      const ids: string[] = [];
      for (const n of [5, 3, 9, 1]) ids.push((await editor.post(P, { shotNumber: n, status: n === 9 ? 'draft' : 'complete' })).body.id);
      ids.push((await editor.post(P, {})).body.id);
      const page1 = await viewer.get(`${P}?limit=2`);
      assert.deepEqual(page1.body.items.map((e: { id: string }) => e.id), [ids[4], ids[3]]);
      const page2 = await viewer.get(`${P}?limit=2&cursor=${page1.body.nextCursor}`);
      const page3 = await viewer.get(`${P}?limit=2&cursor=${page2.body.nextCursor}`);
      assert.deepEqual([...page2.body.items, ...page3.body.items].map((e: { id: string }) => e.id), [ids[2], ids[1], ids[0]]);
      assert.equal(page3.body.nextCursor, null);
      let byShot: number[] = [];
      let cursor = '';
      for (;;) {
        const page = await viewer.get(`${P}?limit=2&order=shotNumber${cursor && `&cursor=${cursor}`}`);
        byShot = [...byShot, ...page.body.items.map((e: { shotNumber: number | null }) => e.shotNumber)];
        if (!page.body.nextCursor) break;
        cursor = page.body.nextCursor;
      }
      assert.deepEqual(byShot, [9, 5, 3, 1, null]);
      assert.deepEqual((await viewer.get(`${P}?status=draft`)).body.items.map((e: { shotNumber: number }) => e.shotNumber), [9]);
      assert.deepEqual((await viewer.get(`${P}?shotNumber=3`)).body.items.map((e: { shotNumber: number }) => e.shotNumber), [3]);
      assert.equal((await viewer.get(`${P}?cursor=garbage`)).status, 400);
      const dup = await editor.post(P, { shotNumber: 5 });
      assert.equal(dup.status, 409, 'one entry per shot and sheet');
      assert.equal(dup.body.entryId, ids[0]);
    });
  });
}

for (const backend of testBackends('entries')) suite(backend);
