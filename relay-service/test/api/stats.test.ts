// Stored shots by time range (GET /api/v1/shots?from&to) and the counts of
// GET /api/v1/stats/… over real HTTP, against both stores, with shots inserted
// through the shots repository as the watcher stores them.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { v7 as uuidv7 } from 'uuid';
import type { ShotRecord } from '../../src/shot.ts';
import { ShotRepository } from '../../src/store/shots.ts';
import { BACKENDS, startHarness, type Harness } from '../search/harness.ts';

function shot(shotNumber: number, receivedAt: string, campaign: string | null, triggeredBy: string[], extra: Partial<ShotRecord> = {}): ShotRecord {
  return {
    uid: uuidv7(),
    shotNumber,
    campaign,
    receivedAt,
    channels: { energy_J: shotNumber, pointing_x_urad: -shotNumber },
    triggeredBy,
    thresholds: { energy_J: { kind: 'above', above: 1 } },
    source: { endpoint: 'tcp://laser:5556', topic: '' },
    ...extra,
  };
}

// Three hours of 2026-11-20 (UTC), two campaigns and shots of none; from shot 6 on, energy_J is nicknamed "E".
const SHOTS: ShotRecord[] = [
  shot(1, '2026-11-20T10:00:00.000000Z', 'run1', ['energy_J']),
  shot(2, '2026-11-20T10:30:00.250000Z', 'run1', ['energy_J', 'pointing_x_urad']),
  shot(3, '2026-11-20T10:59:59.999999Z', 'run1', ['pointing_x_urad']),
  shot(4, '2026-11-20T11:00:00.000000Z', null, ['energy_J']),
  shot(5, '2026-11-20T11:45:00.000000Z', 'run2', ['energy_J']),
  shot(6, '2026-11-20T12:10:00.000000Z', 'run2', ['E'], { aliases: { E: 'energy_J' } }),
  shot(7, '2026-11-20T12:20:00.000000Z', 'run2', ['E', 'pointing_x_urad'], { aliases: { E: 'energy_J' } }),
];

for (const backend of BACKENDS) {
  describe(`shots by time and stats (${backend.name})`, { skip: backend.skip }, () => {
    let h: Harness;

    before(async () => {
      h = await startHarness(backend, 'stats');
      const shots = new ShotRepository(h.store);
      await shots.init();
      await shots.insert(SHOTS);
      for (const [name, body] of [
        ['energy_J', { nickname: 'E', enabled: true, rule: { kind: 'above', above: 1 } }],
        ['pointing_x_urad', { enabled: true, rule: { kind: 'outside', low: -5, high: 5 } }],
      ] as const) {
        const res = await h.admin.patch(`/api/v1/relay/channels/${name}`, body);
        assert.equal(res.status, 200, JSON.stringify(res.body));
      }
    });

    after(async () => {
      await h?.close();
    });

    it('lists the shots received in [from, to), newest first, with any other filter', async () => {
      const numbers = async (query: string) => {
        const res = await h.viewer.get(`/api/v1/shots?${query}`);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        return res.body.items.map((s: ShotRecord) => s.shotNumber);
      };
      assert.deepEqual(await numbers('from=2026-11-20T10:00:00Z&to=2026-11-20T11:00:00Z'), [3, 2, 1]);
      assert.deepEqual(await numbers('from=2026-11-20T12:00:00%2B01:00&to=2026-11-20T12:00:00.000001Z'), [5, 4]);
      assert.deepEqual(await numbers('from=2026-11-20&campaign=run2&limit=2'), [7, 6]);
      assert.deepEqual(await numbers('to=2026-11-20T10:30:00.25Z'), [1]);
      assert.deepEqual(await numbers('from=2026-11-20T10:00:00Z&before=3'), [2, 1]);
    });

    it('refuses a bad time bound with 400 naming it', async () => {
      for (const [query, field] of [
        ['from=yesterday', 'from'],
        ['to=2026-11-20T10:00:00', 'to'],
        ['from=2026-11-21&to=2026-11-20', 'to'],
      ] as const) {
        const res = await h.viewer.get(`/api/v1/shots?${query}`);
        assert.equal(res.status, 400, query);
        assert.deepEqual(res.body.details.map((d: { field: string }) => d.field), [field], query);
      }
    });

    it('counts shots per interval, in [from, to), by campaign', async () => {
      const res = await h.viewer.get('/api/v1/stats/shot-counts?from=2026-11-20T09:00:00Z&to=2026-11-20T13:00:00Z&interval=3600');
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.deepEqual(res.body.buckets, [
        { start: '2026-11-20T09:00:00.000000Z', count: 0 },
        { start: '2026-11-20T10:00:00.000000Z', count: 3 },
        { start: '2026-11-20T11:00:00.000000Z', count: 2 },
        { start: '2026-11-20T12:00:00.000000Z', count: 2 },
      ]);
      const run2 = await h.viewer.get('/api/v1/stats/shot-counts?from=2026-11-20T11:00:00Z&to=2026-11-20T12:15:00Z&interval=1800&campaign=run2');
      assert.deepEqual(
        run2.body.buckets.map((b: { count: number }) => b.count),
        [0, 1, 1],
        'the last bucket is cut at `to`: shot 7 (12:20) is outside',
      );
    });

    it('refuses a range that makes too many buckets, or no range, naming the parameter', async () => {
      const many = await h.viewer.get('/api/v1/stats/shot-counts?from=2026-11-01T00:00:00Z&to=2026-11-20T00:00:00Z&interval=60');
      assert.equal(many.status, 400);
      assert.equal(many.body.details[0].field, 'interval');
      assert.match(many.body.details[0].message, /at least 1642 s/);
      const none = await h.viewer.get('/api/v1/stats/shot-counts?interval=60');
      assert.equal(none.status, 400);
      assert.deepEqual(none.body.details.map((d: { field: string }) => d.field).sort(), ['from', 'to']);
    });

    it('lists the campaigns of the shots, newest first, with shots counted in the range', async () => {
      const all = await h.viewer.get('/api/v1/stats/campaigns');
      assert.equal(all.status, 200, JSON.stringify(all.body));
      assert.deepEqual(all.body.items, [
        { campaign: 'run2', shots: 3, lastShotNumber: 7, lastShotAt: '2026-11-20T12:20:00.000000Z' },
        { campaign: null, shots: 1, lastShotNumber: 4, lastShotAt: '2026-11-20T11:00:00.000000Z' },
        { campaign: 'run1', shots: 3, lastShotNumber: 3, lastShotAt: '2026-11-20T10:59:59.999999Z' },
      ]);
      assert.equal(all.body.current, null);
      const ranged = await h.viewer.get('/api/v1/stats/campaigns?from=2026-11-20T10:30:00Z&to=2026-11-20T12:00:00Z');
      assert.deepEqual(
        ranged.body.items.map((c: { campaign: string | null; shots: number }) => [c.campaign, c.shots]),
        [
          ['run2', 1],
          [null, 1],
          ['run1', 2],
        ],
      );
      const started = await h.admin.put('/api/v1/relay/campaign', { name: 'run3' });
      assert.equal(started.status, 200);
      const now = await h.viewer.get('/api/v1/stats/campaigns?from=2026-11-21');
      assert.deepEqual(now.body.items, []);
      assert.equal(now.body.current.name, 'run3');
    });

    it("counts the shots each configured channel triggered, under its name and nickname", async () => {
      const all = await h.viewer.get('/api/v1/stats/channel-triggers');
      assert.equal(all.status, 200, JSON.stringify(all.body));
      assert.deepEqual(all.body.items, [
        { channel: 'energy_J', nickname: 'E', triggers: 6 },
        { channel: 'pointing_x_urad', nickname: null, triggers: 3 },
      ]);
      const run2 = await h.viewer.get('/api/v1/stats/channel-triggers?campaign=run2&from=2026-11-20T12:00:00Z');
      assert.deepEqual(
        run2.body.items.map((c: { triggers: number }) => c.triggers),
        [2, 1],
      );
    });

    it('needs a token', async () => {
      for (const path of ['/api/v1/stats/campaigns', '/api/v1/stats/channel-triggers', '/api/v1/stats/shot-counts?from=2026-11-20&to=2026-11-21']) {
        assert.equal((await h.viewer.anonymous().get(path)).status, 401, path);
      }
    });
  });
}
