import React, { useId, useState } from 'react';
import { Alert, Button, Field, Input, RadioButtonGroup, Stack, Switch } from '@grafana/ui';

import { ApiProblem } from '../../api/client';
import { useShotlineApi } from '../../api/context';
import {
  draftOf,
  errorsFromProblem,
  patchOf,
  type ChannelDraft,
  type ChannelSettings,
  type DraftErrors,
  type RelaySettings,
  type RuleKind,
} from './rules';

interface Props {
  name: string;
  settings: ChannelSettings | undefined;
  onSaved: (settings: RelaySettings) => void;
  onCancel: () => void;
}

const KINDS: Array<{ label: string; value: RuleKind; description: string }> = [
  { label: 'None', value: 'none', description: 'never triggers' },
  { label: 'Above', value: 'above', description: 'triggers when the value is above the threshold' },
  { label: 'Below', value: 'below', description: 'triggers when the value is below the threshold' },
  { label: 'Outside', value: 'outside', description: 'triggers when the value leaves [low, high]' },
];

/** A channel's nickname, unit, arming and threshold rule, changed in place (PATCH relay/channels/{name}). */
export function ChannelEditor({ name, settings, onSaved, onCancel }: Props) {
  const api = useShotlineApi();
  const id = useId();
  // Seeded once: live updates of the settings never overwrite what is being typed.
  const [draft, setDraft] = useState<ChannelDraft>(() => draftOf(settings));
  const [errors, setErrors] = useState<DraftErrors>({});
  const [saving, setSaving] = useState(false);

  const set = <K extends keyof ChannelDraft>(key: K, value: ChannelDraft[K]) => {
    setDraft((d) => ({ ...d, [key]: value }));
    setErrors((e) => (e[key] || e.form ? { ...e, [key]: undefined, form: undefined } : e));
  };

  const save = async () => {
    const out = patchOf(draft, settings);
    if ('errors' in out) {
      setErrors(out.errors);
      return;
    }
    if (Object.keys(out.body).length === 0) {
      onCancel();
      return;
    }
    setSaving(true);
    try {
      const reply = await api.request<RelaySettings>('PATCH', `relay/channels/${encodeURIComponent(name)}`, {
        body: out.body,
      });
      onSaved(reply.body);
    } catch (err) {
      if (err instanceof ApiProblem && err.status === 400) {
        setErrors(errorsFromProblem(err.message, err.details));
      } else {
        setErrors({ form: `Not saved: ${err instanceof Error ? err.message : String(err)}` });
      }
    } finally {
      setSaving(false);
    }
  };

  const numberField = (key: 'above' | 'below' | 'low' | 'high', label: string) => (
    <Field label={label} invalid={!!errors[key]} error={errors[key]} required>
      <Input
        id={`${id}-${key}`}
        inputMode="decimal"
        value={draft[key]}
        invalid={!!errors[key]}
        onChange={(e) => set(key, e.currentTarget.value)}
        width={16}
      />
    </Field>
  );

  return (
    <form
      aria-label={`Edit channel ${name}`}
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <Stack direction="column" gap={0}>
        <Stack direction="row" gap={2} wrap="wrap">
          <Field
            label="Nickname"
            description="Shown and stored in shots instead of the name"
            invalid={!!errors.nickname}
            error={errors.nickname}
          >
            <Input
              id={`${id}-nickname`}
              value={draft.nickname}
              invalid={!!errors.nickname}
              onChange={(e) => set('nickname', e.currentTarget.value)}
              width={24}
            />
          </Field>
          <Field label="Unit" invalid={!!errors.unit} error={errors.unit}>
            <Input
              id={`${id}-unit`}
              value={draft.unit}
              invalid={!!errors.unit}
              onChange={(e) => set('unit', e.currentTarget.value)}
              width={12}
            />
          </Field>
          <Field
            label="Armed"
            description="Off: the rule is kept but never triggers"
            error={errors.enabled}
            invalid={!!errors.enabled}
          >
            <Switch
              id={`${id}-enabled`}
              value={draft.enabled}
              onChange={(e) => set('enabled', e.currentTarget.checked)}
            />
          </Field>
        </Stack>
        <Field label="Threshold rule" invalid={!!errors.kind} error={errors.kind}>
          <RadioButtonGroup
            aria-label="Threshold rule"
            options={KINDS}
            value={draft.kind}
            onChange={(v) => set('kind', v)}
          />
        </Field>
        <Stack direction="row" gap={2} wrap="wrap">
          {draft.kind === 'above' && numberField('above', 'Threshold')}
          {draft.kind === 'below' && numberField('below', 'Threshold')}
          {draft.kind === 'outside' && numberField('low', 'Band low')}
          {draft.kind === 'outside' && numberField('high', 'Band high')}
        </Stack>
        {errors.form && (
          <Alert severity="error" title="Not saved">
            {errors.form}
          </Alert>
        )}
        <Stack direction="row" gap={1}>
          <Button type="submit" size="sm" disabled={saving} icon={saving ? 'spinner' : undefined}>
            Save
          </Button>
          <Button type="button" size="sm" variant="secondary" fill="outline" onClick={onCancel} disabled={saving}>
            Cancel
          </Button>
        </Stack>
      </Stack>
    </form>
  );
}
