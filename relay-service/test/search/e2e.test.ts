// A whole Shotline (startShotline, both stores): choice lists check entries
// through the layout validator, entries written by the entries API are found
// by search, and the CSV export labels columns from the sheet's layout.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Shotline } from '../../src/shotline.ts';
import { ApiClient } from '../support/api.ts';
import { startOn, testBackends } from '../support/backends.ts';

const LAYOUT = {
  sections: [
    {
      title: 'Target',
      fields: [
        { key: 'material', label: 'Material', type: 'select', choices: 'targets' },
        { key: 'target_thickness', label: 'Thickness', type: 'number', unit: 'µm', min: 0 },
        { key: 'notes', label: 'Notes', type: 'text', multiline: true },
      ],
    },
  ],
};

for (const backend of testBackends('search-e2e')) {
  describe(`choice lists, entries, search and export together (${backend.name})`, { skip: backend.skip }, () => {
    let s: Shotline;
    let api: ApiClient;
    const E = '/api/v1/sheets/ions/entries';

    before(async () => {
      s = await startOn(backend);
      api = new ApiClient(s.url);
    });
    after(async () => {
      await s?.stop();
      await backend.cleanup();
    });

    it('entries are checked against the choice list as it is now', async () => {
      assert.equal((await api.put('/api/v1/choices/targets', { items: ['Cu', 'Al'] })).status, 201);
      const sheet = await api.post('/api/v1/sheets', { name: 'ions', title: 'Ion line', layout: LAYOUT });
      assert.equal(sheet.status, 201, JSON.stringify(sheet.body));
      const refused = await api.post(E, { fields: { material: 'Au' } });
      assert.equal(refused.status, 400);
      assert.ok(refused.body.details.some((d: { field: string; message: string }) => d.field === 'fields.material' && /choice list "targets"/.test(d.message)), JSON.stringify(refused.body));
      assert.equal((await api.patch('/api/v1/choices/targets', { add: ['Au'] })).status, 200);
      const accepted = await api.post(E, { fields: { material: 'Au', target_thickness: 2, notes: 'Pointing drift, again' } });
      assert.equal(accepted.status, 201, JSON.stringify(accepted.body));
      assert.equal((await api.post(E, { fields: { material: 'Cu', target_thickness: 5, notes: 'nominal' } })).status, 201);
    });

    it('search finds what the entries API wrote; export labels columns from the layout', async () => {
      const found = await api.post('/api/v1/search', { sheet: 'ions', text: 'drift POINTING' });
      assert.equal(found.status, 200, JSON.stringify(found.body));
      assert.equal(found.body.total, 1);
      assert.equal(found.body.items[0].fields.material, 'Au');
      const cu = await api.post('/api/v1/search', { sheet: 'ions', where: [{ field: 'fields.target_thickness', op: '>', value: 3 }] });
      assert.deepEqual(cu.body.items.map((e: { fields: { material: string } }) => e.fields.material), ['Cu']);
      const res = await fetch(`${s.url}/api/v1/search/export`, { method: 'POST', headers: { ...api.headers, 'content-type': 'application/json' }, body: JSON.stringify({ sheet: 'ions' }) });
      assert.equal(res.status, 200);
      const text = (await res.text()).replace(/^\uFEFF/, '');
      const header = text.split('\r\n')[0]!.split(',');
      assert.deepEqual(header.slice(10, 13), ['Material', 'Thickness [µm]', 'Notes']);
      assert.equal(text.split('\r\n').length, 4, 'header, two rows, and the final CRLF');
    });

    it('/openapi.json describes the search and choice-list routes', async () => {
      const res = await fetch(`${s.url}/openapi.json`);
      assert.equal(res.status, 200);
      const paths = Object.keys(((await res.json()) as { paths: object }).paths);
      for (const p of ['/api/v1/search/', '/api/v1/search/export', '/api/v1/choices/', '/api/v1/choices/{list}', '/api/v1/choices/{list}/sync']) assert.ok(paths.includes(p), `${p} in ${paths.join(' ')}`);
    });
  });
}
