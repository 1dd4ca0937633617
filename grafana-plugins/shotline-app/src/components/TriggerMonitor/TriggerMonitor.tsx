import React, { useCallback } from 'react';
import { Alert, Button, LoadingPlaceholder, Stack, Text, useStyles2 } from '@grafana/ui';

import { useShotlineApi } from '../../api/context';
import type { RelaySettingsDoc } from '../../api/relayTypes';
import { useMe, type Role } from '../../api/useMe';
import { CampaignEditor } from '../CampaignEditor/CampaignEditor';
import { ChannelCard } from './ChannelCard';
import { shotCounter, type LastShot } from './monitorState';
import { RelayStatusBar } from './RelayStatusBar';
import { getStyles } from './styles';
import { formatAge, useMonitor, useNow } from './useMonitor';

export interface TriggerMonitorProps {
  /** Channels to show, by relay name or nickname; absent or empty: every channel. */
  channels?: string[];
}

// The relay's settings routes name no role, so its auth plugin asks for admin on every change
// (relay-service/src/auth/plugin.ts neededRole): editors and viewers see the monitor read-only.
const EDIT_ROLE: Role = 'admin';

/**
 * The lab's view of the trigger: every channel's live value against its
 * threshold, trigger counters, the campaign and the shot counter, and
 * whether the relay is there at all. Admins change rules, nicknames and the
 * campaign in place.
 */
export function TriggerMonitor({ channels }: TriggerMonitorProps) {
  const api = useShotlineApi();
  const styles = useStyles2(getStyles);
  const { state, dispatch, load, retry } = useMonitor();
  const { me, can } = useMe();
  const canEdit = can(EDIT_ROLE);

  const onSaved = useCallback((settings: RelaySettingsDoc) => dispatch({ type: 'settings', settings }), [dispatch]);
  const onReset = useCallback(
    async (name: string) => {
      const reply = await api.request<RelaySettingsDoc>(
        'POST',
        `relay/channels/${encodeURIComponent(name)}/reset-counter`
      );
      dispatch({ type: 'settings', settings: reply.body });
      dispatch({ type: 'counterReset', name, version: reply.body.version });
    },
    [api, dispatch]
  );

  if (load.kind === 'loading' && !state.settings) {
    return <LoadingPlaceholder text="Loading the relay's channels…" />;
  }
  if (load.kind === 'error' && !state.settings) {
    return (
      <Stack direction="column" gap={1}>
        <RelayStatusBar live={state.live} lastMessageAt={state.lastMessageAt} status={state.status} />
        <Alert
          severity="error"
          title={load.unreachable ? 'The relay cannot be reached' : 'The relay refused to show its channels'}
        >
          <Stack direction="column" gap={1}>
            <Text element="p">{load.message}</Text>
            <div>
              <Button size="sm" variant="secondary" icon="sync" onClick={retry}>
                Try again
              </Button>
            </div>
          </Stack>
        </Alert>
      </Stack>
    );
  }

  const settings = state.settings;
  const wanted = (channels ?? []).filter(Boolean);
  const shown = wanted.length
    ? state.names.filter((n) => wanted.includes(n) || wanted.includes(settings?.channels[n]?.nickname ?? '\0'))
    : state.names;
  const missing = wanted.filter((w) => !shown.some((n) => n === w || settings?.channels[n]?.nickname === w));

  return (
    <Stack direction="column" gap={2}>
      <RelayStatusBar live={state.live} lastMessageAt={state.lastMessageAt} status={state.status} />
      <div className={styles.summary}>
        <section aria-label="Campaign">
          <Text element="h3" variant="h6">
            Campaign
          </Text>
          <CampaignEditor
            campaign={settings?.campaign ?? null}
            canEdit={canEdit}
            onChanged={(campaign) => settings && onSaved({ ...settings, campaign })}
          />
        </section>
        <ShotSummary counter={shotCounter(state)} last={state.lastShot} />
      </div>
      {!canEdit && me && (
        <Text color="secondary" variant="bodySmall" data-testid="read-only-note">
          Read-only: changing thresholds, nicknames, counters and the campaign needs the {EDIT_ROLE} role (you have{' '}
          {me.role}).
        </Text>
      )}
      {shown.length === 0 ? (
        <Alert severity="info" title="No channel data yet">
          {wanted.length
            ? `None of the chosen channels (${wanted.join(', ')}) has been seen or configured on the relay.`
            : 'The relay has not received a laser message with channel values yet, and no channel is configured. Values appear here as soon as the laser sends.'}
        </Alert>
      ) : (
        <div className={styles.grid}>
          {shown.map((name) => (
            <ChannelCard
              key={name}
              name={name}
              settings={settings?.channels[name]}
              value={state.values[name]}
              history={state.history[name] ?? []}
              count={state.counters[name]}
              canEdit={canEdit}
              onSaved={onSaved}
              onReset={onReset}
            />
          ))}
        </div>
      )}
      {missing.length > 0 && shown.length > 0 && (
        <Text color="secondary" variant="bodySmall">
          Not seen on the relay: {missing.join(', ')}
        </Text>
      )}
    </Stack>
  );
}

function ShotSummary({ counter, last }: { counter: number | null; last: LastShot | null }) {
  const now = useNow();
  const at = last?.receivedAt ? Date.parse(last.receivedAt) : NaN;
  return (
    <section aria-label="Shots">
      <Text element="h3" variant="h6">
        Shots
      </Text>
      <Text element="p" data-testid="shot-counter">
        Shot counter: <strong>{counter ?? '—'}</strong>
      </Text>
      <Text element="p" color="secondary" variant="bodySmall" data-testid="last-shot">
        {last
          ? `Last stored: #${last.shotNumber ?? '?'}${last.campaign ? ` (${last.campaign})` : ''}${
              Number.isFinite(at) ? `, ${formatAge(now - at)}` : ''
            }${last.triggeredBy.length ? `, triggered by ${last.triggeredBy.join(', ')}` : ''}`
          : 'No shot stored since this page opened'}
      </Text>
    </section>
  );
}

export default TriggerMonitor;
