import React, { useState } from 'react';
import {
  Button,
  Combobox,
  type ComboboxOption,
  IconButton,
  InlineField,
  InlineFieldRow,
  Input,
  RadioButtonGroup,
  Stack,
} from '@grafana/ui';

import type { WhereCondition, WhereOp } from './types';
import { formatValue, parseValue, type ValueKind, WHERE_OPS } from './whereValue';

export type OptionLoader = (typed: string) => Promise<Array<ComboboxOption<string>>>;

/** Fields to offer: a loader (asked as the user types), or a list known up front (its labels then show in the rows). */
export type FieldOptions = OptionLoader | Array<ComboboxOption<string>>;

/** Refusals of one condition (e.g. from the relay's 400 `where.2.value`), shown at its row. */
export interface ConditionErrors {
  field?: string;
  op?: string;
  value?: string;
}

const DEFAULT_VALUE_HELP =
  '2 is a number, true/false a boolean, null null, "2" (quoted) the text 2; for in: a comma-separated list.';

interface Props {
  where: WhereCondition[];
  onChange: (where: WhereCondition[]) => void;
  /** Fields to offer (any other can be typed). */
  loadFields: FieldOptions;
  /** Refusals by row index. */
  errors?: Array<ConditionErrors | undefined>;
  /** What a field holds, when known, so a typed value keeps the right type. */
  kindOf?: (field: string) => ValueKind | undefined;
  /** The value's tooltip (e.g. to mention dashboard variables where they work). */
  valueHelp?: string;
  /** Prefix of the inputs' ids, so two editors can share a page. */
  idPrefix?: string;
}

/**
 * Search conditions as rows of field, operator and value (the search language
 * of docs/search.md): every condition must hold.
 */
export function WhereEditor({
  where,
  onChange,
  loadFields,
  errors,
  kindOf,
  valueHelp = DEFAULT_VALUE_HELP,
  idPrefix = 'where',
}: Props) {
  const update = (index: number, condition: WhereCondition) =>
    onChange(where.map((c, i) => (i === index ? condition : c)));
  const remove = (index: number) => onChange(where.filter((_, i) => i !== index));
  const add = () => onChange([...where, { field: '', op: '=' }]);

  return (
    <Stack direction="column" gap={0.5}>
      {where.map((condition, index) => (
        <ConditionRow
          key={index}
          index={index}
          idPrefix={idPrefix}
          condition={condition}
          errors={errors?.[index]}
          kind={condition.field ? kindOf?.(condition.field) : undefined}
          valueHelp={valueHelp}
          loadFields={loadFields}
          onChange={(c) => update(index, c)}
          onRemove={() => remove(index)}
        />
      ))}
      <div>
        <Button variant="secondary" size="sm" icon="plus" onClick={add}>
          Add filter
        </Button>
      </div>
    </Stack>
  );
}

interface RowProps {
  index: number;
  idPrefix: string;
  condition: WhereCondition;
  errors?: ConditionErrors;
  kind?: ValueKind;
  valueHelp: string;
  loadFields: FieldOptions;
  onChange: (condition: WhereCondition) => void;
  onRemove: () => void;
}

function ConditionRow({
  index,
  idPrefix,
  condition,
  errors,
  kind,
  valueHelp,
  loadFields,
  onChange,
  onRemove,
}: RowProps) {
  const id = `${idPrefix}-${index}`;
  const onOpChange = (op: WhereOp) => {
    // Re-read the value for the new operator (e.g. `=` 2 → `in` [2]; `exists` takes true/false).
    const value = op === 'exists' ? true : parseValue(formatValue(condition.value), op, kind);
    onChange(withValue({ ...condition, op }, value));
  };

  return (
    <InlineFieldRow>
      <InlineField label="Field" labelWidth={8} invalid={!!errors?.field} error={errors?.field}>
        <Combobox<string>
          id={`${id}-field`}
          width={32}
          value={condition.field || null}
          options={loadFields}
          createCustomValue
          placeholder="channels.energy_J"
          onChange={(option) => {
            onChange({ ...condition, field: option.value });
            // A typed label ("Target thickness") is taken as a custom value; read it as the field it names.
            void resolveField(option.value, loadFields).then((field) => {
              if (field !== option.value) {
                onChange({ ...condition, field });
              }
            });
          }}
        />
      </InlineField>
      <InlineField label="Op" labelWidth={5} invalid={!!errors?.op} error={errors?.op}>
        <Combobox<WhereOp>
          id={`${id}-op`}
          width={14}
          value={condition.op}
          options={WHERE_OPS}
          onChange={(option) => onOpChange(option.value)}
        />
      </InlineField>
      {condition.op === 'exists' ? (
        <InlineField label="Present" labelWidth={9} invalid={!!errors?.value} error={errors?.value}>
          <RadioButtonGroup
            options={[
              { label: 'present', value: true },
              { label: 'absent', value: false },
            ]}
            value={condition.value !== false}
            onChange={(present) => onChange({ ...condition, value: present })}
          />
        </InlineField>
      ) : (
        <InlineField label="Value" labelWidth={7} tooltip={valueHelp} invalid={!!errors?.value} error={errors?.value}>
          <ValueInput
            // A new stored value (another operator, a query change) starts the input afresh.
            key={`${condition.op} ${formatValue(condition.value)}`}
            id={`${id}-value`}
            condition={condition}
            kind={kind}
            onCommit={(value) => onChange(withValue(condition, value))}
          />
        </InlineField>
      )}
      <IconButton name="trash-alt" aria-label={`Remove filter ${index + 1}`} onClick={onRemove} />
    </InlineFieldRow>
  );
}

/** The field a typed text names: an offered field's value as is, or the one whose label it is (ignoring case and unit). */
export async function resolveField(typed: string, loadFields: FieldOptions): Promise<string> {
  const options = Array.isArray(loadFields) ? loadFields : await loadFields(typed).catch(() => []);
  if (options.some((o) => o.value === typed)) {
    return typed;
  }
  const name = typed.trim().toLowerCase();
  const labelled = options.filter((o) => {
    const label = (o.label ?? '').toLowerCase();
    return label === name || label.replace(/\s*\[[^\]]*\]$/, '') === name;
  });
  return labelled.length === 1 ? labelled[0].value : typed;
}

function withValue(condition: WhereCondition, value: WhereCondition['value']): WhereCondition {
  const { value: _old, ...rest } = condition;
  return value === undefined ? rest : { ...rest, value };
}

/** The value as typed; read into its stored type when the input loses focus (or on Enter). */
function ValueInput({
  id,
  condition,
  kind,
  onCommit,
}: {
  id: string;
  condition: WhereCondition;
  kind?: ValueKind;
  onCommit: (value: WhereCondition['value']) => void;
}) {
  const [text, setText] = useState(formatValue(condition.value));
  const commit = () => onCommit(parseValue(text, condition.op, kind));
  return (
    <Input
      id={id}
      width={28}
      value={text}
      placeholder={condition.op === 'in' ? 'Cu, Ti' : 'value'}
      onChange={(e) => setText(e.currentTarget.value)}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === 'Enter') {
          commit();
        }
      }}
    />
  );
}
