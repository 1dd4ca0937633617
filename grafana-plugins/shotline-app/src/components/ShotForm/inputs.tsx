import React, { useState } from 'react';
import { Button, Input, Stack, Switch, Text, TextArea } from '@grafana/ui';

import type { FieldDef } from '../../api/sheetTypes';
import { MultiSelectInput, SelectInput } from './choiceInputs';

const DEFAULT_TEXT_MAX = { single: 2000, multi: 20_000 };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface InputProps {
  def: FieldDef;
  id: string;
  value: unknown;
  /** undefined: the value is removed (not set) */
  onChange: (value: unknown) => void;
  disabled?: boolean;
  invalid?: boolean;
}

/**
 * What the form can tell before the relay does. A value the input could not
 * turn into its type stays as the text typed (never dropped): the relay
 * refuses it too, naming the field, and the operator sees it here first.
 */
export function localProblem(def: FieldDef, value: unknown): string | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }
  switch (def.type) {
    case 'number':
    case 'integer': {
      if (typeof value !== 'number') {
        return def.type === 'integer' ? 'must be a whole number' : 'must be a number';
      }
      if (def.type === 'integer' && !Number.isInteger(value)) {
        return 'must be a whole number';
      }
      const unit = def.unit ? ` ${def.unit}` : '';
      if (def.min !== undefined && value < def.min) {
        return `must be at least ${def.min}${unit}`;
      }
      if (def.max !== undefined && value > def.max) {
        return `must be at most ${def.max}${unit}`;
      }
      return undefined;
    }
    case 'text': {
      const max = def.maxLength ?? (def.multiline ? DEFAULT_TEXT_MAX.multi : DEFAULT_TEXT_MAX.single);
      if (typeof value === 'string' && value.length > max) {
        return `must be at most ${max} characters (${value.length} now)`;
      }
      if (typeof value === 'string' && !def.multiline && /[\r\n]/.test(value)) {
        return 'must be a single line';
      }
      return undefined;
    }
    case 'shotref':
      return typeof value === 'string' && !UUID.test(value) ? 'must be a shot number or a shot uid (UUID)' : undefined;
    case 'datetime':
      return typeof value === 'string' && Number.isNaN(Date.parse(value)) ? 'must be a date and time' : undefined;
    default:
      return undefined;
  }
}

/** Renders the control of one field; the label, help and errors come from the surrounding Field. */
export function FieldInput(props: InputProps) {
  switch (props.def.type) {
    case 'text':
      return <TextInput {...props} />;
    case 'number':
    case 'integer':
      return <NumberInput {...props} />;
    case 'boolean':
      return <BooleanInput {...props} />;
    case 'select':
      return <SelectInput {...props} />;
    case 'multiselect':
      return <MultiSelectInput {...props} />;
    case 'datetime':
      return <DateTimeInput {...props} />;
    case 'shotref':
      return <ShotRefInput {...props} />;
    default:
      return null;
  }
}

function TextInput({ def, id, value, onChange, disabled, invalid }: InputProps) {
  const text = typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value);
  const max = def.maxLength ?? (def.multiline ? DEFAULT_TEXT_MAX.multi : DEFAULT_TEXT_MAX.single);
  const set = (next: string) => onChange(next === '' ? undefined : next);
  // No maxLength attribute: the browser would cut a paste silently; the counter and the error say it instead.
  const counter = def.maxLength !== undefined && (
    <Text variant="bodySmall" color={text.length > max ? 'error' : 'secondary'}>
      {text.length} / {max}
    </Text>
  );
  if (def.multiline) {
    return (
      <Stack direction="column" gap={0.5}>
        <TextArea
          id={id}
          value={text}
          rows={3}
          disabled={disabled}
          invalid={invalid}
          onChange={(e) => set(e.currentTarget.value)}
        />
        {counter}
      </Stack>
    );
  }
  return (
    <Input
      id={id}
      value={text}
      disabled={disabled}
      invalid={invalid}
      onChange={(e) => set(e.currentTarget.value)}
      suffix={counter || undefined}
    />
  );
}

const formatNumber = (value: unknown) => (value === undefined || value === null ? '' : String(value));

function parseNumber(text: string, integer: boolean): unknown {
  const trimmed = text.trim();
  if (trimmed === '') {
    return undefined;
  }
  // Number('') and Number('0x10') are numbers; only plain decimal notation is.
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(trimmed)) {
    return text;
  }
  const n = Number(trimmed);
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n))) {
    return text;
  }
  return n;
}

function NumberInput({ def, id, value, onChange, disabled, invalid }: InputProps) {
  const integer = def.type === 'integer';
  // The text as typed ("1.", "-", "2e"), which a number cannot hold while typing.
  const text = useTypedText(value, (t) => parseNumber(t, integer));
  return (
    <Input
      id={id}
      value={text.value}
      inputMode={integer ? 'numeric' : 'decimal'}
      disabled={disabled}
      invalid={invalid}
      suffix={def.unit}
      placeholder={rangeText(def)}
      onChange={(e) => {
        const next = e.currentTarget.value;
        text.set(next);
        onChange(parseNumber(next, integer));
      }}
    />
  );
}

const sameParsed = (a: unknown, b: unknown) => a === b || (a === undefined && b === null);

/**
 * The text of an input whose value is parsed from it: what was typed, until
 * the value changes from outside (a preset, another entry), then the value.
 */
function useTypedText(
  value: unknown,
  parse: (text: string) => unknown
): { value: string; set: (text: string) => void } {
  const [state, setState] = useState({ text: formatNumber(value), value });
  if (state.value !== value) {
    // Adjusting state to a new prop during render (React's documented pattern, no effect pass).
    const text = sameParsed(parse(state.text), value) ? state.text : formatNumber(value);
    setState({ text, value });
    return { value: text, set: (t) => setState({ text: t, value: parse(t) }) };
  }
  return { value: state.text, set: (t) => setState({ text: t, value: parse(t) }) };
}

function rangeText(def: FieldDef): string | undefined {
  if (def.min !== undefined && def.max !== undefined) {
    return `${def.min} – ${def.max}`;
  }
  if (def.min !== undefined) {
    return `≥ ${def.min}`;
  }
  if (def.max !== undefined) {
    return `≤ ${def.max}`;
  }
  return undefined;
}

function BooleanInput({ id, value, onChange, disabled, invalid }: InputProps) {
  return (
    <Stack direction="row" gap={1} alignItems="center">
      <Switch
        id={id}
        value={value === true}
        disabled={disabled}
        invalid={invalid}
        onChange={(e) => onChange(e.currentTarget.checked)}
      />
      {typeof value !== 'boolean' && (
        <Text variant="bodySmall" color="secondary">
          not set
        </Text>
      )}
    </Stack>
  );
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** An ISO instant as the browser's local `YYYY-MM-DDTHH:mm:ss` (what a datetime-local input shows). */
export function toLocalInput(iso: unknown): string {
  if (typeof iso !== 'string') {
    return '';
  }
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) {
    return '';
  }
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** A local date and time as typed → the instant in ISO 8601 with a zone (what the relay stores). */
export function fromLocalInput(local: string): string | undefined {
  if (local === '') {
    return undefined;
  }
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

function DateTimeInput({ def, id, value, onChange, disabled, invalid }: InputProps) {
  const local = toLocalInput(value);
  return (
    <Stack direction="row" gap={1} alignItems="center">
      <Input
        id={id}
        type="datetime-local"
        step={1}
        value={local}
        disabled={disabled}
        invalid={invalid}
        onChange={(e) => {
          const next = e.currentTarget.value;
          // A half-typed date reports '' with badInput: keep the value it had rather than clear it.
          if (next === '' && e.currentTarget.validity?.badInput) {
            return;
          }
          onChange(fromLocalInput(next));
        }}
      />
      <Button
        size="sm"
        variant="secondary"
        fill="outline"
        disabled={disabled}
        aria-label={`Set ${def.label} to now`}
        onClick={() => onChange(new Date(Math.floor(Date.now() / 1000) * 1000).toISOString())}
      >
        Now
      </Button>
    </Stack>
  );
}

function ShotRefInput({ id, value, onChange, disabled, invalid }: InputProps) {
  const text = useTypedText(value, parseShotRef);
  return (
    <Input
      id={id}
      value={text.value}
      disabled={disabled}
      invalid={invalid}
      placeholder="shot number or uid"
      onChange={(e) => {
        text.set(e.currentTarget.value);
        onChange(parseShotRef(e.currentTarget.value));
      }}
    />
  );
}

function parseShotRef(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === '') {
    return undefined;
  }
  if (/^\d{1,15}$/.test(trimmed) && Number(trimmed) >= 1) {
    return Number(trimmed);
  }
  return trimmed;
}
