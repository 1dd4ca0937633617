import React, { useState } from 'react';
import { Button, Combobox, IconButton, InlineField, InlineFieldRow, Input, RadioButtonGroup, Stack } from '@grafana/ui';

import type { OptionLoader } from '../../options';
import type { WhereCondition, WhereOp } from '../../types';
import { formatValue, parseValue, WHERE_OPS } from '../../whereValue';

interface Props {
  where: WhereCondition[];
  onChange: (where: WhereCondition[]) => void;
  /** Fields to offer (any other can be typed). */
  loadFields: OptionLoader;
}

/**
 * Search conditions as rows of field, operator and value (the search language
 * of docs/search.md): every condition must hold.
 */
export function WhereEditor({ where, onChange, loadFields }: Props) {
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
          condition={condition}
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
  condition: WhereCondition;
  loadFields: OptionLoader;
  onChange: (condition: WhereCondition) => void;
  onRemove: () => void;
}

function ConditionRow({ index, condition, loadFields, onChange, onRemove }: RowProps) {
  const onOpChange = (op: WhereOp) => {
    // Re-read the value for the new operator (e.g. `=` 2 → `in` [2]; `exists` takes true/false).
    const value = op === 'exists' ? true : parseValue(formatValue(condition.value), op);
    onChange(withValue({ ...condition, op }, value));
  };

  return (
    <InlineFieldRow>
      <InlineField label="Field" labelWidth={8}>
        <Combobox<string>
          id={`where-${index}-field`}
          width={32}
          value={condition.field || null}
          options={loadFields}
          createCustomValue
          placeholder="channels.energy_J"
          onChange={(option) => onChange({ ...condition, field: option.value })}
        />
      </InlineField>
      <InlineField label="Op" labelWidth={5}>
        <Combobox<WhereOp>
          id={`where-${index}-op`}
          width={14}
          value={condition.op}
          options={WHERE_OPS}
          onChange={(option) => onOpChange(option.value)}
        />
      </InlineField>
      {condition.op === 'exists' ? (
        <InlineField label="Present" labelWidth={9}>
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
        <InlineField
          label="Value"
          labelWidth={7}
          tooltip='2 is a number, true/false a boolean, null null, "2" (quoted) the text 2; for in: a comma-separated list. Dashboard variables ($name) work.'
        >
          <ValueInput
            // A new stored value (another operator, a query change) starts the input afresh.
            key={`${condition.op} ${formatValue(condition.value)}`}
            id={`where-${index}-value`}
            condition={condition}
            onCommit={(value) => onChange(withValue(condition, value))}
          />
        </InlineField>
      )}
      <IconButton name="trash-alt" aria-label={`Remove filter ${index + 1}`} onClick={onRemove} />
    </InlineFieldRow>
  );
}

function withValue(condition: WhereCondition, value: WhereCondition['value']): WhereCondition {
  const { value: _old, ...rest } = condition;
  return value === undefined ? rest : { ...rest, value };
}

/** The value as typed; read into its stored type when the input loses focus (or on Enter). */
function ValueInput({
  id,
  condition,
  onCommit,
}: {
  id: string;
  condition: WhereCondition;
  onCommit: (value: WhereCondition['value']) => void;
}) {
  const [text, setText] = useState(formatValue(condition.value));
  const commit = () => onCommit(parseValue(text, condition.op));
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
