import React from 'react';
import { Combobox } from '@grafana/ui';

import type { OptionLoader } from '../../options';

interface Props {
  id: string;
  value: string | undefined;
  /** Called with undefined when cleared. */
  onChange: (value: string | undefined) => void;
  load: OptionLoader;
  placeholder?: string;
  width?: number;
}

/**
 * A picker over a list from the backend (sheets, campaigns, …) that also takes
 * a typed value: a name not listed yet, or a dashboard variable (`$sheet`).
 */
export function ListPicker({ id, value, onChange, load, placeholder, width = 25 }: Props) {
  return (
    <Combobox<string>
      id={id}
      width={width}
      value={value ?? null}
      options={load}
      createCustomValue
      isClearable
      placeholder={placeholder}
      onChange={(option) => onChange(option?.value || undefined)}
    />
  );
}
