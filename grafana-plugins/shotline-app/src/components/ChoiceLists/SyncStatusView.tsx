import React, { useState } from 'react';
import { Alert, Button, Stack, Text } from '@grafana/ui';

import { ApiProblem } from '../../api/client';
import { useShotlineApi } from '../../api/context';
import { messageOf } from '../FieldDefinitionEditor/ProblemList';
import type { ChoiceList } from '../../api/sheetTypes';

interface Props {
  list: ChoiceList;
  isAdmin: boolean;
  onSynced: (list: ChoiceList) => void;
}

const when = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : 'never');

/** Where a synced list stands: last success, last failure (the list kept its items), next sync; "Sync now". */
export function SyncStatusView({ list, isAdmin, onSynced }: Props) {
  const api = useShotlineApi();
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<{ ok: boolean; message: string } | null>(null);
  const sync = list.sync;

  const syncNow = async () => {
    setBusy(true);
    setOutcome(null);
    try {
      const reply = await api.request<ChoiceList>('POST', `choices/${list.name}/sync`);
      onSynced(reply.body);
      setOutcome({ ok: true, message: `Synced: ${reply.body.items.length} items from the wiki.` });
    } catch (e) {
      // 502: the wiki could not be read; the answer carries the list as it stands (its items kept, lastError set).
      const kept = e instanceof ApiProblem ? (e.body as { list?: ChoiceList | null } | undefined)?.list : undefined;
      if (kept) {
        onSynced(kept);
      }
      setOutcome({ ok: false, message: messageOf(e) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section aria-label="Sync status">
      <h4>Sync</h4>
      <Stack direction="column" gap={0.5}>
        <Text>Last successful sync: {when(sync?.lastSyncAt)}</Text>
        <Text color="secondary">Last attempt: {when(sync?.lastAttemptAt)}</Text>
        <Text color="secondary">
          Next sync: {sync?.nextSyncAt ? when(sync.nextSyncAt) : 'only on demand (no interval set)'}
        </Text>
      </Stack>
      {sync?.lastError && (
        <Alert severity="warning" title="The last sync failed: the list kept its last good items">
          {sync.lastError.message} <Text color="secondary">({when(sync.lastError.at)})</Text>
        </Alert>
      )}
      {sync && sync.warnings.length > 0 && (
        <Alert severity="info" title="Left out of the page">
          <ul>
            {sync.warnings.map((w, i) => (
              <li key={i}>{w}</li>
            ))}
          </ul>
        </Alert>
      )}
      {outcome && (
        <div role="status">
          {outcome.ok ? (
            <Text>{outcome.message}</Text>
          ) : (
            <Alert severity="error" title="Sync failed">
              {outcome.message}
            </Alert>
          )}
        </div>
      )}
      {isAdmin && (
        <Button icon="sync" variant="secondary" disabled={busy} onClick={syncNow}>
          {busy ? 'Syncing…' : 'Sync now'}
        </Button>
      )}
    </section>
  );
}
