import React from 'react';
import type { PanelProps } from '@grafana/data';
import { Alert, Stack, Text } from '@grafana/ui';

import type { TriggerMonitorOptions } from './types';

export type TriggerMonitorPanelProps = PanelProps<TriggerMonitorOptions>;

/**
 * Registered here so dashboards can place it; the monitor (live channel
 * values against their thresholds, trigger counters, campaign) is built in the
 * panels issue. Until then it says what it will show and what it receives.
 */
export function TriggerMonitorPanel({ options, data }: TriggerMonitorPanelProps) {
  const names = data.series.map((frame) => frame.name ?? frame.refId ?? '').filter(Boolean);
  const channels = options.channels.length ? options.channels.join(', ') : 'every channel in the data';
  return (
    <Stack direction="column" gap={1}>
      <Alert severity="info" title="Trigger monitor: not built yet">
        This panel will show each channel&apos;s live value against its threshold rule, with trigger counters and the
        running campaign.
      </Alert>
      <Text element="p" data-testid="trigger-monitor-channels">
        Channels: {channels}
      </Text>
      <Text element="p" data-testid="trigger-monitor-options">
        Counters {options.showCounters ? 'shown' : 'hidden'}; campaign {options.showCampaign ? 'shown' : 'hidden'}
      </Text>
      <Text element="p" color="secondary">
        {names.length} frame{names.length === 1 ? '' : 's'} in the panel data
        {names.length ? `: ${names.join(', ')}` : ''}
      </Text>
    </Stack>
  );
}
