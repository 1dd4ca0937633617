import { draftOf, errorsFromProblem, formatValue, patchOf, type ChannelSettings } from './rules';

const current: ChannelSettings = { nickname: 'E', unit: 'J', enabled: true, rule: { kind: 'above', above: 2 } };

describe('patchOf', () => {
  it('sends only what changed', () => {
    expect(patchOf(draftOf(current), current)).toEqual({ body: {} });
    expect(patchOf({ ...draftOf(current), unit: ' mJ ', enabled: false }, current)).toEqual({
      body: { unit: 'mJ', enabled: false },
    });
    // The same rule typed differently is no change.
    expect(patchOf({ ...draftOf(current), above: '2.0' }, current)).toEqual({ body: {} });
  });

  it('names every bad field and sends nothing', () => {
    expect(patchOf({ ...draftOf(current), nickname: 'a.b', kind: 'below', below: '' }, current)).toEqual({
      errors: { nickname: 'Nickname may not contain "." nor start with "$"', below: 'Threshold is required' },
    });
    expect(patchOf({ ...draftOf(current), nickname: '' }, current)).toEqual({
      errors: { nickname: 'A nickname cannot be removed here, only changed: type the new nickname' },
    });
    expect(patchOf({ ...draftOf(current), unit: 'x'.repeat(33) }, current)).toEqual({
      errors: { unit: 'Unit is 33 characters; at most 32' },
    });
  });

  it('configures a channel the relay has only seen', () => {
    expect(patchOf({ ...draftOf(undefined), kind: 'outside', low: '-1', high: '1' }, undefined)).toEqual({
      body: { rule: { kind: 'outside', low: -1, high: 1 } },
    });
  });
});

describe('errorsFromProblem', () => {
  it('places details by field, and unknown ones on the form', () => {
    expect(
      errorsFromProblem('invalid body', [
        { field: 'rule.low', message: 'must be number' },
        { field: 'rule', message: 'must match a schema in anyOf' },
        { field: 'colour', message: 'must NOT have additional properties' },
      ])
    ).toEqual({
      low: 'must be number',
      kind: 'must match a schema in anyOf',
      form: 'colour: must NOT have additional properties',
    });
  });

  it('reads the field from the message when there are no details', () => {
    expect(errorsFromProblem('nickname: "E" is already used by channel x', [])).toEqual({
      nickname: '"E" is already used by channel x',
    });
    expect(errorsFromProblem('settings changed meanwhile', [])).toEqual({ form: 'settings changed meanwhile' });
  });
});

describe('formatValue', () => {
  it.each([
    [2.5, '2.5'],
    [3.14159, '3.142'],
    [2e-5, '2e-5'],
    [1.234e-7, '1.234e-7'],
    [123456, '1.235e+5'],
    [0, '0'],
    [null, '—'],
  ])('%p → %s', (v, text) => expect(formatValue(v)).toBe(text));
});
