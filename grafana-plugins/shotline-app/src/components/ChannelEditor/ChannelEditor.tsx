import React, { useState } from 'react';
import { Alert, Button, Field, Input, RadioButtonGroup, Stack, Switch } from '@grafana/ui';

import { useShotlineApi } from '../../api/context';
import type { ChannelSettings, RelaySettingsDoc } from '../../api/relayTypes';
import { problemsByField } from '../shared/problems';
import { draftOf, FIELD_OF, patchOf, type ChannelDraft, type DraftErrors, type RuleKind } from './draft';

export interface ChannelEditorProps {
  /** the channel's name on the relay */
  name: string;
  /** its settings in force; undefined for a channel the relay has only seen */
  settings: ChannelSettings | undefined;
  /** the relay's answer: the settings now in force */
  onSaved: (settings: RelaySettingsDoc) => void;
  /** closed without saving, or saved with nothing changed */
  onCancel: () => void;
}

const KINDS: Array<{ label: string; value: RuleKind; description: string }> = [
  { label: 'None', value: 'none', description: 'never triggers' },
  { label: 'Above', value: 'above', description: 'triggers when the value is above the threshold' },
  { label: 'Below', value: 'below', description: 'triggers when the value is below the threshold' },
  { label: 'Outside', value: 'outside', description: 'triggers when the value leaves [low, high]' },
];

/**
 * A channel's nickname, unit, arming and threshold rule, changed in place
 * (PATCH relay/channels/{name} with only what changed). A refused save keeps
 * everything typed and shows why at each input.
 */
export function ChannelEditor({ name, settings, onSaved, onCancel }: ChannelEditorProps) {
  const api = useShotlineApi();
  // Seeded once: live updates of the settings never overwrite what is being typed.
  const [draft, setDraft] = useState<ChannelDraft>(() => draftOf(settings));
  const [errors, setErrors] = useState<DraftErrors>({});
  const [saving, setSaving] = useState(false);
  // Stable ids by channel name: the pages and their browser tests find the inputs by them.
  const id = (key: keyof ChannelDraft) => `channel-${name}-${key}`;

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
      const reply = await api.request<RelaySettingsDoc>('PATCH', `relay/channels/${encodeURIComponent(name)}`, {
        body: out.body,
      });
      onSaved(reply.body);
    } catch (err) {
      setErrors(problemsByField(err, FIELD_OF));
    } finally {
      setSaving(false);
    }
  };

  const textField = (key: 'nickname' | 'unit', label: string, width: number, description?: string) => (
    <Field label={label} description={description} invalid={!!errors[key]} error={errors[key]}>
      <Input
        id={id(key)}
        value={draft[key]}
        invalid={!!errors[key]}
        onChange={(e) => set(key, e.currentTarget.value)}
        width={width}
      />
    </Field>
  );

  // Numbers stay text (inputMode only hints the keyboard): "1e-4" and a typo alike are kept as typed.
  const numberField = (key: 'above' | 'below' | 'low' | 'high', label: string) => (
    <Field label={label} invalid={!!errors[key]} error={errors[key]} required>
      <Input
        id={id(key)}
        inputMode="decimal"
        value={draft[key]}
        invalid={!!errors[key]}
        suffix={draft.unit.trim() || undefined}
        onChange={(e) => set(key, e.currentTarget.value)}
        width={18}
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
          {textField('nickname', 'Nickname', 24, 'Shown and stored in shots instead of the name')}
          {textField('unit', 'Unit', 12)}
          <Field
            label="Enabled"
            description="Off: the rule is kept but never triggers"
            invalid={!!errors.enabled}
            error={errors.enabled}
          >
            <Switch
              id={id('enabled')}
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
          <Button
            type="submit"
            size="sm"
            aria-label={`Save ${name}`}
            disabled={saving}
            icon={saving ? 'spinner' : 'save'}
          >
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
