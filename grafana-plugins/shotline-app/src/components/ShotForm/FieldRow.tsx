import React from 'react';
import { Field } from '@grafana/ui';

import { FieldInput, localProblem } from './inputs';
import type { FieldDef } from '../../api/sheetTypes';

export interface FieldRowProps {
  def: FieldDef;
  id: string;
  value: unknown;
  onChange: (value: unknown) => void;
  /** the relay's messages for this input */
  errors?: string[];
  disabled?: boolean;
  compact?: boolean;
}

/** One input with its label, required marker, help and errors (the relay's and the form's own). */
export function FieldRow({ def, id, value, onChange, errors = [], disabled, compact }: FieldRowProps) {
  const local = localProblem(def, value);
  const messages = [...new Set([...errors, ...(local ? [local] : [])])];
  return (
    <Field
      label={def.label}
      description={def.help}
      required={def.required}
      invalid={messages.length > 0}
      error={messages.length > 0 ? messages.join('; ') : undefined}
      htmlFor={id}
      disabled={disabled}
      noMargin={compact}
      data-testid={`field-${id}`}
    >
      <FieldInput
        def={def}
        id={id}
        value={value}
        onChange={onChange}
        disabled={disabled}
        invalid={messages.length > 0}
      />
    </Field>
  );
}
