// Where the relay's field-level refusals go. A 400 names paths of the body as
// it was sent (`sections.0.fields.2.key`); they are tied to the edited items
// (by their local ids) when the answer comes, so a problem stays beside its
// field even when fields are reordered before the next save.
import type { FieldProblem } from '../../api/client';

export interface ProblemIndex {
  /** per item id: problems relative to the item (`key`, `options.1`, '' for the item as a whole) */
  byId: Map<string, FieldProblem[]>;
  /** problems no item owns (the body, the list as a whole) */
  general: FieldProblem[];
}

export const noProblems = (): ProblemIndex => ({ byId: new Map(), general: [] });

/** Routes problems by the longest path in `owners` (path → item id) that is the problem's path or a prefix of it. */
export function routeProblems(problems: readonly FieldProblem[], owners: ReadonlyMap<string, string>): ProblemIndex {
  const out = noProblems();
  for (const p of problems) {
    let owner: { path: string; id: string } | undefined;
    for (const [path, id] of owners) {
      if ((p.field === path || p.field.startsWith(`${path}.`)) && (!owner || path.length > owner.path.length)) {
        owner = { path, id };
      }
    }
    if (!owner) {
      out.general.push(p);
      continue;
    }
    const rel = { field: p.field.slice(owner.path.length + 1), message: p.message };
    out.byId.set(owner.id, [...(out.byId.get(owner.id) ?? []), rel]);
  }
  return out;
}

/** Problems of one property (`min`) or of a property and what is inside it (`options` → `options.1`). */
export function problemsAt(problems: readonly FieldProblem[] | undefined, prop: string): string | undefined {
  const hits = (problems ?? []).filter((p) => p.field === prop || p.field.startsWith(`${prop}.`));
  return hits.length > 0
    ? hits.map((p) => (p.field === prop ? p.message : `${p.field}: ${p.message}`)).join('; ')
    : undefined;
}

/** Problems whose property none of `shown` covers (shown at the top of the item's editor, so none is lost). */
export function problemsElsewhere(
  problems: readonly FieldProblem[] | undefined,
  shown: readonly string[]
): FieldProblem[] {
  return (problems ?? []).filter((p) => !shown.some((prop) => p.field === prop || p.field.startsWith(`${prop}.`)));
}
