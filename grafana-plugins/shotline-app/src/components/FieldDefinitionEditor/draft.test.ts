import { fromFieldDef, newDraft, toFieldDef, typeLookup } from './draft';
import { problemsAt, problemsElsewhere, routeProblems } from './problems';
import type { FieldDef, FieldType } from '../../api/sheetTypes';

const none = () => undefined;

describe('field drafts', () => {
  it('round-trips every property a definition can have', () => {
    const defs: FieldDef[] = [
      { key: 'mode', label: 'Mode', type: 'multiselect', options: ['a', 'b'], default: ['a', 'b'], help: 'pick' },
      {
        key: 'n',
        label: 'N',
        type: 'integer',
        required: true,
        unit: 'pcs',
        min: 1,
        max: 9,
        default: 3,
        showIf: { field: 'mode', in: ['a', 'b'] },
      },
      { key: 'gas', label: 'Gas', type: 'boolean', default: false },
      { key: 'p', label: 'P', type: 'number', showIf: { field: 'gas', equals: true } },
      { key: 'material', label: 'Material', type: 'select', choices: 'targets' },
      { key: 'notes', label: 'Notes', type: 'text', multiline: true, maxLength: 300 },
      { key: 'ref', label: 'Ref', type: 'shotref', default: 12 },
      { key: 'diags', label: 'Diagnostics', type: 'diagnostics', diagnostics: ['camera'] },
    ];
    const drafts = defs.map(fromFieldDef);
    const typeOf = typeLookup(drafts);
    expect(drafts.map((d) => toFieldDef(d, typeOf))).toEqual(defs.map((def) => ({ def, problems: [] })));
  });

  it('names what it cannot convert and leaves it out of the definition', () => {
    const draft = { ...newDraft('integer', new Set()), min: '1.5', max: 'lots', defaultText: 'x' };
    const { def, problems } = toFieldDef(draft, none);
    expect(def).toEqual({ key: 'integer_1', label: 'Integer 1', type: 'integer' });
    expect(problems).toEqual([
      { field: 'default', message: '"x" is not an integer' },
      { field: 'min', message: '"1.5" is not an integer' },
      { field: 'max', message: '"lots" is not an integer' },
    ]);
  });

  it("types a condition's value after the field it depends on", () => {
    const typeOf = (key: string): FieldType | undefined =>
      (({ on: 'boolean', count: 'integer' }) as Record<string, FieldType>)[key];
    const base = newDraft('text', new Set());
    expect(toFieldDef({ ...base, showIf: { field: 'on', mode: 'equals', value: 'true' } }, typeOf).def.showIf).toEqual({
      field: 'on',
      equals: true,
    });
    expect(toFieldDef({ ...base, showIf: { field: 'count', mode: 'in', value: '1, 2' } }, typeOf).def.showIf).toEqual({
      field: 'count',
      in: [1, 2],
    });
    expect(toFieldDef({ ...base, showIf: { field: 'on', mode: 'equals', value: 'yes' } }, typeOf).problems).toEqual([
      { field: 'showIf.equals', message: '"yes" is not true or false' },
    ]);
  });

  it('gives new fields keys no other field has', () => {
    expect(newDraft('text', new Set(['text_1', 'text_2'])).key).toBe('text_3');
  });
});

describe('relay problems', () => {
  it('go to the item owning the longest matching path, relative to it; the rest stay general', () => {
    const owners = new Map([
      ['sections.0', 's0'],
      ['sections.0.fields.1', 'f1'],
      ['sections.0.fields.10', 'f10'],
    ]);
    const index = routeProblems(
      [
        { field: 'sections.0.fields.1.options.2', message: 'blank' },
        { field: 'sections.0.fields.10', message: 'needs options' },
        { field: 'sections.0.title', message: 'empty' },
        { field: 'sections', message: 'too many' },
      ],
      owners
    );
    expect(index.byId.get('f1')).toEqual([{ field: 'options.2', message: 'blank' }]);
    expect(index.byId.get('f10')).toEqual([{ field: '', message: 'needs options' }]);
    expect(index.byId.get('s0')).toEqual([{ field: 'title', message: 'empty' }]);
    expect(index.general).toEqual([{ field: 'sections', message: 'too many' }]);
    expect(problemsAt(index.byId.get('f1'), 'options')).toBe('options.2: blank');
    expect(problemsElsewhere(index.byId.get('f10'), ['key'])).toEqual([{ field: '', message: 'needs options' }]);
  });
});
