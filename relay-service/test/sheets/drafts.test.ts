// Drafts from the watcher and linking entries to shots, against both stores:
// laser messages (a ZeroMQ stand-in for the laser) → relay → watcher → a
// draft in the sheet active for the campaign, or the default sheet; then the
// same through the watcher's repository directly, redelivering batches.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import type { Shotline } from '../../src/shotline.ts';
import type { ShotRecord } from '../../src/shot.ts';
import { SettingsService } from '../../src/settings/service.ts';
import { ShotSheets } from '../../src/sheets/index.ts';
import { ShotRepository } from '../../src/store/shots.ts';
import { openStore } from '../../src/store/index.ts';
import type { Store } from '../../src/store/types.ts';
import { ApiClient } from '../support/api.ts';
import { startOn, testBackends, type TestBackend } from '../support/backends.ts';
import { waitFor } from '../support/net.ts';
import { FakeLaser } from '../ingest/zmq-support.ts';

const LAYOUT = {
  sections: [
    {
      title: 'Shot',
      fields: [
        { key: 'target', label: 'Target', type: 'text', default: 'Cu 5 µm' },
        { key: 'quality', label: 'Quality', type: 'select', options: ['good', 'bad'], required: true },
      ],
    },
  ],
};

function suite(backend: TestBackend) {
  describe(`drafts from the watcher, linking entries to shots (${backend.name})`, { skip: backend.skip }, () => {
    let s: Shotline;
    let laser: FakeLaser;
    let api: ApiClient;
    let counter = 0;

    /** Fires `n` triggering laser messages and waits until they are stored shots. */
    const fire = async (n: number): Promise<ShotRecord[]> => {
      const before = (await api.get('/api/v1/shots?limit=1')).body.items[0]?.shotNumber ?? 0;
      for (let i = 0; i < n; i++) {
        counter++;
        await laser.send(JSON.stringify({ shot_id: counter, timestamp: new Date().toISOString(), energy_J: 5 + i / 10, pulse_duration_fs: 30 }));
      }
      return waitFor(`${n} stored shots`, async () => {
        const { body } = await api.get(`/api/v1/shots?limit=${n}`);
        return body.items.length === n && body.items.at(-1).shotNumber === before + 1 ? [...body.items].reverse() : undefined;
      });
    };
    const entriesOf = async (sheet: string) => (await api.get(`/api/v1/sheets/${sheet}/entries?limit=500&order=shotNumber`)).body.items as any[];

    before(async () => {
      laser = await FakeLaser.bind();
      s = await startOn(backend, { env: { SHOTLINE_ZMQ_ENDPOINTS: laser.endpoint } });
      api = new ApiClient(s.url);
      await laser.waitForSubscriptions();
      assert.equal((await api.patch('/api/v1/relay/channels/energy_J', { rule: { kind: 'above', above: 1 } })).status, 200);
      for (const [name, extra] of [['ions', { campaigns: ['run3'] }], ['main', { default: true }], ['other', {}]] as const) {
        assert.equal((await api.post('/api/v1/sheets', { name, title: name, layout: LAYOUT, ...extra })).status, 201);
      }
    });

    after(async () => {
      await s?.stop();
      laser?.close();
      await backend.cleanup();
    });

    it('puts a draft of each stored shot into the sheet active for its campaign, prefilled from the shot', async () => {
      assert.equal((await api.put('/api/v1/relay/campaign', { name: 'run3' })).status, 200);
      const shots = await fire(3);
      const drafts = await waitFor('3 drafts in ions', async () => {
        const items = await entriesOf('ions');
        return items.length === 3 ? items : undefined;
      });
      assert.deepEqual(drafts.map((d) => d.shotNumber), shots.map((x) => x.shotNumber).sort((a, b) => b - a));
      const shot = shots[0]!;
      const draft = drafts.find((d) => d.shotUid === shot.uid);
      assert.deepEqual(
        [draft.status, draft.campaign, draft.receivedAt, draft.channels, draft.fields, draft.layoutVersion, draft.revision, draft.createdBy, draft.deleted],
        ['draft', 'run3', shot.receivedAt, shot.channels, { target: 'Cu 5 µm' }, 1, 1, 'watcher', false],
      );
      assert.equal(draft.channels.energy_J, 5);
      const revisions = (await api.get(`/api/v1/sheets/ions/entries/${draft.id}/revisions`)).body.items;
      assert.deepEqual(revisions.map((r: { action: string; by: string }) => `${r.action} by ${r.by}`), ['draft by watcher']);
      assert.deepEqual(await entriesOf('main'), []);
      assert.deepEqual(await entriesOf('other'), []);
      const manual = await api.post('/api/v1/sheets/other/entries', { status: 'draft' });
      assert.equal(manual.body.campaign, 'run3', 'an entry without a shot belongs to the campaign in force');
      assert.equal((await api.delete(`/api/v1/sheets/other/entries/${manual.body.id}`)).status, 200);
      // An editor completes the draft.
      const done = await api.patch(`/api/v1/sheets/ions/entries/${draft.id}`, { status: 'complete', fields: { quality: 'good' } }, { 'if-match': '"1"' });
      assert.equal(done.status, 200, JSON.stringify(done.body));
      assert.equal((await api.patch(`/api/v1/sheets/ions/entries/${drafts[1].id}`, { status: 'complete' }, { 'if-match': '"1"' })).status, 400, 'quality is required to complete');
    });

    it('puts drafts into the default sheet when no sheet is active for the campaign; archived sheets get none', async () => {
      assert.equal((await api.delete('/api/v1/relay/campaign')).status, 200);
      const [shot] = await fire(1);
      const main = await waitFor('a draft in main', async () => {
        const items = await entriesOf('main');
        return items.length === 1 ? items : undefined;
      });
      assert.equal(main[0].shotUid, shot!.uid);
      assert.equal(main[0].campaign, null);
      assert.equal((await entriesOf('ions')).length, 3);

      assert.equal((await api.patch('/api/v1/sheets/main', { archived: true })).status, 200);
      const [later] = await fire(1);
      await new Promise((r) => setTimeout(r, 200));
      for (const sheet of ['ions', 'other']) assert.ok(!(await entriesOf(sheet)).some((e) => e.shotUid === later!.uid), sheet);
      const archived = (await api.get('/api/v1/sheets/main/entries?limit=500')).body.items;
      assert.ok(!archived.some((e: { shotUid: string }) => e.shotUid === later!.uid), 'no draft in an archived sheet');
      assert.equal((await api.patch('/api/v1/sheets/main', { archived: false })).status, 200);
    });

    it('makes no draft for a shot that has an entry in the sheet already', async () => {
      const next = (await api.get('/api/v1/shots?limit=1')).body.items[0].shotNumber + 1;
      const manual = await api.post('/api/v1/sheets/main/entries', { shotNumber: next, status: 'draft', fields: { quality: 'bad' } });
      assert.equal(manual.status, 201, JSON.stringify(manual.body));
      assert.equal(manual.body.shotUid, null, 'not stored yet: linked by number only');
      const [shot] = await fire(1);
      assert.equal(shot!.shotNumber, next);
      await new Promise((r) => setTimeout(r, 200));
      const forShot = (await entriesOf('main')).filter((e) => e.shotNumber === next);
      assert.deepEqual(forShot.map((e) => e.id), [manual.body.id]);
    });

    it('links a manual entry to a shot, taking its campaign, time and channels; refuses a shot that has an entry', async () => {
      const shots = (await api.get('/api/v1/shots?limit=100')).body.items as ShotRecord[];
      const target = shots.find((x) => x.campaign === 'run3')!;
      const manual = await api.post('/api/v1/sheets/other/entries', { fields: { quality: 'good' }, daq: { note: 'entered before the shot was known' } });
      assert.equal(manual.body.shotNumber, null);
      const url = `/api/v1/sheets/other/entries/${manual.body.id}`;
      const linked = await api.post(`${url}/link`, { shotUid: target.uid }, { 'if-match': '"1"' });
      assert.equal(linked.status, 200, JSON.stringify(linked.body));
      assert.deepEqual([linked.body.shotNumber, linked.body.shotUid, linked.body.campaign, linked.body.receivedAt, linked.body.channels], [target.shotNumber, target.uid, 'run3', target.receivedAt, target.channels]);
      assert.equal(linked.body.revision, 2);
      const revision = (await api.get(`${url}/revisions`)).body.items.at(-1);
      assert.equal(revision.action, 'link');
      assert.ok(revision.changes.some((c: { path: string; new: unknown }) => c.path === 'shotUid' && c.new === target.uid));

      const second = await api.post('/api/v1/sheets/other/entries', { fields: { quality: 'bad' } });
      const refused = await api.post(`/api/v1/sheets/other/entries/${second.body.id}/link`, { shotNumber: target.shotNumber });
      assert.equal(refused.status, 409);
      assert.match(refused.body.error, new RegExp(`shot ${target.shotNumber} already has an entry`));
      assert.equal(refused.body.entryId, manual.body.id);
      assert.equal((await api.get(`/api/v1/sheets/other/entries/${second.body.id}`)).body.shotNumber, null, 'unchanged');
      const draftHolder = await api.post(`/api/v1/sheets/ions/entries/${(await api.post('/api/v1/sheets/ions/entries', { fields: { quality: 'good' } })).body.id}/link`, { shotUid: target.uid });
      assert.equal(draftHolder.status, 409, 'the shot has its draft in ions');
      assert.equal((await api.post(`/api/v1/sheets/other/entries/${second.body.id}/link`, { shotUid: '01900000-0000-7000-8000-000000000000' })).status, 400);
      assert.equal((await api.post(`/api/v1/sheets/other/entries/${second.body.id}/link`, { shotUid: target.uid }, { 'if-match': '"5"' })).status, 409, 'stale');

      const byNumber = await api.post('/api/v1/sheets/other/entries', { shotNumber: shots[0]!.shotNumber, fields: { quality: 'good' } });
      assert.equal(byNumber.status, 201);
      assert.equal(byNumber.body.shotUid, shots[0]!.uid, 'a stored shot named by number is linked in full');
      const mismatch = await api.post('/api/v1/sheets/other/entries', { shotNumber: 999, shotUid: shots[1]!.uid, fields: { quality: 'good' } });
      assert.equal(mismatch.status, 400);
      assert.equal(mismatch.body.details[0].field, 'shotNumber');
    });
  });

  describe(`drafts are made once, whatever is redelivered (${backend.name})`, { skip: backend.skip }, () => {
    let store: Store;
    let sheets: ShotSheets;

    before(async () => {
      const env = await backend.env();
      store = await openStore({ dataDir: `${env.SHOTLINE_DATA_DIR}/store`, ...(env.MONGO_URL && { mongoUrl: env.MONGO_URL }) });
      const shots = new ShotRepository(store);
      const settings = new SettingsService(store);
      sheets = new ShotSheets({ store, shots, settings, logger: pino({ level: 'silent' }) });
      await Promise.all([shots.init(), settings.init(), sheets.init()]);
      await sheets.sheets.create({ name: 'main', title: 'Main', default: true, layout: LAYOUT }, 'test');
      await sheets.sheets.create({ name: 'ions', title: 'Ions', campaigns: ['c1'] }, 'test');
    });

    after(async () => {
      await store?.close();
      await backend.cleanup();
    });

    const shot = (n: number, campaign: string | null): ShotRecord => ({
      uid: `0193${String(n).padStart(4, '0')}-0000-7000-8000-${String(n).padStart(12, '0')}`,
      shotNumber: n,
      campaign,
      receivedAt: new Date(Date.UTC(2026, 10, 25, 10, 0, n)).toISOString(),
      channels: { energy_J: n },
      triggeredBy: ['energy_J'],
      thresholds: { energy_J: { kind: 'above', above: 1 } },
      source: { endpoint: 'tcp://laser:5556', topic: '' },
    });

    it('a redelivered batch, or part of one, makes no second draft and no second revision', async () => {
      const repo = sheets.watcherShots();
      const batch = [shot(1, null), shot(2, 'c1'), shot(3, null)];
      assert.deepEqual(await repo.insert(batch), { inserted: 3, duplicates: 0 });
      assert.equal((await repo.insert(batch)).duplicates, 3);
      assert.equal((await repo.insert([shot(2, 'c1'), shot(4, 'c1')])).inserted, 1);
      const main = await sheets.entries.list('main', { limit: 100, order: 'shotNumber' });
      const ions = await sheets.entries.list('ions', { limit: 100, order: 'shotNumber' });
      assert.deepEqual(main.items.map((e) => e.shotNumber), [3, 1]);
      assert.deepEqual(ions.items.map((e) => e.shotNumber), [4, 2]);
      for (const e of [...main.items, ...ions.items]) {
        assert.equal(e.status, 'draft');
        assert.equal((await sheets.entries.revisions(e.sheet, e._id)).length, 1);
      }
      assert.match(ions.items[0]!._id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'a UUIDv7');
    });

  });
}

for (const backend of testBackends('drafts')) suite(backend);
