import { formatValue, parseValue } from './whereValue';

describe('condition values', () => {
  it('keeps the type a typed value reads as', () => {
    expect(parseValue('2.5', '>')).toBe(2.5);
    expect(parseValue('true', '=')).toBe(true);
    expect(parseValue('null', '=')).toBeNull();
    expect(parseValue('"2"', '=')).toBe('2');
    expect(parseValue(' Cu ', '=')).toBe('Cu');
    expect(parseValue('$threshold', '>')).toBe('$threshold');
    expect(parseValue('', '=')).toBeUndefined();
  });

  it('reads a comma-separated list for in, text for contains, presence for exists', () => {
    expect(parseValue('Cu, Ti, 3', 'in')).toEqual(['Cu', 'Ti', 3]);
    expect(parseValue(' , ', 'in')).toBeUndefined();
    expect(parseValue('a.b* 2', 'contains')).toBe('a.b* 2');
    expect(parseValue('false', 'exists')).toBe(false);
    expect(parseValue('', 'exists')).toBe(true);
  });

  it('shows a stored value so that it reads back the same', () => {
    for (const [value, op] of [
      [2, '>'],
      ['2', '='],
      ['Cu', '='],
      [' padded', '='],
      [null, '='],
      [['Cu', 'true', 4], 'in'],
    ] as const) {
      expect(parseValue(formatValue(value as never), op)).toEqual(value);
    }
  });

  it('keeps what was typed as text for a field known to hold text', () => {
    expect(parseValue('10', '=', 'text')).toBe('10');
    expect(parseValue('true, 3', 'in', 'text')).toEqual(['true', '3']);
    expect(parseValue('"null"', '=', 'text')).toBe('null');
    expect(parseValue(formatValue('10'), '=', 'text')).toBe('10');
  });
});
