import { crosses, describeRule, formatValue, thresholdsOf } from './rules';

describe('formatValue', () => {
  it.each([
    [2.5, '2.5'],
    [3.14159, '3.142'],
    [2e-5, '2e-5'],
    [1.234e-7, '1.234e-7'],
    [123456, '1.235e+5'],
    [0, '0'],
    [null, '—'],
    [Infinity, '∞'],
  ])('%p → %s', (v, text) => expect(formatValue(v)).toBe(text));
});

describe('crosses', () => {
  it('decides as the relay does: strictly beyond the threshold, outside the band', () => {
    expect(crosses({ kind: 'above', above: 2 }, 2)).toBe(false);
    expect(crosses({ kind: 'above', above: 2 }, 2.1)).toBe(true);
    expect(crosses({ kind: 'below', below: 2 }, 1.9)).toBe(true);
    expect(crosses({ kind: 'outside', low: 1, high: 5 }, 3)).toBe(false);
    expect(crosses({ kind: 'outside', low: 1, high: 5 }, 0.5)).toBe(true);
    expect(crosses({ kind: 'outside', low: 1, high: 5 }, 6)).toBe(true);
    expect(crosses({ kind: 'above', above: 2 }, NaN)).toBe(false);
  });
});

describe('describeRule', () => {
  it('says what triggers, with the unit', () => {
    expect(describeRule({ kind: 'above', above: 1 }, 'J')).toBe('triggers above 1 J');
    expect(describeRule({ kind: 'below', below: 2e-5 })).toBe('triggers below 2e-5');
    expect(describeRule({ kind: 'outside', low: 1, high: 5 }, 'bar')).toBe('triggers outside 1 … 5 bar');
    expect(describeRule(null, 'J')).toBe('no threshold');
  });

  it('gives the lines to draw', () => {
    expect(thresholdsOf({ kind: 'outside', low: 1, high: 5 })).toEqual([1, 5]);
    expect(thresholdsOf(null)).toEqual([]);
  });
});
