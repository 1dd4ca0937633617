import React, { useState } from 'react';
import { Alert, Button, Field, Input, RadioButtonGroup, Stack, Switch } from '@grafana/ui';

import { useShotlineApi } from '../../api/context';
import { problemsByField } from './problems';
import type { ChannelSettings, ChannelView, RelaySettingsDoc, ThresholdRule } from './types';

type RuleKind = 'none' | ThresholdRule['kind'];

interface Draft {
  nickname: string;
  unit: string;
  enabled: boolean;
  kind: RuleKind;
  above: string;
  below: string;
  low: string;
  high: string;
}

const RULE_KINDS: Array<{ label: string; value: RuleKind; description: string }> = [
  { label: 'None', value: 'none', description: 'the channel never triggers' },
  { label: 'Above', value: 'above', description: 'triggers when the value is above the threshold' },
  { label: 'Below', value: 'below', description: 'triggers when the value is below the threshold' },
  { label: 'Outside band', value: 'outside', description: 'triggers when the value leaves [low, high]' },
];

// Most specific first: problemsByField places `rule.low` before `rule`.
const FIELDS = ['nickname', 'unit', 'enabled', 'rule.above', 'rule.below', 'rule.low', 'rule.high', 'rule'];

function draftOf(c: ChannelView): Draft {
  const r = c.rule;
  return {
    nickname: c.nickname ?? '',
    unit: c.unit ?? '',
    enabled: c.enabled,
    kind: r?.kind ?? 'none',
    above: r?.kind === 'above' ? String(r.above) : '',
    below: r?.kind === 'below' ? String(r.below) : '',
    low: r?.kind === 'outside' ? String(r.low) : '',
    high: r?.kind === 'outside' ? String(r.high) : '',
  };
}

function readNumber(text: string): number | undefined {
  const t = text.trim();
  return t !== '' && Number.isFinite(Number(t)) ? Number(t) : undefined;
}

/**
 * The PATCH body for what changed, or the problems that keep it from being
 * sent (checked here so the message names the input; the relay checks again).
 */
export function channelPatch(
  current: ChannelView,
  d: Draft
): { patch?: Partial<ChannelSettings>; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const patch: Partial<ChannelSettings> = {};
  const nickname = d.nickname.trim();
  if (nickname !== (current.nickname ?? '')) {
    if (nickname === '') {
      errors.nickname = 'the relay cannot remove a nickname, only change it';
    } else if (nickname.includes('.') || nickname.startsWith('$')) {
      errors.nickname = "must not contain '.' nor start with '$'";
    } else {
      patch.nickname = nickname;
    }
  }
  if (d.unit.trim() !== (current.unit ?? '')) {
    patch.unit = d.unit.trim();
  }
  if (d.enabled !== current.enabled) {
    patch.enabled = d.enabled;
  }
  let rule: ThresholdRule | null | undefined;
  const need = (key: 'above' | 'below' | 'low' | 'high') => {
    const n = readNumber(d[key]);
    if (n === undefined) {
      errors[`rule.${key}`] = d[key].trim() === '' ? 'a number is needed' : `"${d[key]}" is not a number`;
    }
    return n ?? 0;
  };
  if (d.kind === 'none') {
    rule = null;
  } else if (d.kind === 'above') {
    rule = { kind: 'above', above: need('above') };
  } else if (d.kind === 'below') {
    rule = { kind: 'below', below: need('below') };
  } else {
    rule = { kind: 'outside', low: need('low'), high: need('high') };
    if (!errors['rule.low'] && !errors['rule.high'] && rule.low >= rule.high) {
      errors['rule.high'] = 'must be above low';
    }
  }
  if (JSON.stringify(rule) !== JSON.stringify(current.rule)) {
    patch.rule = rule;
  }
  if (Object.keys(errors).length > 0) {
    return { errors };
  }
  return { patch, errors };
}

interface Props {
  channel: ChannelView;
  onSaved: (settings: RelaySettingsDoc) => void;
  onCancel: () => void;
}

/** Edits one channel; a refused save keeps everything typed and shows why at each input. */
export function ChannelEditor({ channel, onSaved, onCancel }: Props) {
  const api = useShotlineApi();
  const [draft, setDraft] = useState<Draft>(() => draftOf(channel));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);
  const [note, setNote] = useState<string>();
  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));
  const id = (what: string) => `channel-${channel.name}-${what}`;

  const save = async () => {
    setNote(undefined);
    const { patch, errors: found } = channelPatch(channel, draft);
    setErrors(found);
    if (!patch) {
      return;
    }
    if (Object.keys(patch).length === 0) {
      setNote('Nothing changed.');
      return;
    }
    setSaving(true);
    try {
      const reply = await api.request<RelaySettingsDoc>('PATCH', `relay/channels/${encodeURIComponent(channel.name)}`, {
        body: patch,
      });
      onSaved(reply.body);
    } catch (err) {
      setErrors(problemsByField(err, FIELDS));
    } finally {
      setSaving(false);
    }
  };

  const numberField = (key: 'above' | 'below' | 'low' | 'high', label: string) => (
    <Field label={label} invalid={!!errors[`rule.${key}`]} error={errors[`rule.${key}`]}>
      <Input
        id={id(key)}
        width={14}
        inputMode="decimal"
        value={draft[key]}
        suffix={draft.unit || undefined}
        onChange={(e) => set({ [key]: e.currentTarget.value })}
      />
    </Field>
  );

  return (
    <form
      aria-label={`Edit channel ${channel.name}`}
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <Stack direction="row" gap={2} wrap="wrap" alignItems="flex-start">
        <Field label="Nickname" invalid={!!errors.nickname} error={errors.nickname}>
          <Input
            id={id('nickname')}
            width={20}
            value={draft.nickname}
            onChange={(e) => set({ nickname: e.currentTarget.value })}
          />
        </Field>
        <Field label="Unit" invalid={!!errors.unit} error={errors.unit}>
          <Input id={id('unit')} width={10} value={draft.unit} onChange={(e) => set({ unit: e.currentTarget.value })} />
        </Field>
        <Field label="Enabled" invalid={!!errors.enabled} error={errors.enabled}>
          <Switch
            id={id('enabled')}
            value={draft.enabled}
            onChange={(e) => set({ enabled: e.currentTarget.checked })}
          />
        </Field>
        <Field label="Threshold" invalid={!!errors.rule} error={errors.rule}>
          <RadioButtonGroup options={RULE_KINDS} value={draft.kind} onChange={(kind) => set({ kind })} />
        </Field>
        {draft.kind === 'above' && numberField('above', 'Above')}
        {draft.kind === 'below' && numberField('below', 'Below')}
        {draft.kind === 'outside' && (
          <>
            {numberField('low', 'Low')}
            {numberField('high', 'High')}
          </>
        )}
      </Stack>
      {errors._ && (
        <Alert severity="error" title="The relay refused the change">
          {errors._}
        </Alert>
      )}
      {note && <p role="status">{note}</p>}
      <Stack gap={1}>
        <Button type="submit" icon={saving ? 'spinner' : 'save'} disabled={saving}>
          Save {channel.name}
        </Button>
        <Button type="button" variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
      </Stack>
    </form>
  );
}
