import React from 'react';
import { Checkbox, Combobox, Field, Input, RadioButtonGroup, Stack } from '@grafana/ui';

import type { FieldProblem } from '../../api/client';
import type { FieldDraft, ShowIfDraft } from './draft';
import { problemsAt } from './problems';

interface Props {
  draft: FieldDraft;
  /** the fields a condition may depend on (every other field holding a value) */
  candidates: FieldDraft[];
  problems?: FieldProblem[];
  readOnly?: boolean;
  onChange: (showIf: ShowIfDraft | null) => void;
}

const MODES = [
  { label: 'equals', value: 'equals' as const, description: 'shows when the other field has this value' },
  { label: 'is one of', value: 'in' as const, description: 'shows when the other field has one of these values' },
];

/** `showIf`: the field shows only while another field has a given value. */
export function ConditionEditor({ draft, candidates, problems, readOnly, onChange }: Props) {
  const id = draft.id;
  const showIf = draft.showIf;
  const target = showIf ? candidates.find((c) => c.key === showIf.field) : undefined;
  const fieldError = problemsAt(problems, 'showIf.field');
  const valueError = problemsAt(problems, showIf?.mode === 'in' ? 'showIf.in' : 'showIf.equals');
  const otherError = problemsAt(
    problems?.filter((p) => !['showIf.field', 'showIf.in', 'showIf.equals'].some((k) => p.field.startsWith(k))),
    'showIf'
  );
  return (
    <div>
      <Checkbox
        label="Show only when another field has a value"
        value={showIf !== null}
        disabled={readOnly}
        onChange={(e) =>
          onChange(e.currentTarget.checked ? { field: candidates[0]?.key ?? '', mode: 'equals', value: '' } : null)
        }
      />
      {showIf && (
        <Stack direction="row" gap={2} wrap="wrap" alignItems="flex-start">
          <Field label="Depends on field" invalid={!!fieldError || !!otherError} error={fieldError ?? otherError}>
            <Combobox
              id={`${id}-showif-field`}
              width={28}
              disabled={readOnly}
              createCustomValue
              options={candidates.map((c) => ({ value: c.key, label: `${c.label || c.key} (${c.key})` }))}
              value={showIf.field || null}
              onChange={(o) => onChange({ ...showIf, field: o.value })}
            />
          </Field>
          <Field label="Condition">
            <RadioButtonGroup
              id={`${id}-showif-mode`}
              aria-label="Condition"
              disabled={readOnly}
              options={MODES}
              value={showIf.mode}
              onChange={(mode) => onChange({ ...showIf, mode })}
            />
          </Field>
          <Field
            label={showIf.mode === 'in' ? 'Values (separated by commas)' : 'Value'}
            description={
              target?.type === 'boolean'
                ? 'true or false'
                : target?.type === 'number' || target?.type === 'integer'
                  ? 'a number'
                  : undefined
            }
            invalid={!!valueError}
            error={valueError}
          >
            <Input
              id={`${id}-showif-value`}
              width={28}
              disabled={readOnly}
              value={showIf.value}
              onChange={(e) => onChange({ ...showIf, value: e.currentTarget.value })}
            />
          </Field>
        </Stack>
      )}
    </div>
  );
}
