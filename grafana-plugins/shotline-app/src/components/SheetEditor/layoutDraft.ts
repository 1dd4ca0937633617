// A layout as it is being edited: sections of field drafts, each with a local
// id (where relay problems go, React keys). Turned into the PUT body on save
// and, leniently, into the layout the preview shows at every keystroke.
import type { FieldProblem } from '../../api/client';
import {
  fromFieldDef,
  nextId,
  toFieldDef,
  toFieldDefs,
  typeLookup,
  type FieldDraft,
} from '../FieldDefinitionEditor/draft';
import type { Section } from '../../api/sheetTypes';

export interface SectionDraft {
  id: string;
  /** kept as loaded: entries and exports may refer to it */
  key?: string;
  title: string;
  fields: FieldDraft[];
}

export const fromSections = (sections: readonly Section[]): SectionDraft[] =>
  sections.map((s) => ({
    id: nextId('s'),
    ...(s.key !== undefined && { key: s.key }),
    title: s.title,
    fields: s.fields.map(fromFieldDef),
  }));

export const newSection = (title: string): SectionDraft => ({ id: nextId('s'), title, fields: [] });

export const allFields = (sections: readonly SectionDraft[]): FieldDraft[] => sections.flatMap((s) => s.fields);

/**
 * The layout body to PUT, the problems of what was typed (paths as the relay
 * names them), and which draft owns which path (to place the relay's answer).
 */
export function toLayoutBody(sections: readonly SectionDraft[]): {
  body: { sections: Section[] };
  problems: FieldProblem[];
  owners: Map<string, string>;
} {
  const typeOf = typeLookup(allFields(sections));
  const problems: FieldProblem[] = [];
  const owners = new Map<string, string>();
  const out = sections.map((s, i) => {
    owners.set(`sections.${i}`, s.id);
    s.fields.forEach((f, j) => owners.set(`sections.${i}.fields.${j}`, f.id));
    const { defs, problems: p } = toFieldDefs(s.fields, typeOf, `sections.${i}.fields`);
    problems.push(...p);
    return { ...(s.key !== undefined && { key: s.key }), title: s.title.trim(), fields: defs };
  });
  return { body: { sections: out }, problems, owners };
}

/** What the preview renders: every field as far as it converts (a bad minimum is left out, not the field). */
export function previewSections(sections: readonly SectionDraft[]): Section[] {
  const typeOf = typeLookup(allFields(sections));
  return sections.map((s) => ({
    title: s.title || '(untitled section)',
    fields: s.fields
      .filter((f) => f.key.trim() !== '')
      .map((f) => toFieldDef(f, typeOf).def)
      // An unfinished condition (no field chosen yet) would hide the field for good.
      .map((def) => (def.showIf && !typeOf(def.showIf.field) ? { ...def, showIf: undefined } : def)),
  }));
}
