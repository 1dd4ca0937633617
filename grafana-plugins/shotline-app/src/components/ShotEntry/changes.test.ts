import { changesFrom, disagreements, mergeValues } from './changes';
import { diagnostics, layout } from '../ShotForm/fixtures';

const fields = layout.sections.flatMap((s) => s.fields);

describe('changesFrom (the PATCH body)', () => {
  it('sends only what changed; a removed value as null; settings per diagnostic', () => {
    const base = {
      fields: { operator: 'Ada', energy: 5, notes: 'x' },
      diagnostics: {
        camera: { active: true, settings: { exposure: 5, filter: 'ND1' } },
        spectrometer: { active: true, settings: {} },
      },
    };
    const mine = {
      fields: { operator: 'Ada', energy: 6, tags: ['test'] },
      diagnostics: {
        camera: { active: false, settings: { exposure: 5, filter: 'ND2' } },
        other: { active: true, settings: { a: 1 } },
      },
    };
    expect(changesFrom(base, mine)).toEqual({
      fields: { energy: 6, notes: null, tags: ['test'] },
      diagnostics: {
        camera: { active: false, settings: { filter: 'ND2' } },
        spectrometer: null,
        other: { active: true, settings: { a: 1 } },
      },
    });
    expect(changesFrom(base, base)).toEqual({});
  });
});

describe('merging after a conflict', () => {
  const base = { fields: { operator: 'Ada', energy: 5 }, diagnostics: {} };
  const mine = {
    fields: { operator: 'Grace', energy: 5, notes: 'mine' },
    diagnostics: { camera: { active: true, settings: { exposure: 7 } } },
  };
  const theirs = { fields: { operator: 'Bob', energy: 9 }, diagnostics: {} };

  it('lists each value that differs, preferring theirs only where I left it alone', () => {
    const rows = disagreements(base, mine, theirs, fields, diagnostics);
    const byPath = Object.fromEntries(rows.map((r) => [r.path, r]));
    expect(Object.keys(byPath).sort()).toEqual([
      'diagnostics.camera.active',
      'diagnostics.camera.settings.exposure',
      'fields.energy',
      'fields.notes',
      'fields.operator',
    ]);
    expect(byPath['fields.operator']).toMatchObject({
      label: 'Operator',
      mine: 'Grace',
      theirs: 'Bob',
      preferred: 'mine',
    });
    expect(byPath['fields.energy']).toMatchObject({ mine: 5, theirs: 9, preferred: 'theirs' });
    expect(byPath['diagnostics.camera.settings.exposure']).toMatchObject({
      label: 'Camera: Exposure',
      preferred: 'mine',
    });
  });

  it('builds the merged values from theirs with my picks', () => {
    const rows = disagreements(base, mine, theirs, fields, diagnostics);
    expect(mergeValues(theirs, rows, { 'fields.operator': 'theirs' })).toEqual({
      fields: { operator: 'Bob', energy: 9, notes: 'mine' },
      diagnostics: { camera: { active: true, settings: { exposure: 7 } } },
    });
  });
});
