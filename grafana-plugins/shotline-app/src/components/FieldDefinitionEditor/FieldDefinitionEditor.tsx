import React from 'react';
import { cx } from '@emotion/css';
import { Button, Checkbox, Combobox, Field, Input, TextArea, useStyles2 } from '@grafana/ui';

import type { FieldProblem } from '../../api/client';
import { ConditionEditor } from './ConditionEditor';
import type { FieldDraft } from './draft';
import { problemsAt, problemsElsewhere } from './problems';
import { getEditorStyles } from './styles';
import { DefaultInput, TYPE_PROPS, TypeSettings } from './TypeSettings';
import { FIELD_TYPES, SLUG_TEXT } from '../../api/sheetTypes';
import { FIELD_TYPE_LABELS } from './types';

export interface FieldDefinitionEditorProps {
  draft: FieldDraft;
  onChange: (next: FieldDraft) => void;
  /** the relay's and the local problems of this field, relative to it (`key`, `options.1`, '') */
  problems?: FieldProblem[];
  /** every field of the layout or diagnostic (a condition may depend on any other) */
  allFields: FieldDraft[];
  choiceLists: string[];
  diagnosticNames: string[];
  /** layouts may hold a diagnostics block; a diagnostic's settings may not */
  allowDiagnosticsBlock: boolean;
  readOnly?: boolean;
  index: number;
  count: number;
  onMove: (delta: -1 | 1) => void;
  onRemove: () => void;
  /** collapsed: only the summary line (long layouts stay light and scannable) */
  expanded: boolean;
  onToggle: () => void;
}

const COMMON_PROPS = ['key', 'label', 'type', 'required', 'help', 'default', 'showIf'];

/** One field definition: the properties every field has, its type's own, and its condition. */
export function FieldDefinitionEditor(props: FieldDefinitionEditorProps) {
  const { draft, onChange, problems, allFields, readOnly, index, count, onMove, onRemove, onToggle } = props;
  // A field the relay or the local check found fault with is always open: its problems show at their inputs.
  const expanded = props.expanded || (problems?.length ?? 0) > 0;
  const styles = useStyles2(getEditorStyles);
  const id = draft.id;
  const err = (prop: string) => problemsAt(problems, prop);
  const patch = (p: Partial<FieldDraft>) => onChange({ ...draft, ...p });
  const name = draft.label.trim() || draft.key || `field ${index + 1}`;
  const unplaced = problemsElsewhere(problems, [...COMMON_PROPS, ...TYPE_PROPS]);
  const types = FIELD_TYPES.filter((t) => props.allowDiagnosticsBlock || t !== 'diagnostics');
  const candidates = allFields.filter((f) => f.id !== id && f.type !== 'diagnostics');

  return (
    <section
      className={cx(styles.item, (problems?.length ?? 0) > 0 && styles.itemInvalid)}
      aria-label={`Field ${name}`}
      data-field-id={id}
    >
      <div className={styles.header}>
        <Button
          size="sm"
          variant="secondary"
          fill="text"
          icon={expanded ? 'angle-down' : 'angle-right'}
          aria-expanded={expanded}
          aria-controls={`${id}-body`}
          aria-label={`${expanded ? 'Collapse' : 'Edit'} ${name}`}
          onClick={onToggle}
        />
        <span className={styles.title}>
          {name} <small>({summary(draft)})</small>
        </span>
        {!readOnly && (
          <>
            <Button
              id={`${id}-up`}
              size="sm"
              variant="secondary"
              icon="arrow-up"
              aria-label={`Move ${name} up`}
              tooltip="Move up"
              disabled={index === 0}
              onClick={() => onMove(-1)}
            />
            <Button
              id={`${id}-down`}
              size="sm"
              variant="secondary"
              icon="arrow-down"
              aria-label={`Move ${name} down`}
              tooltip="Move down"
              disabled={index === count - 1}
              onClick={() => onMove(1)}
            />
            <Button
              size="sm"
              variant="destructive"
              fill="text"
              icon="trash-alt"
              aria-label={`Remove ${name}`}
              tooltip="Remove"
              onClick={onRemove}
            />
          </>
        )}
      </div>
      {expanded && unplaced.length > 0 && (
        <ul className={styles.problems} role="alert">
          {unplaced.map((p, i) => (
            <li key={i}>{p.field ? `${p.field}: ${p.message}` : p.message}</li>
          ))}
        </ul>
      )}
      {expanded && (
        <div className={styles.grid} id={`${id}-body`}>
          <Field
            label="Key"
            description={`How entries store it: ${SLUG_TEXT}`}
            invalid={!!err('key')}
            error={err('key')}
          >
            <Input
              id={`${id}-key`}
              disabled={readOnly}
              value={draft.key}
              onChange={(e) => patch({ key: e.currentTarget.value })}
            />
          </Field>
          <Field label="Label" invalid={!!err('label')} error={err('label')}>
            <Input
              id={`${id}-label`}
              disabled={readOnly}
              value={draft.label}
              onChange={(e) => patch({ label: e.currentTarget.value })}
            />
          </Field>
          <Field label="Type" invalid={!!err('type')} error={err('type')}>
            <Combobox
              id={`${id}-type`}
              disabled={readOnly}
              options={types.map((t) => ({ value: t, label: FIELD_TYPE_LABELS[t] }))}
              value={draft.type}
              onChange={(o) => patch({ type: o.value })}
            />
          </Field>
          {draft.type !== 'diagnostics' && (
            <Field label="Required" invalid={!!err('required')} error={err('required')}>
              <Checkbox
                id={`${id}-required`}
                label="Needed for a complete entry"
                disabled={readOnly}
                value={draft.required}
                onChange={(e) => patch({ required: e.currentTarget.checked })}
              />
            </Field>
          )}
          {draft.type !== 'diagnostics' && (
            <DefaultInput draft={draft} problems={problems} readOnly={readOnly} onChange={patch} />
          )}
          <TypeSettings
            draft={draft}
            problems={problems}
            choiceLists={props.choiceLists}
            diagnosticNames={props.diagnosticNames}
            readOnly={readOnly}
            onChange={patch}
          />
          <div className={styles.wide}>
            <Field label="Help" invalid={!!err('help')} error={err('help')}>
              <TextArea
                id={`${id}-help`}
                rows={2}
                disabled={readOnly}
                value={draft.help}
                onChange={(e) => patch({ help: e.currentTarget.value })}
              />
            </Field>
          </div>
          <div className={styles.wide}>
            <ConditionEditor
              draft={draft}
              candidates={candidates}
              problems={problems}
              readOnly={readOnly}
              onChange={(showIf) => patch({ showIf })}
            />
          </div>
        </div>
      )}
    </section>
  );
}

/** What the collapsed line tells about a field: key, type, and whether it is required or conditional. */
function summary(draft: FieldDraft): string {
  return [
    draft.key,
    FIELD_TYPE_LABELS[draft.type].toLowerCase(),
    draft.required && 'required',
    draft.showIf && `shows if ${draft.showIf.field}`,
  ]
    .filter(Boolean)
    .join(', ');
}

export default FieldDefinitionEditor;
