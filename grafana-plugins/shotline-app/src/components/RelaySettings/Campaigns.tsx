import React, { useState } from 'react';
import { Alert, Button, ConfirmButton, Field, Input, Stack, useStyles2 } from '@grafana/ui';

import { useShotlineApi } from '../../api/context';
import type { PastCampaign } from './campaignHistory';
import { problemsByField } from './problems';
import { getStyles } from './styles';
import type { Campaign } from './types';

interface Props {
  current: Campaign | null;
  past: PastCampaign[];
  canEdit: boolean;
  /** after a start or an end: reload what depends on the campaign */
  onChanged: () => void;
}

export function formatTime(iso: string | undefined): string {
  if (!iso) {
    return '';
  }
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

/** The campaign in force (start a new one, end it) and the campaigns before it. */
export function Campaigns({ current, past, canEdit, onChanged }: Props) {
  const api = useShotlineApi();
  const styles = useStyles2(getStyles);
  const [name, setName] = useState('');
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  const start = async () => {
    if (!name.trim()) {
      setErrors({ name: 'a campaign needs a name' });
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      await api.request('PUT', 'relay/campaign', {
        body: { name: name.trim(), ...(note.trim() && { note: note.trim() }) },
      });
      setName('');
      setNote('');
      onChanged();
    } catch (err) {
      setErrors(problemsByField(err, ['name', 'note']));
    } finally {
      setBusy(false);
    }
  };

  const end = async () => {
    setBusy(true);
    try {
      await api.request('DELETE', 'relay/campaign');
      onChanged();
    } catch (err) {
      setErrors(problemsByField(err, []));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Stack direction="column" gap={1}>
      {current ? (
        <Stack direction="row" gap={2} alignItems="center">
          <div data-testid="current-campaign">
            <strong>{current.name}</strong>, started {formatTime(current.startedAt)} by {current.startedBy}
            {current.note && <span> — {current.note}</span>}
          </div>
          {canEdit && (
            <ConfirmButton confirmText="End campaign" confirmVariant="destructive" onConfirm={end} disabled={busy}>
              End campaign
            </ConfirmButton>
          )}
        </Stack>
      ) : (
        <div data-testid="current-campaign">No campaign in force: triggered shots carry no campaign.</div>
      )}
      {canEdit && (
        <form
          aria-label="Start a campaign"
          onSubmit={(e) => {
            e.preventDefault();
            void start();
          }}
        >
          <Stack direction="row" gap={2} alignItems="flex-end" wrap="wrap">
            <Field
              label="New campaign"
              description={current ? `starting it ends ${current.name}` : undefined}
              invalid={!!errors.name}
              error={errors.name}
            >
              <Input
                id="campaign-name"
                width={28}
                placeholder="2026-11-run3"
                value={name}
                onChange={(e) => setName(e.currentTarget.value)}
              />
            </Field>
            <Field label="Note" invalid={!!errors.note} error={errors.note}>
              <Input id="campaign-note" width={40} value={note} onChange={(e) => setNote(e.currentTarget.value)} />
            </Field>
            <Button type="submit" icon="play" disabled={busy}>
              Start campaign
            </Button>
          </Stack>
        </form>
      )}
      {errors._ && (
        <Alert severity="error" title="The relay refused the campaign change">
          {errors._}
        </Alert>
      )}
      <table className={styles.table} aria-label="Campaigns">
        <thead>
          <tr>
            <th scope="col">Campaign</th>
            <th scope="col">Started</th>
            <th scope="col">Ended</th>
            <th scope="col">Shots stored</th>
            <th scope="col">Note</th>
          </tr>
        </thead>
        <tbody>
          {past.length === 0 && (
            <tr>
              <td colSpan={5}>No campaigns yet.</td>
            </tr>
          )}
          {past.map((p) => (
            <tr key={`${p.name} ${p.startedAt ?? p.lastShotAt}`}>
              <td>{p.name}</td>
              <td>{p.startedAt ? `${formatTime(p.startedAt)} by ${p.startedBy}` : 'before the audit'}</td>
              <td>
                {p.endedAt
                  ? `${formatTime(p.endedAt)} by ${p.endedBy}`
                  : current && current.name === p.name && current.startedAt === p.startedAt
                    ? 'in force'
                    : ''}
              </td>
              <td>{p.shots ?? 0}</td>
              <td>{p.note ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Stack>
  );
}
