import type { ChannelSettings } from '../../api/relayTypes';
import { draftOf, patchOf } from './draft';

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
    expect(patchOf({ ...draftOf(current), nickname: '$x' }, current)).toEqual({
      errors: { nickname: 'Nickname may not contain "." nor start with "$"' },
    });
    expect(patchOf({ ...draftOf(current), nickname: '' }, current)).toEqual({
      errors: { nickname: 'A nickname cannot be removed here, only changed: type the new nickname' },
    });
    expect(patchOf({ ...draftOf(current), nickname: 'x'.repeat(65) }, current)).toEqual({
      errors: { nickname: 'Nickname is 65 characters; at most 64' },
    });
    expect(patchOf({ ...draftOf(current), unit: 'x'.repeat(33) }, current)).toEqual({
      errors: { unit: 'Unit is 33 characters; at most 32' },
    });
    expect(patchOf({ ...draftOf(current), above: '2,5' }, current)).toEqual({
      errors: { above: 'Threshold must be a number (e.g. 2.5 or 1e-4), not "2,5"' },
    });
    expect(patchOf({ ...draftOf(current), kind: 'outside', low: '6', high: '5' }, current)).toEqual({
      errors: { high: 'Band high (5) must be above band low (6)' },
    });
  });

  it('configures a channel the relay has only seen', () => {
    expect(draftOf(undefined)).toMatchObject({ nickname: '', unit: '', enabled: true, kind: 'none' });
    expect(patchOf({ ...draftOf(undefined), kind: 'outside', low: '-1', high: '1' }, undefined)).toEqual({
      body: { rule: { kind: 'outside', low: -1, high: 1 } },
    });
  });

  it('removes a rule with null', () => {
    expect(patchOf({ ...draftOf(current), kind: 'none' }, current)).toEqual({ body: { rule: null } });
  });
});
