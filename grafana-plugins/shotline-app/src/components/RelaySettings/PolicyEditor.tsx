import React, { useState } from 'react';
import { Alert, Button, Field, Input, MultiCombobox, RadioButtonGroup, Stack } from '@grafana/ui';

import { useShotlineApi } from '../../api/context';
import type { RelaySettingsDoc, TriggerPolicy } from '../../api/relayTypes';
import { problemsByField } from '../shared/problems';

const MODES = [
  { label: 'Any channel', value: 'any' as const, description: 'one crossing channel triggers a shot' },
  { label: 'At least', value: 'atLeast' as const, description: 'several channels must cross in the same message' },
];

export function describePolicy(p: TriggerPolicy): string {
  if (p.mode === 'any') {
    return 'any channel crossing its threshold triggers a shot';
  }
  const parts = [];
  if (p.count !== undefined) {
    parts.push(`at least ${p.count} channel${p.count === 1 ? '' : 's'} crossing in the same message`);
  }
  if (p.required?.length) {
    parts.push(`including ${p.required.join(', ')}`);
  }
  return parts.join(', ');
}

interface Props {
  policy: TriggerPolicy;
  channels: string[];
  canEdit: boolean;
  onSaved: (settings: RelaySettingsDoc) => void;
}

/** The trigger policy in force; admins change it (PUT relay/policy). */
export function PolicyEditor({ policy, channels, canEdit, onSaved }: Props) {
  const api = useShotlineApi();
  const [editing, setEditing] = useState(false);
  const [mode, setMode] = useState(policy.mode);
  const [count, setCount] = useState(policy.count !== undefined ? String(policy.count) : '');
  const [required, setRequired] = useState<string[]>(policy.required ?? []);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);

  const save = async () => {
    const body: TriggerPolicy = { mode };
    const found: Record<string, string> = {};
    if (mode === 'atLeast') {
      if (count.trim() !== '') {
        const n = Number(count);
        if (!Number.isInteger(n) || n < 1) {
          found.count = 'must be a whole number, 1 or more';
        } else {
          body.count = n;
        }
      }
      if (required.length) {
        body.required = required;
      }
      if (!found.count && body.count === undefined && !body.required) {
        found.count = 'give a count or required channels';
      }
    }
    setErrors(found);
    if (Object.keys(found).length) {
      return;
    }
    setSaving(true);
    try {
      onSaved((await api.request<RelaySettingsDoc>('PUT', 'relay/policy', { body })).body);
      setEditing(false);
    } catch (err) {
      setErrors(problemsByField(err, { mode: 'mode', count: 'count', required: 'required' }));
    } finally {
      setSaving(false);
    }
  };

  if (!editing) {
    return (
      <Stack direction="row" gap={2} alignItems="center">
        <span data-testid="policy">{describePolicy(policy)}</span>
        {canEdit && (
          <Button size="sm" variant="secondary" icon="pen" onClick={() => setEditing(true)}>
            Change policy
          </Button>
        )}
      </Stack>
    );
  }
  return (
    <form
      aria-label="Trigger policy"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <Field label="Mode" invalid={!!errors.mode} error={errors.mode}>
        <RadioButtonGroup options={MODES} value={mode} onChange={setMode} />
      </Field>
      {mode === 'atLeast' && (
        <Stack direction="row" gap={2}>
          <Field label="Count" description="channels crossing together" invalid={!!errors.count} error={errors.count}>
            <Input
              id="policy-count"
              width={10}
              inputMode="numeric"
              value={count}
              onChange={(e) => setCount(e.currentTarget.value)}
            />
          </Field>
          <Field label="Required channels" invalid={!!errors.required} error={errors.required}>
            <MultiCombobox<string>
              id="policy-required"
              width={40}
              value={required}
              options={channels.map((c) => ({ label: c, value: c }))}
              createCustomValue
              onChange={(o) => setRequired(o.map((x) => x.value))}
            />
          </Field>
        </Stack>
      )}
      {errors.form && (
        <Alert severity="error" title="The relay refused the policy">
          {errors.form}
        </Alert>
      )}
      <Stack gap={1}>
        <Button type="submit" disabled={saving}>
          Save policy
        </Button>
        <Button type="button" variant="secondary" onClick={() => setEditing(false)}>
          Cancel
        </Button>
      </Stack>
    </form>
  );
}
