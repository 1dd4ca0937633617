import React, { useEffect, useRef, useState } from 'react';
import { Button, useStyles2 } from '@grafana/ui';

import { type FieldDraft, newDraft } from './draft';
import { FieldDefinitionEditor } from './FieldDefinitionEditor';
import type { ProblemIndex } from './problems';
import { getEditorStyles } from './styles';
import { FIELD_TYPES, type FieldType } from '../../api/sheetTypes';
import { FIELD_TYPE_LABELS } from './types';

export interface FieldListProps {
  /** what the fields belong to, e.g. "section Target" (names the list and its add buttons) */
  label: string;
  fields: FieldDraft[];
  onChange: (fields: FieldDraft[]) => void;
  problems: ProblemIndex;
  /** every field of the layout (keys are unique across sections; conditions may cross them) */
  allFields: FieldDraft[];
  choiceLists: string[];
  diagnosticNames: string[];
  allowDiagnosticsBlock: boolean;
  readOnly?: boolean;
}

/** Moves the item at `index` by `delta` (−1 up, +1 down); the same list when it cannot move. */
export function moved<T>(items: readonly T[], index: number, delta: number): T[] {
  const to = index + delta;
  if (to < 0 || to >= items.length) {
    return [...items];
  }
  const next = [...items];
  const [item] = next.splice(index, 1);
  next.splice(to, 0, item);
  return next;
}

/**
 * Focus stays with a moved item's button, so a keyboard user can press it
 * again (moving a focused element in the DOM drops its focus); at the end of
 * the list the other direction's button takes it.
 */
export function useFocusAfterMove() {
  const pending = useRef<{ id: string; direction: 'up' | 'down' } | null>(null);
  useEffect(() => {
    const p = pending.current;
    if (!p) {
      return;
    }
    pending.current = null;
    const wanted = document.getElementById(`${p.id}-${p.direction}`) as HTMLButtonElement | null;
    const other = document.getElementById(
      `${p.id}-${p.direction === 'up' ? 'down' : 'up'}`
    ) as HTMLButtonElement | null;
    // @grafana/ui marks a disabled button that has a tooltip with aria-disabled only.
    const usable = (b: HTMLButtonElement | null) => b && !b.disabled && b.getAttribute('aria-disabled') !== 'true';
    (usable(wanted) ? wanted : other)?.focus();
  });
  return (id: string, delta: -1 | 1) => {
    pending.current = { id, direction: delta < 0 ? 'up' : 'down' };
  };
}

/** The field definitions of a section or a diagnostic: edit, add one of each type, reorder, remove. */
export function FieldList(props: FieldListProps) {
  const { label, fields, onChange, problems, readOnly } = props;
  const styles = useStyles2(getEditorStyles);
  const focusAfterMove = useFocusAfterMove();
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const types = FIELD_TYPES.filter((t) => props.allowDiagnosticsBlock || t !== 'diagnostics');
  const add = (type: FieldType) => {
    const draft = newDraft(type, new Set(props.allFields.map((f) => f.key.trim())));
    // The new field opens to be configured; the others close to keep the page light.
    setExpanded(new Set([draft.id]));
    onChange([...fields, draft]);
  };
  const toggle = (id: string) =>
    setExpanded((open) => {
      const next = new Set(open);
      if (!next.delete(id)) {
        next.add(id);
      }
      return next;
    });

  return (
    <div role="group" aria-label={`Fields of ${label}`}>
      {fields.length === 0 && <p>No fields yet.</p>}
      {fields.map((draft, index) => (
        <FieldDefinitionEditor
          key={draft.id}
          draft={draft}
          onChange={(next) => onChange(fields.map((f) => (f.id === draft.id ? next : f)))}
          problems={problems.byId.get(draft.id)}
          allFields={props.allFields}
          choiceLists={props.choiceLists}
          diagnosticNames={props.diagnosticNames}
          allowDiagnosticsBlock={props.allowDiagnosticsBlock}
          readOnly={readOnly}
          index={index}
          count={fields.length}
          onMove={(delta) => {
            focusAfterMove(draft.id, delta);
            onChange(moved(fields, index, delta));
          }}
          onRemove={() => onChange(fields.filter((f) => f.id !== draft.id))}
          expanded={expanded.has(draft.id)}
          onToggle={() => toggle(draft.id)}
        />
      ))}
      {!readOnly && (
        <div className={styles.addRow}>
          <span>Add field:</span>
          {types.map((type) => (
            <Button
              key={type}
              size="sm"
              variant="secondary"
              icon="plus"
              aria-label={`Add ${FIELD_TYPE_LABELS[type].toLowerCase()} field to ${label}`}
              onClick={() => add(type)}
            >
              {FIELD_TYPE_LABELS[type]}
            </Button>
          ))}
        </div>
      )}
    </div>
  );
}
