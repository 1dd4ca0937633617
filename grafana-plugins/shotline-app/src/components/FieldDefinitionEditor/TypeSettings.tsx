import React from 'react';
import {
  Checkbox,
  Combobox,
  Field,
  FieldValidationMessage,
  Input,
  Label,
  RadioButtonGroup,
  Stack,
  TextArea,
} from '@grafana/ui';

import type { FieldProblem } from '../../api/client';
import type { FieldDraft } from './draft';
import { problemsAt } from './problems';

interface Props {
  draft: FieldDraft;
  problems?: FieldProblem[];
  choiceLists: string[];
  diagnosticNames: string[];
  readOnly?: boolean;
  onChange: (patch: Partial<FieldDraft>) => void;
}

/** The properties only some types have (`unit`, `options`, …); which ones the relay allows is in fields.ts. */
export const TYPE_PROPS = ['multiline', 'maxLength', 'unit', 'min', 'max', 'choices', 'options', 'diagnostics'];

const SOURCES = [
  { label: 'Inline options', value: 'options' as const },
  { label: 'A choice list', value: 'choices' as const },
];

export function TypeSettings({ draft, problems, choiceLists, diagnosticNames, readOnly, onChange }: Props) {
  const id = draft.id;
  const err = (prop: string) => problemsAt(problems, prop);
  switch (draft.type) {
    case 'text':
      return (
        <>
          <Field label="Maximum length" invalid={!!err('maxLength')} error={err('maxLength')}>
            <Input
              id={`${id}-maxLength`}
              inputMode="numeric"
              disabled={readOnly}
              value={draft.maxLength}
              placeholder={draft.multiline ? '20000' : '2000'}
              onChange={(e) => onChange({ maxLength: e.currentTarget.value })}
            />
          </Field>
          <Field label="Lines" invalid={!!err('multiline')} error={err('multiline')}>
            <Checkbox
              id={`${id}-multiline`}
              label="Several lines"
              disabled={readOnly}
              value={draft.multiline}
              onChange={(e) => onChange({ multiline: e.currentTarget.checked })}
            />
          </Field>
        </>
      );
    case 'number':
    case 'integer':
      return (
        <>
          <Field label="Unit" invalid={!!err('unit')} error={err('unit')}>
            <Input
              id={`${id}-unit`}
              disabled={readOnly}
              value={draft.unit}
              onChange={(e) => onChange({ unit: e.currentTarget.value })}
            />
          </Field>
          <Field label="Minimum" invalid={!!err('min')} error={err('min')}>
            <Input
              id={`${id}-min`}
              inputMode="decimal"
              disabled={readOnly}
              value={draft.min}
              onChange={(e) => onChange({ min: e.currentTarget.value })}
            />
          </Field>
          <Field label="Maximum" invalid={!!err('max')} error={err('max')}>
            <Input
              id={`${id}-max`}
              inputMode="decimal"
              disabled={readOnly}
              value={draft.max}
              onChange={(e) => onChange({ max: e.currentTarget.value })}
            />
          </Field>
        </>
      );
    case 'select':
    case 'multiselect':
      return (
        <Stack direction="column" gap={0}>
          <Field label="Values from">
            <RadioButtonGroup
              id={`${id}-source`}
              aria-label="Values from"
              disabled={readOnly}
              options={SOURCES}
              value={draft.source}
              onChange={(source) => onChange({ source })}
            />
          </Field>
          {draft.source === 'options' ? (
            <Field
              label="Options (one per line)"
              invalid={!!err('options')}
              error={err('options')}
              description="Blank lines are left out."
            >
              <TextArea
                id={`${id}-options`}
                rows={4}
                disabled={readOnly}
                value={draft.optionsText}
                onChange={(e) => onChange({ optionsText: e.currentTarget.value })}
              />
            </Field>
          ) : (
            <Field label="Choice list" invalid={!!err('choices')} error={err('choices')}>
              <Combobox
                id={`${id}-choices`}
                width={28}
                disabled={readOnly}
                createCustomValue
                options={choiceLists.map((name) => ({ value: name, label: name }))}
                value={draft.choices || null}
                onChange={(o) => onChange({ choices: o.value })}
              />
            </Field>
          )}
        </Stack>
      );
    case 'diagnostics':
      // A group of checkboxes, not one input: labelled as a group (a Field would hand its props to the Stack).
      return (
        <div role="group" aria-labelledby={`${id}-diagnostics-label`}>
          <Label
            id={`${id}-diagnostics-label`}
            description={diagnosticNames.length === 0 ? 'The sheet has no diagnostics yet.' : undefined}
          >
            Diagnostics shown
          </Label>
          <Stack direction="row" gap={2} wrap="wrap">
            <Checkbox
              label="All"
              disabled={readOnly}
              value={draft.diagnostics === null}
              onChange={(e) => onChange({ diagnostics: e.currentTarget.checked ? null : [] })}
            />
            {draft.diagnostics !== null &&
              [...new Set([...diagnosticNames, ...draft.diagnostics])].map((name) => (
                <Checkbox
                  key={name}
                  label={name}
                  disabled={readOnly}
                  value={draft.diagnostics!.includes(name)}
                  onChange={(e) =>
                    onChange({
                      diagnostics: e.currentTarget.checked
                        ? [...draft.diagnostics!, name]
                        : draft.diagnostics!.filter((d) => d !== name),
                    })
                  }
                />
              ))}
          </Stack>
          {err('diagnostics') && <FieldValidationMessage>{err('diagnostics')}</FieldValidationMessage>}
        </div>
      );
    default:
      return null;
  }
}

const DEFAULT_HINTS: Partial<Record<FieldDraft['type'], string>> = {
  boolean: 'true or false',
  multiselect: 'values separated by commas',
  datetime: 'ISO 8601 with a time zone, e.g. 2026-11-30T09:00:00Z',
  shotref: 'a shot number or uid',
};

/** The value a new entry starts with. */
export function DefaultInput({ draft, problems, readOnly, onChange }: Omit<Props, 'choiceLists' | 'diagnosticNames'>) {
  const error = problemsAt(problems, 'default');
  return (
    <Field label="Default" description={DEFAULT_HINTS[draft.type]} invalid={!!error} error={error}>
      <Input
        id={`${draft.id}-default`}
        disabled={readOnly}
        value={draft.defaultText}
        onChange={(e) => onChange({ defaultText: e.currentTarget.value })}
      />
    </Field>
  );
}
