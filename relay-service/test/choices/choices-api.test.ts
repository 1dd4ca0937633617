// Choice lists over real HTTP against both stores: editing, roles, the
// ChoiceSource the layout validator uses, and syncing from a local server that
// answers like the MediaWiki Action API (on demand and by the scheduler).
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { ChoiceSyncScheduler } from '../../src/choices/sync.ts';
import type { AuditEntry } from '../../src/settings/types.ts';
import { BACKENDS, startHarness, type Harness } from '../search/harness.ts';
import { startFakeWiki, type FakeWiki } from './fake-wiki.ts';

const TARGETS = `== Metals ==
* [[Copper (Cu)|Cu]]
* '''Ti''' <!-- titanium -->
* Al {{cn}}
** 5 µm foil
* <span>Au</span><ref>supplier</ref>
* Cu
== Gases ==
# He
# [[Argon|Ar]]
# N<sub>2</sub>
`;

const OPERATORS = `{| class="wikitable"
! Name !! Role
|-
| [[User:Alice|Alice Smith]] || Laser
|-
| style="background:#eee" | Bob Jones || Target
|}`;

for (const backend of BACKENDS) {
  describe(`choice lists (${backend.name})`, { skip: backend.skip }, () => {
    let h: Harness;
    let wiki: FakeWiki;

    before(async () => {
      wiki = await startFakeWiki({ slowMs: 2000 });
      h = await startHarness(backend, 'choices');
    });
    after(async () => {
      await h?.close();
      await wiki?.close();
    });

    describe('editing', () => {
      it('creates a list: order kept, values trimmed, labels optional', async () => {
        assert.deepEqual((await h.viewer.get('/api/v1/choices')).body, { items: [] });
        const res = await h.admin.put('/api/v1/choices/gases', { description: 'Gas jet gases', items: ['He', { value: 'Ar', label: 'Argon' }, ' N2 ', { value: 'H2', description: 'hydrogen, 5.0' }] });
        assert.equal(res.status, 201, JSON.stringify(res.body));
        assert.deepEqual(res.body.items, [{ value: 'He' }, { value: 'Ar', label: 'Argon' }, { value: 'N2' }, { value: 'H2', description: 'hydrogen, 5.0' }]);
        assert.equal(res.body.name, 'gases');
        assert.equal(res.body.version, 1);
        assert.equal(res.body.source, null);
        assert.equal(res.body.sync, null);
        assert.equal(res.body.createdBy, 'admin-user');
        const got = await h.viewer.get('/api/v1/choices/gases');
        assert.equal(got.status, 200);
        assert.deepEqual(got.body, res.body);
      });

      it('serves the layout validator (ChoiceSource): values in order, null for no list', async () => {
        assert.deepEqual(await h.choices.items('gases'), ['He', 'Ar', 'N2', 'H2']);
        assert.equal(await h.choices.items('nope'), null);
      });

      it('a PUT that changes nothing keeps the version; one that changes bumps it', async () => {
        const same = await h.admin.put('/api/v1/choices/gases', { description: 'Gas jet gases', items: ['He', { value: 'Ar', label: 'Argon' }, 'N2', { value: 'H2', description: 'hydrogen, 5.0' }] });
        assert.equal(same.status, 200);
        assert.equal(same.body.version, 1);
        const changed = await h.admin.put('/api/v1/choices/gases', { description: 'Gas jet gases', items: ['He', 'Ar', 'N2', 'H2'] });
        assert.equal(changed.body.version, 2);
        assert.deepEqual(changed.body.items, [{ value: 'He' }, { value: 'Ar' }, { value: 'N2' }, { value: 'H2' }]);
      });

      it('refuses duplicates, blanks and bad names, naming the item', async () => {
        const dup = await h.admin.put('/api/v1/choices/gases', { items: ['He', 'Ar', ' He'] });
        assert.equal(dup.status, 400);
        assert.deepEqual(dup.body.details, [{ field: 'items.2', message: '"He" is already in the list (items.0)' }]);
        const blank = await h.admin.put('/api/v1/choices/x', { items: ['  '] });
        assert.equal(blank.status, 400);
        assert.equal(blank.body.details[0].field, 'items.0');
        assert.equal((await h.admin.put('/api/v1/choices/Gases', { items: [] })).status, 400);
        assert.equal((await h.admin.put('/api/v1/choices/ga$es', { items: [] })).status, 400);
        assert.equal((await h.admin.put('/api/v1/choices/gases', { items: [{ value: 'x', colour: 'red' }] })).status, 400);
        assert.equal((await h.viewer.get('/api/v1/choices/gases')).body.version, 2, 'nothing changed');
      });

      it('PATCH adds at the end and removes by value', async () => {
        const added = await h.admin.patch('/api/v1/choices/gases', { add: ['Ne', { value: 'Kr', label: 'Krypton' }] });
        assert.equal(added.status, 200);
        assert.deepEqual(added.body.items.map((i: { value: string }) => i.value), ['He', 'Ar', 'N2', 'H2', 'Ne', 'Kr']);
        const removed = await h.admin.patch('/api/v1/choices/gases', { remove: ['Ar', 'H2'], description: 'Gases' });
        assert.deepEqual(removed.body.items.map((i: { value: string }) => i.value), ['He', 'N2', 'Ne', 'Kr']);
        assert.equal(removed.body.description, 'Gases');
        const dup = await h.admin.patch('/api/v1/choices/gases', { add: ['Xe', 'He'] });
        assert.equal(dup.status, 400);
        assert.deepEqual(dup.body.details, [{ field: 'add.1', message: '"He" is already in the list (existing item 0)' }]);
        const unknown = await h.admin.patch('/api/v1/choices/gases', { remove: ['Xe'] });
        assert.equal(unknown.status, 400);
        assert.equal(unknown.body.details[0].field, 'remove.0');
        assert.equal((await h.admin.patch('/api/v1/choices/gases', {})).status, 400);
        assert.equal((await h.admin.patch('/api/v1/choices/nope', { add: ['x'] })).status, 404);
        assert.deepEqual(await h.choices.items('gases'), ['He', 'N2', 'Ne', 'Kr']);
      });

      it('lists the lists with their size', async () => {
        const { body } = await h.viewer.get('/api/v1/choices');
        assert.equal(body.items.length, 1);
        assert.deepEqual({ ...body.items[0], updatedAt: undefined }, { name: 'gases', description: 'Gases', count: 4, synced: false, lastSyncAt: null, lastError: null, version: 4, updatedAt: undefined, updatedBy: 'admin-user' });
      });

      it('reading needs viewer, changing needs admin', async () => {
        assert.equal((await h.viewer.anonymous().get('/api/v1/choices/gases')).status, 401);
        assert.equal((await h.viewer.put('/api/v1/choices/gases', { items: ['x'] })).status, 403);
        assert.equal((await h.editor.patch('/api/v1/choices/gases', { add: ['x'] })).status, 403);
        assert.equal((await h.editor.delete('/api/v1/choices/gases')).status, 403);
        assert.equal((await h.viewer.post('/api/v1/choices/gases/sync')).status, 403);
        assert.equal((await h.editor.get('/api/v1/choices')).status, 200);
      });

      it('audits every change: who, what was added and removed', async () => {
        const audit = (await h.store.collection<AuditEntry>('audit').find({ target: 'choices:gases' }, { sort: { _id: 1 } })).map((a) => [a.action, a.by, a.old, a.new]);
        assert.deepEqual(audit[0]?.slice(0, 2), ['create', 'admin-user']);
        assert.deepEqual(audit.at(-1), ['update', 'admin-user', { removed: ['Ar', 'H2'], description: 'Gas jet gases' }, { description: 'Gases' }]);
        assert.equal(audit.length, 4);
      });

      it('deletes a list', async () => {
        assert.equal((await h.admin.delete('/api/v1/choices/gases')).status, 204);
        assert.equal((await h.viewer.get('/api/v1/choices/gases')).status, 404);
        assert.equal((await h.admin.delete('/api/v1/choices/gases')).status, 404);
        assert.equal(await h.choices.items('gases'), null);
      });
    });

    describe('wiki sync', () => {
      beforeEach(() => {
        wiki.pages.set('Lab:Targets', TARGETS);
        wiki.pages.set('Lab:Operators', OPERATORS);
        wiki.modes.clear();
        wiki.formatVersion1 = false;
      });

      it('a list with a source: items come from the page (action=parse), on demand', async () => {
        const created = await h.admin.put('/api/v1/choices/targets', { description: 'Targets', source: { wikiUrl: wiki.url, page: 'Lab:Targets', section: 'Metals' } });
        assert.equal(created.status, 201, JSON.stringify(created.body));
        assert.deepEqual(created.body.items, []);
        assert.deepEqual(created.body.sync, { lastSyncAt: null, lastAttemptAt: null, lastError: null, nextSyncAt: null, warnings: [] });
        wiki.requests.length = 0;
        const synced = await h.admin.post('/api/v1/choices/targets/sync');
        assert.equal(synced.status, 200, JSON.stringify(synced.body));
        assert.deepEqual(synced.body.items, [{ value: 'Cu' }, { value: 'Ti' }, { value: 'Al' }, { value: 'Au' }]);
        assert.ok(synced.body.sync.lastSyncAt);
        assert.equal(synced.body.sync.lastError, null);
        assert.equal(synced.body.updatedBy, 'wiki sync');
        const q = wiki.requests[0]!;
        assert.deepEqual(Object.fromEntries(q), { action: 'parse', page: 'Lab:Targets', prop: 'wikitext', format: 'json', formatversion: '2', redirects: '1' });
        assert.deepEqual(await h.choices.items('targets'), ['Cu', 'Ti', 'Al', 'Au']);
        assert.deepEqual((await h.viewer.get('/api/v1/choices/targets')).body.items, synced.body.items);
      });

      it('reads formatversion 1 answers and action=query', async () => {
        wiki.formatVersion1 = true;
        assert.equal((await h.admin.post('/api/v1/choices/targets/sync')).status, 200);
        const put = await h.admin.put('/api/v1/choices/gas', { source: { wikiUrl: `${wiki.url}/api.php`, page: 'Lab:Targets', section: 'Gases', api: 'query' } });
        assert.equal(put.status, 201);
        const synced = await h.admin.post('/api/v1/choices/gas/sync');
        assert.equal(synced.status, 200, JSON.stringify(synced.body));
        assert.deepEqual(synced.body.items.map((i: { value: string }) => i.value), ['He', 'Ar', 'N2']);
        wiki.formatVersion1 = false;
        assert.equal((await h.admin.post('/api/v1/choices/gas/sync')).status, 200);
        assert.equal(wiki.requests.at(-1)!.get('action'), 'query');
        assert.equal(wiki.requests.at(-1)!.get('titles'), 'Lab:Targets');
      });

      it('a wikitable column', async () => {
        await h.admin.put('/api/v1/choices/operators', { source: { wikiUrl: wiki.url, page: 'Lab:Operators', column: 'Name' } });
        const synced = await h.admin.post('/api/v1/choices/operators/sync');
        assert.equal(synced.status, 200, JSON.stringify(synced.body));
        assert.deepEqual(synced.body.items.map((i: { value: string }) => i.value), ['Alice Smith', 'Bob Jones']);
      });

      it('a failed sync keeps the last good list and says why', async () => {
        const good = (await h.viewer.get('/api/v1/choices/targets')).body;
        const failures: [() => void, RegExp][] = [
          [() => wiki.modes.set('Lab:Targets', 'missing'), /"Lab:Targets" does not exist on the wiki \(missingtitle\)/],
          [() => wiki.modes.set('Lab:Targets', 'slow'), /no complete answer within 300 ms/],
          [() => wiki.modes.set('Lab:Targets', 'error500'), /HTTP 500/],
          [() => wiki.modes.set('Lab:Targets', 'huge'), /more than the limit of 262144 bytes/],
          [() => wiki.modes.set('Lab:Targets', 'html'), /not JSON/],
          [() => wiki.pages.set('Lab:Targets', 'no sections any more'), /no section "Metals"/],
          [() => wiki.pages.set('Lab:Targets', '== Metals ==\nnothing listed'), /no items found/],
        ];
        for (const [breakIt, message] of failures) {
          wiki.modes.clear();
          wiki.pages.set('Lab:Targets', TARGETS);
          breakIt();
          const started = Date.now();
          const res = await h.admin.post('/api/v1/choices/targets/sync');
          assert.ok(Date.now() - started < 2000, 'bounded in time');
          assert.equal(res.status, 502, JSON.stringify(res.body));
          assert.match(res.body.error, message);
          const list = (await h.viewer.get('/api/v1/choices/targets')).body;
          assert.deepEqual(list.items, good.items, 'the last good items stay');
          assert.equal(list.version, good.version);
          assert.equal(list.sync.lastSyncAt, good.sync.lastSyncAt);
          assert.match(list.sync.lastError.message, message);
          assert.ok(list.sync.lastError.at >= good.sync.lastSyncAt);
          assert.deepEqual(res.body.list, list);
          assert.deepEqual(await h.choices.items('targets'), ['Cu', 'Ti', 'Al', 'Au']);
        }
        const summary = (await h.viewer.get('/api/v1/choices')).body.items.find((l: { name: string }) => l.name === 'targets');
        assert.equal(summary.synced, true);
        assert.match(summary.lastError.message, /no items/);
        wiki.pages.set('Lab:Targets', TARGETS.replace('* Cu\n==', '* Pt\n=='));
        const healed = await h.admin.post('/api/v1/choices/targets/sync');
        assert.equal(healed.status, 200);
        assert.equal(healed.body.sync.lastError, null);
        assert.deepEqual(healed.body.items.map((i: { value: string }) => i.value), ['Cu', 'Ti', 'Al', 'Au', 'Pt']);
      });

      it('a wiki nobody answers on fails the same way', async () => {
        await h.admin.put('/api/v1/choices/offline', { source: { wikiUrl: 'http://127.0.0.1:9/w', page: 'X' } });
        const res = await h.admin.post('/api/v1/choices/offline/sync');
        assert.equal(res.status, 502);
        assert.match(res.body.list.sync.lastError.message, /cannot reach the wiki|no complete answer/);
      });

      it('while a list syncs, its items are not edited by hand', async () => {
        const put = await h.admin.put('/api/v1/choices/targets', { source: { wikiUrl: wiki.url, page: 'Lab:Targets', section: 'Metals' }, items: ['x'] });
        assert.equal(put.status, 400);
        assert.equal(put.body.details[0].field, 'items');
        const patch = await h.admin.patch('/api/v1/choices/targets', { add: ['Pb'] });
        assert.equal(patch.status, 400);
        assert.equal(patch.body.details[0].field, 'add');
        const bad = await h.admin.put('/api/v1/choices/badsource', { source: { wikiUrl: 'ftp://wiki/w', page: 'X' } });
        assert.equal(bad.status, 400);
        assert.equal(bad.body.details[0].field, 'source.wikiUrl');
        const secret = await h.admin.put('/api/v1/choices/badsource', { source: { wikiUrl: 'https://bot:pw@wiki/w', page: 'X' } });
        assert.equal(secret.status, 400);
        assert.equal((await h.admin.post('/api/v1/choices/nope/sync')).status, 404);
        await h.admin.put('/api/v1/choices/manual', { items: ['a'] });
        assert.equal((await h.admin.post('/api/v1/choices/manual/sync')).status, 409);
        // Back to editing by hand: source null keeps the items, which can then change.
        const detached = await h.admin.patch('/api/v1/choices/targets', { source: null, add: ['Pb'] });
        assert.equal(detached.status, 200, JSON.stringify(detached.body));
        assert.equal(detached.body.source, null);
        assert.equal(detached.body.sync, null);
        assert.equal(detached.body.items.at(-1).value, 'Pb');
      });

      it('the scheduler syncs lists whose interval has come, once across processes, and never throws', async () => {
        const logger = pino({ level: 'silent' });
        const put = await h.admin.put('/api/v1/choices/periodic', { source: { wikiUrl: wiki.url, page: 'Lab:Operators', column: 'Role', intervalMinutes: 5 } });
        assert.ok(put.body.sync.nextSyncAt, 'due at once');
        const a = new ChoiceSyncScheduler({ choices: h.choices, syncer: h.syncer, logger });
        const b = new ChoiceSyncScheduler({ choices: h.choices, syncer: h.syncer, logger });
        const now = new Date(Date.now() + 1000);
        const [na, nb] = await Promise.all([a.tick(now), b.tick(now)]);
        assert.equal(na + nb, 1, 'one of two schedulers syncs a due list');
        let list = (await h.viewer.get('/api/v1/choices/periodic')).body;
        assert.deepEqual(list.items.map((i: { value: string }) => i.value), ['Laser', 'Target']);
        assert.ok(Math.abs(Date.parse(list.sync.nextSyncAt) - (Date.now() + 5 * 60_000)) < 10_000, 'next in 5 minutes');
        assert.equal(await a.tick(new Date()), 0, 'not due yet');

        wiki.pages.set('Lab:Operators', `${OPERATORS.replace('|}', '|-\n| Carol || Diagnostics\n|}')}`);
        assert.equal(await a.tick(new Date(Date.now() + 6 * 60_000)), 1);
        list = (await h.viewer.get('/api/v1/choices/periodic')).body;
        assert.deepEqual(list.items.map((i: { value: string }) => i.value), ['Laser', 'Target', 'Diagnostics']);

        wiki.modes.set('Lab:Operators', 'error500');
        assert.equal(await a.tick(new Date(Date.now() + 12 * 60_000)), 1);
        list = (await h.viewer.get('/api/v1/choices/periodic')).body;
        assert.match(list.sync.lastError.message, /HTTP 500/);
        assert.equal(list.items.length, 3);

        // Running in the background: start, sync, stop.
        wiki.modes.clear();
        await h.admin.put('/api/v1/choices/periodic', { source: { wikiUrl: wiki.url, page: 'Lab:Operators', column: 'Name', intervalMinutes: 5 } });
        const bg = new ChoiceSyncScheduler({ choices: h.choices, syncer: h.syncer, logger, checkEveryMs: 20 });
        bg.start();
        const deadline = Date.now() + 5000;
        while ((await h.choices.items('periodic'))?.[0] !== 'Alice Smith' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
        await bg.stop();
        assert.deepEqual(await h.choices.items('periodic'), ['Alice Smith', 'Bob Jones', 'Carol']);
      });
    });
  });
}
