import React from 'react';
import { Input } from '@grafana/ui';

export interface LimitInputProps {
  id: string;
  value: number | undefined;
  /** the limit the backend applies when none is set, shown as the placeholder */
  placeholder: string;
  width: number;
  max?: number;
  /** a positive whole number, or undefined for the backend's default */
  onChange: (limit: number | undefined) => void;
}

/** How many rows a query asks for; anything but a positive whole number means the default. */
export function LimitInput({ id, value, placeholder, width, max, onChange }: LimitInputProps) {
  return (
    <Input
      id={id}
      type="number"
      width={width}
      min={1}
      max={max}
      defaultValue={value ?? ''}
      placeholder={placeholder}
      onBlur={(e) => {
        const limit = Number.parseInt(e.currentTarget.value, 10);
        onChange(Number.isFinite(limit) && limit > 0 ? limit : undefined);
      }}
    />
  );
}
