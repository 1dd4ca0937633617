// Sheets, versioned layouts, diagnostics and presets over real HTTP, against
// both stores.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Shotline } from '../../src/shotline.ts';
import { ApiClient } from '../support/api.ts';
import { startOn, testBackends, type TestBackend } from '../support/backends.ts';

const CHOICES = { items: async (list: string) => (list === 'targets' ? ['Cu', 'Al', 'CH'] : null) };

const LAYOUT = {
  sections: [
    {
      key: 'target',
      title: 'Target',
      fields: [
        { key: 'target_type', label: 'Target type', type: 'select', options: ['foil', 'gas'], required: true, default: 'foil' },
        { key: 'material', label: 'Material', type: 'select', choices: 'targets', showIf: { field: 'target_type', equals: 'foil' } },
        { key: 'target_thickness', label: 'Thickness', type: 'number', unit: 'µm', min: 0, max: 50, required: true, showIf: { field: 'target_type', equals: 'foil' } },
      ],
    },
    { title: 'Notes', fields: [{ key: 'notes', label: 'Notes', type: 'text', multiline: true }, { key: 'diag', label: 'Diagnostics', type: 'diagnostics' }] },
  ],
};

function suite(backend: TestBackend) {
  describe(`sheets, layouts, diagnostics, presets (${backend.name})`, { skip: backend.skip }, () => {
    let s: Shotline;
    let api: ApiClient;

    before(async () => {
      s = await startOn(backend, { hooks: { choices: CHOICES } });
      api = new ApiClient(s.url);
    });

    after(async () => {
      await s?.stop();
      await backend.cleanup();
    });

    it('creates independent sheets with a slug name; lists, gets, renames', async () => {
      const ions = await api.post('/api/v1/sheets', { name: 'ions', title: 'Ion line', layout: LAYOUT });
      assert.equal(ions.status, 201, JSON.stringify(ions.body));
      assert.equal(ions.headers.get('location'), '/api/v1/sheets/ions');
      assert.deepEqual([ions.body.name, ions.body.title, ions.body.archived, ions.body.default, ions.body.layoutVersion, ions.body.createdBy], ['ions', 'Ion line', false, false, 1, 'admin']);
      assert.equal((await api.post('/api/v1/sheets', { name: 'electrons', title: 'Electron line' })).status, 201);
      assert.deepEqual((await api.get('/api/v1/sheets/electrons/layout')).body.sections, [], 'no layout given: an empty version 1');
      const dup = await api.post('/api/v1/sheets', { name: 'ions', title: 'Again' });
      assert.equal(dup.status, 409);
      for (const name of ['Ions', 'ion line', '', 'a.b', '-x']) {
        const bad = await api.post('/api/v1/sheets', { name, title: 'x' });
        assert.equal(bad.status, 400, name);
        assert.equal(bad.body.details[0].field, 'name');
      }
      const renamed = await api.patch('/api/v1/sheets/electrons', { title: 'Electron spectrometer' });
      assert.equal(renamed.body.title, 'Electron spectrometer');
      assert.deepEqual((await api.get('/api/v1/sheets')).body.items.map((x: { name: string }) => x.name), ['electrons', 'ions']);
      assert.equal((await api.get('/api/v1/sheets/nope')).status, 404);
      assert.equal((await api.patch('/api/v1/sheets/nope', { title: 'x' })).status, 404);
    });

    it('archives and unarchives a sheet; an archived sheet is listed only on request and its entries are read-only', async () => {
      const entry = await api.post('/api/v1/sheets/electrons/entries', {});
      assert.equal(entry.status, 201, JSON.stringify(entry.body));
      assert.equal((await api.patch('/api/v1/sheets/electrons', { archived: true })).body.archived, true);
      assert.deepEqual((await api.get('/api/v1/sheets')).body.items.map((x: { name: string }) => x.name), ['ions']);
      assert.deepEqual((await api.get('/api/v1/sheets?archived=true')).body.items.map((x: { name: string }) => x.name), ['electrons', 'ions']);
      assert.equal((await api.get(`/api/v1/sheets/electrons/entries/${entry.body.id}`)).status, 200, 'still readable');
      const refused = await api.post('/api/v1/sheets/electrons/entries', {});
      assert.equal(refused.status, 409);
      assert.match(refused.body.error, /archived/);
      assert.equal((await api.patch(`/api/v1/sheets/electrons/entries/${entry.body.id}`, { daq: { a: 1 } }, { 'if-match': '"1"' })).status, 409);
      assert.equal((await api.patch('/api/v1/sheets/electrons', { archived: false })).body.archived, false);
      assert.equal((await api.post('/api/v1/sheets/electrons/entries', {})).status, 201);
    });

    it('keeps one default sheet, and sets the campaigns a sheet is active for', async () => {
      assert.equal((await api.patch('/api/v1/sheets/ions', { default: true, campaigns: ['2026-11-run3'] })).body.default, true);
      assert.equal((await api.patch('/api/v1/sheets/electrons', { default: true })).body.default, true);
      const byName = Object.fromEntries((await api.get('/api/v1/sheets')).body.items.map((x: { name: string; default: boolean }) => [x.name, x]));
      assert.equal(byName.ions.default, false);
      assert.equal(byName.electrons.default, true);
      assert.deepEqual(byName.ions.campaigns, ['2026-11-run3']);
      assert.equal((await api.patch('/api/v1/sheets/ions', { campaigns: ['a', 'a'] })).status, 400);
      assert.equal((await api.patch('/api/v1/sheets/ions', {})).status, 400);
    });

    it('stores each layout as a new version; the current one and every version stay readable', async () => {
      const v1 = await api.get('/api/v1/sheets/ions/layout');
      assert.equal(v1.body.version, 1);
      assert.equal(v1.headers.get('etag'), '"1"');
      assert.deepEqual(v1.body.sections, LAYOUT.sections);
      const next = structuredClone(LAYOUT);
      next.sections[1]!.fields.push({ key: 'operator', label: 'Operator', type: 'text', required: true } as never);
      const put = await api.put('/api/v1/sheets/ions/layout', next);
      assert.equal(put.status, 201, JSON.stringify(put.body));
      assert.equal(put.body.version, 2);
      assert.equal(put.headers.get('location'), '/api/v1/sheets/ions/layout/versions/2');
      assert.equal((await api.get('/api/v1/sheets/ions/layout')).body.version, 2);
      assert.equal((await api.get('/api/v1/sheets/ions')).body.layoutVersion, 2);
      assert.deepEqual((await api.get('/api/v1/sheets/ions/layout/versions/1')).body.sections, LAYOUT.sections);
      assert.equal((await api.get('/api/v1/sheets/ions/layout/versions/2')).body.sections[1].fields.length, 3);
      assert.equal((await api.get('/api/v1/sheets/ions/layout/versions/9')).status, 404);
      assert.deepEqual((await api.get('/api/v1/sheets/ions/layout/versions')).body.items.map((v: { version: number }) => v.version), [2, 1]);
      // If-Match: a layout edited from an older version is refused.
      const stale = await api.put('/api/v1/sheets/ions/layout', LAYOUT, { 'if-match': '"1"' });
      assert.equal(stale.status, 409);
      assert.equal(stale.body.current.version, 2);
      assert.equal((await api.get('/api/v1/sheets/ions/layout')).body.version, 2, 'nothing stored');
      const restored = await api.put('/api/v1/sheets/ions/layout', LAYOUT, { 'if-match': '"2"' });
      assert.equal(restored.body.version, 3);
    });

    it('refuses an invalid layout with 400 naming every problem by its path, storing nothing', async () => {
      const field = (f: Record<string, unknown>) => ({ key: 'f', label: 'F', type: 'text', ...f });
      const cases: [unknown, string, RegExp][] = [
        [{ sections: [{ title: 'S', fields: [field({ type: 'colour' })] }] }, 'sections.0.fields.0.type', /unknown type "colour"/],
        [{ sections: [{ title: 'S', fields: [field({}), field({ label: 'again' })] }] }, 'sections.0.fields.1.key', /duplicate key "f"/],
        [{ sections: [{ title: 'S', fields: [field({})] }, { title: 'T', fields: [field({})] }] }, 'sections.1.fields.0.key', /duplicate/],
        [{ sections: [{ title: 'S', fields: [field({ showIf: { field: 'missing', equals: 1 } })] }] }, 'sections.0.fields.0.showIf.field', /no field "missing"/],
        [{ sections: [{ title: 'S', fields: [field({ type: 'number', min: 10, max: 1 })] }] }, 'sections.0.fields.0.min', /greater than max/],
        [{ sections: [{ title: 'S', fields: [field({ type: 'integer', min: 1.5 })] }] }, 'sections.0.fields.0.min', /integer/],
        [{ sections: [{ title: 'S', fields: [field({ key: 'Bad Key' })] }] }, 'sections.0.fields.0.key', /slug/],
        [{ sections: [{ title: 'S', fields: [field({ label: '' })] }] }, 'sections.0.fields.0.label', /1 to 200/],
        [{ sections: [{ title: 'S', fields: [field({ unit: 'm' })] }] }, 'sections.0.fields.0.unit', /not a property of a text field/],
        [{ sections: [{ title: 'S', fields: [field({ type: 'select' })] }] }, 'sections.0.fields.0', /either choices .* or options/],
        [{ sections: [{ title: 'S', fields: [field({ type: 'select', options: ['a', 'a'] })] }] }, 'sections.0.fields.0.options', /duplicate/],
        [{ sections: [{ title: 'S', fields: [field({ type: 'number', max: 5, default: 7 })] }] }, 'sections.0.fields.0.default', /at most 5/],
        [{ sections: [{ title: 'S', fields: [field({ type: 'select', options: ['a'], default: 'b' })] }] }, 'sections.0.fields.0.default', /one of: a/],
        [{ sections: [{ title: 'S', fields: [field({ type: 'select', choices: 'targets', default: 'Au' })] }] }, 'sections.0.fields.0.default', /not in the choice list "targets"/],
        [{ sections: [{ title: 'S', fields: [field({ key: 'a', showIf: { field: 'b', equals: 'x' } }), field({ key: 'b', showIf: { field: 'a', equals: 'y' } })] }] }, 'sections.0.fields.0.showIf.field', /cycle/],
        [{ sections: [{ title: 'S', fields: [field({ key: 'n', type: 'number' }), field({ key: 'm', showIf: { field: 'n', equals: 'many' } })] }] }, 'sections.0.fields.1.showIf.equals', /must be a number/],
        [{ sections: [{ title: 'S', fields: [field({ key: 'd', type: 'diagnostics', required: true })] }] }, 'sections.0.fields.0.required', /not a property/],
        [{ sections: [{ title: 'S', fields: [field({ key: 'd', type: 'diagnostics' }), field({ key: 'x', showIf: { field: 'd', equals: 1 } })] }] }, 'sections.0.fields.1.showIf.field', /holds no value/],
        [{ sections: [{ fields: [] }] }, 'sections.0.title', /1 to 200/],
        [{ sections: [{ title: 'S', fields: [field({ showIf: { field: 'f' } })] }] }, 'sections.0.fields.0.showIf', /exactly one of equals and in/],
      ];
      for (const [layout, path, message] of cases) {
        const res = await api.put('/api/v1/sheets/ions/layout', layout);
        assert.equal(res.status, 400, `${path}: ${JSON.stringify(res.body)}`);
        const detail = res.body.details.find((d: { field: string }) => d.field === path);
        assert.ok(detail, `${path} not named in ${JSON.stringify(res.body.details)}`);
        assert.match(detail.message, message, path);
      }
      // Several problems at once: every one named.
      const many = await api.put('/api/v1/sheets/ions/layout', { sections: [{ title: 'S', fields: [field({ type: 'colour' }), field({ key: 'g', type: 'number', min: 3, max: 2 })] }] });
      assert.deepEqual(many.body.details.map((d: { field: string }) => d.field), ['sections.0.fields.0.type', 'sections.0.fields.1.min']);
      const inCreate = await api.post('/api/v1/sheets', { name: 'broken', title: 'B', layout: { sections: [{ title: 'S', fields: [field({ type: 'colour' })] }] } });
      assert.equal(inCreate.status, 400);
      assert.equal(inCreate.body.details[0].field, 'layout.sections.0.fields.0.type');
      assert.equal((await api.get('/api/v1/sheets/broken')).status, 404);
      assert.equal((await api.get('/api/v1/sheets/ions/layout')).body.version, 3, 'no version stored');
    });

    it('defines diagnostics with typed settings, validated like layout fields', async () => {
      const created = await api.put('/api/v1/sheets/ions/diagnostics/thomson', {
        label: 'Thomson parabola',
        fields: [
          { key: 'b_field', label: 'B field', type: 'number', unit: 'T', min: 0, max: 2, required: true },
          { key: 'filter', label: 'Filter', type: 'select', options: ['none', 'Al 10 µm'] },
        ],
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal(created.body.revision, 1);
      const replaced = await api.put('/api/v1/sheets/ions/diagnostics/thomson', { label: 'Thomson parabola spectrometer', fields: created.body.fields });
      assert.equal(replaced.status, 200);
      assert.equal(replaced.body.revision, 2);
      assert.equal((await api.put('/api/v1/sheets/ions/diagnostics/rcf', { label: 'RCF stack', fields: [{ key: 'layers', label: 'Layers', type: 'integer', min: 1 }] })).status, 201);
      assert.deepEqual((await api.get('/api/v1/sheets/ions/diagnostics')).body.items.map((d: { name: string }) => d.name), ['rcf', 'thomson']);
      assert.equal((await api.get('/api/v1/sheets/electrons/diagnostics')).body.items.length, 0, 'per sheet');
      const bad = await api.put('/api/v1/sheets/ions/diagnostics/bad', { label: 'Bad', fields: [{ key: 'x', label: 'X', type: 'diagnostics' }, { key: 'y', label: 'Y', type: 'number', min: 2, max: 1 }] });
      assert.equal(bad.status, 400);
      assert.deepEqual(bad.body.details.map((d: { field: string }) => d.field), ['fields.0.type', 'fields.1.min']);
      assert.equal((await api.get('/api/v1/sheets/ions/diagnostics/bad')).status, 404);
      assert.equal((await api.put('/api/v1/sheets/ions/diagnostics/Bad-Name', { label: 'x', fields: [] })).status, 400);
    });

    it('defines presets of diagnostic settings, validated against the diagnostics', async () => {
      const preset = await api.put('/api/v1/sheets/ions/presets/standard', { label: 'Standard', diagnostics: { thomson: { settings: { b_field: 0.5, filter: 'none' } }, rcf: { active: false } } });
      assert.equal(preset.status, 201, JSON.stringify(preset.body));
      assert.deepEqual(preset.body.diagnostics, { thomson: { active: true, settings: { b_field: 0.5, filter: 'none' } }, rcf: { active: false, settings: {} } });
      const bad = await api.put('/api/v1/sheets/ions/presets/broken', { diagnostics: { thomson: { settings: { b_field: 5, filter: 'lead', extra: 1 } }, laser: {} } });
      assert.equal(bad.status, 400);
      assert.deepEqual(bad.body.details.map((d: { field: string }) => d.field).sort(), ['diagnostics.laser', 'diagnostics.thomson.settings.b_field', 'diagnostics.thomson.settings.extra', 'diagnostics.thomson.settings.filter']);
      assert.equal((await api.get('/api/v1/sheets/ions/presets/broken')).status, 404);
      assert.deepEqual((await api.get('/api/v1/sheets/ions/presets')).body.items.map((p: { name: string }) => p.name), ['standard']);
      const inUse = await api.delete('/api/v1/sheets/ions/diagnostics/rcf');
      assert.equal(inUse.status, 409);
      assert.match(inUse.body.error, /preset standard/);
      assert.equal((await api.put('/api/v1/sheets/ions/presets/standard', { label: 'Standard', diagnostics: { thomson: { settings: { b_field: 0.5 } } } })).body.revision, 2);
      assert.equal((await api.delete('/api/v1/sheets/ions/diagnostics/rcf')).status, 204);
      assert.equal((await api.delete('/api/v1/sheets/ions/diagnostics/rcf')).status, 404);
      assert.equal((await api.put('/api/v1/sheets/ions/presets/temp', { diagnostics: {} })).status, 201);
      assert.equal((await api.delete('/api/v1/sheets/ions/presets/temp')).status, 204);
      assert.equal((await api.get('/api/v1/sheets/ions/presets/temp')).status, 404);
    });

    it('describes the new routes in /openapi.json with bearer authentication', async () => {
      const doc = (await api.anonymous().get('/openapi.json')).body;
      for (const path of ['/api/v1/sheets/', '/api/v1/sheets/{sheet}/layout', '/api/v1/sheets/{sheet}/entries', '/api/v1/sheets/{sheet}/entries/{id}', '/api/v1/tokens']) assert.ok(doc.paths[path], path);
      assert.equal(doc.components.securitySchemes.bearer.scheme, 'bearer');
    });
  });
}

for (const backend of testBackends('sheets')) suite(backend);
