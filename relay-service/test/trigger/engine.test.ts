import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { crosses, describeRule } from '../../src/trigger/rules.ts';
import { compileSettings, evaluate } from '../../src/trigger/engine.ts';
import { emptySettings, type RelaySettings } from '../../src/settings/types.ts';

const values = (o: Record<string, number>) => new Map(Object.entries(o));

function settingsWith(patch: Partial<RelaySettings>): RelaySettings {
  return { ...emptySettings(), version: 1, ...patch };
}

describe('threshold rules', () => {
  it('above is strict', () => {
    assert.equal(crosses({ kind: 'above', above: 2 }, 2.0001), true);
    assert.equal(crosses({ kind: 'above', above: 2 }, 2), false);
    assert.equal(crosses({ kind: 'above', above: 2 }, -5), false);
  });
  it('below is strict', () => {
    assert.equal(crosses({ kind: 'below', below: 1e-4 }, 5e-5), true);
    assert.equal(crosses({ kind: 'below', below: 1e-4 }, 1e-4), false);
  });
  it('outside triggers on either side of the band and not inside or on its edges', () => {
    const rule = { kind: 'outside', low: -10, high: 10 } as const;
    assert.equal(crosses(rule, -10.5), true);
    assert.equal(crosses(rule, 10.5), true);
    assert.equal(crosses(rule, 0), false);
    assert.equal(crosses(rule, 10), false);
    assert.equal(crosses(rule, -10), false);
  });
  it('never triggers on NaN or infinities', () => {
    for (const v of [Number.NaN, Infinity, -Infinity]) {
      assert.equal(crosses({ kind: 'above', above: 0 }, v), false);
      assert.equal(crosses({ kind: 'outside', low: 0, high: 1 }, v), false);
    }
  });
  it('describes rules for people', () => {
    assert.equal(describeRule({ kind: 'outside', low: 1, high: 2 }), 'outside [1, 2]');
    assert.equal(describeRule({ kind: 'above', above: 2.5 }), '> 2.5');
  });
});

describe('trigger evaluation', () => {
  const base = settingsWith({
    channels: {
      energy_J: { enabled: true, rule: { kind: 'above', above: 2 }, nickname: 'E' },
      'pointing/x': { enabled: true, rule: { kind: 'outside', low: -20, high: 20 } },
      pressure: { enabled: false, rule: { kind: 'below', below: 1 } },
      contrast: { enabled: true, rule: null },
    },
  });

  it('any channel crossing triggers by default, naming every channel that crossed', () => {
    const c = compileSettings(base);
    assert.deepEqual(evaluate(c, values({ energy_J: 3, 'pointing/x': 25 })), ['energy_J', 'pointing/x']);
    assert.deepEqual(evaluate(c, values({ energy_J: 1, 'pointing/x': 25 })), ['pointing/x']);
    assert.equal(evaluate(c, values({ energy_J: 1, 'pointing/x': 0 })), null);
  });

  it('disabled channels and channels without a rule never trigger', () => {
    const c = compileSettings(base);
    assert.equal(evaluate(c, values({ pressure: 0.1, contrast: 1e9 })), null);
  });

  it('a missing channel does not trigger', () => {
    assert.equal(evaluate(compileSettings(base), values({ other: 99 })), null);
  });

  it('atLeast N requires N channels in the same message', () => {
    const c = compileSettings({ ...base, policy: { mode: 'atLeast', count: 2 } });
    assert.equal(evaluate(c, values({ energy_J: 3, 'pointing/x': 0 })), null);
    assert.deepEqual(evaluate(c, values({ energy_J: 3, 'pointing/x': 30 })), ['energy_J', 'pointing/x']);
  });

  it('required channels must be among those crossing', () => {
    const c = compileSettings({ ...base, policy: { mode: 'atLeast', count: 1, required: ['energy_J'] } });
    assert.equal(evaluate(c, values({ energy_J: 1, 'pointing/x': 30 })), null);
    assert.deepEqual(evaluate(c, values({ energy_J: 3, 'pointing/x': 0 })), ['energy_J']);
  });

  it('records the rules in force and the campaign', () => {
    const c = compileSettings({ ...base, campaign: { name: 'run3', startedAt: new Date().toISOString(), startedBy: 'ana' } });
    assert.deepEqual(Object.keys(c.thresholds).sort(), ['energy_J', 'pointing/x']);
    assert.equal(c.campaign, 'run3');
    assert.equal(c.nicknames.get('energy_J'), 'E');
  });
});
