import React, { useId, useState } from 'react';
import { Alert, Button, ConfirmButton, Field, Input, Stack, Text, TextArea } from '@grafana/ui';

import { ApiProblem } from '../../api/client';
import { useShotlineApi } from '../../api/context';
import { errorsFromProblem, type Campaign } from './rules';

interface Props {
  campaign: Campaign | null;
  canEdit: boolean;
  /** the relay's answer: the campaign now in force */
  onChanged: (campaign: Campaign | null) => void;
}

type Errors = Partial<Record<'name' | 'note' | 'form', string>>;

/** The campaign triggered shots are filed under; admins start a new one or end it here (PUT/DELETE relay/campaign). */
export function CampaignBox({ campaign, canEdit, onChanged }: Props) {
  const api = useShotlineApi();
  const id = useId();
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState('');
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<Errors>({});
  const [busy, setBusy] = useState(false);

  const start = async () => {
    const n = name.trim();
    const problems: Errors = {};
    if (!n) {
      problems.name = 'Campaign name is required';
    } else if (n.length > 128) {
      problems.name = `Campaign name is ${n.length} characters; at most 128`;
    }
    if (note.length > 2000) {
      problems.note = `Note is ${note.length} characters; at most 2000`;
    }
    if (Object.keys(problems).length) {
      setErrors(problems);
      return;
    }
    setBusy(true);
    try {
      const body: { name: string; note?: string } = { name: n };
      if (note.trim()) {
        body.note = note.trim();
      }
      const reply = await api.request<{ campaign: Campaign | null }>('PUT', 'relay/campaign', { body });
      onChanged(reply.body.campaign);
      setEditing(false);
      setName('');
      setNote('');
      setErrors({});
    } catch (err) {
      setErrors(
        err instanceof ApiProblem && err.status === 400
          ? errorsFromProblem(err.message, err.details, { name: 'name', note: 'note' })
          : { form: `Not started: ${err instanceof Error ? err.message : String(err)}` }
      );
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
      setErrors({ form: `Not ended: ${err instanceof Error ? err.message : String(err)}` });
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
              since {new Date(campaign.startedAt).toLocaleString()} by {campaign.startedBy}
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
            description="Starting one ends the current campaign"
            invalid={!!errors.name}
            error={errors.name}
            required
          >
            <Input
              id={`${id}-name`}
              value={name}
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
            <Button type="submit" size="sm" disabled={busy}>
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
