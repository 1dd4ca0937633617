import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildShotRecord } from '../../src/trigger/record.ts';
import { compileSettings } from '../../src/trigger/engine.ts';
import { emptySettings } from '../../src/settings/types.ts';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('shot record', () => {
  const compiled = compileSettings({
    ...emptySettings(),
    version: 3,
    channels: { energy_J: { enabled: true, rule: { kind: 'above', above: 2 }, nickname: 'energy' }, duration_fs: { enabled: true, rule: null } },
    campaign: { name: '2026-11-run3', startedAt: '2026-11-20T08:00:00.000Z', startedBy: 'ana' },
  });
  const facts = {
    shotNumber: 42,
    channels: new Map([
      ['energy_J', 3.1],
      ['duration_fs', 28.5],
    ]),
    triggeredBy: ['energy_J'],
    receivedAt: '2026-11-25T10:00:00.123456Z',
    laserTime: '2026-11-25T10:00:00.120Z',
    source: { endpoint: 'tcp://laser:5556', topic: 'laser', laserCounter: 1001 },
  };

  it('carries every field of the shot record, with nicknames applied consistently', () => {
    const r = buildShotRecord(compiled, facts);
    assert.match(r.uid, UUID_V7);
    assert.equal(r.shotNumber, 42);
    assert.equal(r.campaign, '2026-11-run3');
    assert.equal(r.laserTime, '2026-11-25T10:00:00.120Z');
    assert.equal(r.receivedAt, '2026-11-25T10:00:00.123456Z');
    assert.deepEqual(r.channels, { energy: 3.1, duration_fs: 28.5 });
    assert.deepEqual(r.triggeredBy, ['energy']);
    assert.deepEqual(r.thresholds, { energy: { kind: 'above', above: 2 } });
    assert.deepEqual(r.aliases, { energy: 'energy_J' });
    assert.deepEqual(r.source, { endpoint: 'tcp://laser:5556', topic: 'laser', laserCounter: 1001 });
  });

  it('uids are unique and sort in creation order', () => {
    const uids = Array.from({ length: 2000 }, () => buildShotRecord(compiled, facts).uid);
    assert.equal(new Set(uids).size, uids.length);
    assert.deepEqual([...uids].sort(), uids);
  });

  it('leaves laserTime and aliases out when there are none', () => {
    const plain = compileSettings({ ...emptySettings(), version: 1 });
    const { laserTime, ...noTime } = facts;
    const r = buildShotRecord(plain, noTime);
    assert.equal('laserTime' in r, false);
    assert.equal('aliases' in r, false);
    assert.equal(r.campaign, null);
  });
});
