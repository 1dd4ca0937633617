import React, { useId, useState } from 'react';
import { Alert, Button, ConfirmButton, Field, Input, Stack, Text, TextArea } from '@grafana/ui';

import { useShotlineApi } from '../../api/context';
import type { Campaign } from '../../api/relayTypes';
import { formatTime } from '../shared/format';
import { problemsByField } from '../shared/problems';

export interface CampaignEditorProps {
  campaign: Campaign | null;
  canEdit: boolean;
  /** the relay's answer: the campaign now in force */
  onChanged: (campaign: Campaign | null) => void;
}

type Errors = Partial<Record<'name' | 'note' | 'form', string>>;

// The relay's limits (PUT relay/campaign), checked here so the message names the input before anything is sent.
const NAME_MAX = 128;
const NOTE_MAX = 2000;

function check(name: string, note: string): Errors {
  const problems: Errors = {};
  if (!name) {
    problems.name = 'Campaign name is required';
  } else if (name.length > NAME_MAX) {
    problems.name = `Campaign name is ${name.length} characters; at most ${NAME_MAX}`;
  }
  if (note.length > NOTE_MAX) {
    problems.note = `Note is ${note.length} characters; at most ${NOTE_MAX}`;
  }
  return problems;
}

/** The campaign triggered shots are filed under; admins start a new one or end it here (PUT/DELETE relay/campaign). */
export function CampaignEditor({ campaign, canEdit, onChanged }: CampaignEditorProps) {
  const api = useShotlineApi();
  const id = useId();
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState('');
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);

  const start = async () => {
    const n = name.trim();
    const problems = check(n, note.trim());
    if (Object.keys(problems).length) {
      setErrors(problems);
      return;
    }
    setBusy(true);
    try {
      const body = { name: n, ...(note.trim() && { note: note.trim() }) };
      const reply = await api.request<{ campaign: Campaign | null }>('PUT', 'relay/campaign', { body });
      onChanged(reply.body.campaign);
      setEditing(false);
      setName('');
      setNote('');
      setErrors({});
    } catch (err) {
      setErrors(problemsByField(err, { name: 'name', note: 'note' }));
    } finally {
      setBusy(false);
    }
  };

  const end = async () => {
    setBusy(true);
    try {
      await api.request('DELETE', 'relay/campaign');
      onChanged(null);
      setErrors({});
    } catch (err) {
      setErrors(problemsByField(err, {}));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Stack direction="column" gap={1}>
      <div data-testid="campaign-current">
        {campaign ? (
          <>
            <Text weight="bold">{campaign.name}</Text>{' '}
            <Text color="secondary" variant="bodySmall">
              since {formatTime(campaign.startedAt)} by {campaign.startedBy}
            </Text>
            {campaign.note && (
              <Text element="p" variant="bodySmall">
                {campaign.note}
              </Text>
            )}
          </>
        ) : (
          <Text color="secondary">No campaign: shots are stored without one</Text>
        )}
      </div>
      {canEdit && !editing && (
        <Stack direction="row" gap={1}>
          <Button size="sm" variant="secondary" icon="play" onClick={() => setEditing(true)}>
            Start a new campaign
          </Button>
          {campaign && (
            <ConfirmButton
              confirmText="End it"
              confirmVariant="destructive"
              onConfirm={() => void end()}
              disabled={busy}
            >
              End campaign
            </ConfirmButton>
          )}
        </Stack>
      )}
      {canEdit && editing && (
        <form
          aria-label="Start a campaign"
          onSubmit={(e) => {
            e.preventDefault();
            void start();
          }}
        >
          <Field
            label="Campaign name"
            description={campaign ? `Starting one ends ${campaign.name}` : undefined}
            invalid={!!errors.name}
            error={errors.name}
            required
          >
            <Input
              id={`${id}-name`}
              value={name}
              placeholder="2026-11-run3"
              invalid={!!errors.name}
              onChange={(e) => {
                setName(e.currentTarget.value);
                setErrors((x) => ({ ...x, name: undefined, form: undefined }));
              }}
              width={32}
            />
          </Field>
          <Field label="Note" invalid={!!errors.note} error={errors.note}>
            <TextArea
              id={`${id}-note`}
              value={note}
              rows={2}
              onChange={(e) => {
                setNote(e.currentTarget.value);
                setErrors((x) => ({ ...x, note: undefined, form: undefined }));
              }}
            />
          </Field>
          <Stack direction="row" gap={1}>
            <Button type="submit" size="sm" icon="play" disabled={busy}>
              Start campaign
            </Button>
            <Button
              type="button"
              size="sm"
              variant="secondary"
              fill="outline"
              onClick={() => setEditing(false)}
              disabled={busy}
            >
              Cancel
            </Button>
          </Stack>
        </form>
      )}
      {errors.form && (
        <Alert severity="error" title="Campaign not changed">
          {errors.form}
        </Alert>
      )}
    </Stack>
  );
}
