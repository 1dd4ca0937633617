import React from 'react';
import { Badge, Stack, Text } from '@grafana/ui';

import type { LiveState } from '../../api/client';
import type { RelayStatus } from '../../api/relayTypes';
import { formatAge, useNow } from './useMonitor';

interface Props {
  live: LiveState;
  lastMessageAt: number | null;
  status: RelayStatus | null;
}

/** A live message at least this old means the feed has stalled even if the socket looks open. */
const STALE_MS = 10_000;

function sum(status: RelayStatus | null, key: 'reconnects' | 'disconnects'): number {
  return (status?.endpoints ?? []).reduce((a, e) => a + (e[key] ?? 0), 0);
}

/** Whether the live feed is connected, how old its last message is, and the relay's own counters. */
export function RelayStatusBar({ live, lastMessageAt, status }: Props) {
  const now = useNow();
  const age = lastMessageAt === null ? null : now - lastMessageAt;
  const stale = age !== null && age > STALE_MS;
  const badge =
    live === 'open' ? (
      <Badge
        color={stale ? 'orange' : 'green'}
        icon={stale ? 'exclamation-triangle' : 'check'}
        text={stale ? 'Connected, no updates' : 'Connected'}
      />
    ) : live === 'connecting' ? (
      <Badge color="blue" icon="sync" text="Connecting" />
    ) : (
      <Badge color="red" icon="times" text="Disconnected" />
    );
  const endpoints = status?.endpoints ?? [];
  const connected = endpoints.filter((e) => e.connected).length;
  const laserAt = endpoints
    .map((e) => (e.lastMessageAt ? Date.parse(e.lastMessageAt) : NaN))
    .filter(Number.isFinite)
    .reduce((a, b) => Math.max(a, b), -Infinity);
  const refused = status?.spool?.refused ?? 0;

  return (
    <section aria-label="Relay status">
      <Stack direction="row" gap={2} wrap="wrap" alignItems="center">
        <span data-testid="live-state">{badge}</span>
        <Text color="secondary" data-testid="live-age">
          {age === null ? 'no live message yet' : `last update ${formatAge(age)}`}
        </Text>
        {status ? (
          <>
            <Text data-testid="relay-endpoints">
              Laser: {connected}/{endpoints.length} endpoint{endpoints.length === 1 ? '' : 's'} connected
              {status.simulator ? ' (simulator)' : ''}
              {Number.isFinite(laserAt) ? `, last message ${formatAge(now - laserAt)}` : ''}
            </Text>
            <Text color="secondary" data-testid="relay-counters">
              messages {status.messages ?? 0} · rejected {status.malformed ?? 0} · gaps {status.gaps ?? 0} · reconnects{' '}
              {sum(status, 'reconnects')} · disconnects {sum(status, 'disconnects')}
              {status.ingest?.pauses ? ` · ingest pauses ${status.ingest.pauses}` : ''}
              {refused > 0 ? ` · shots refused (spool full) ${refused}` : ''}
            </Text>
            {status.kafka && !status.kafka.connected && (
              <Badge
                color="orange"
                icon="exclamation-triangle"
                text={`Kafka: ${status.kafka.lastError ?? 'not connected'}`}
              />
            )}
            {status.ingest?.paused && (
              <Badge color="orange" icon="exclamation-triangle" text="Ingest paused: the relay is behind its journal" />
            )}
            {status.spool?.full && (
              <Badge color="red" icon="exclamation-triangle" text="Spool full: new shots refused" />
            )}
          </>
        ) : (
          <Text color="secondary" data-testid="relay-endpoints">
            No relay status yet
          </Text>
        )}
      </Stack>
    </section>
  );
}
