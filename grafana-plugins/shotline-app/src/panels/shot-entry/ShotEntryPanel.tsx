import React from 'react';
import type { PanelProps } from '@grafana/data';
import { Alert, Stack, Text } from '@grafana/ui';

import type { ShotEntryOptions } from './types';

export type ShotEntryPanelProps = PanelProps<ShotEntryOptions>;

/**
 * Registered here so dashboards can place it; the entry form itself (layout
 * fields, diagnostics, presets, save with If-Match) is built in the panels
 * issue. Until then it says what it will show and which options it has.
 */
export function ShotEntryPanel({ options, data, replaceVariables }: ShotEntryPanelProps) {
  const sheet = options.sheet ? replaceVariables(options.sheet) : '';
  const shots = data.series.reduce((n, frame) => n + frame.length, 0);
  return (
    <Stack direction="column" gap={1}>
      <Alert severity="info" title="Shot entry form: not built yet">
        This panel will show the entry form of a shot sheet next to the DAQ plots: the sheet&apos;s layout fields,
        diagnostics and presets, saved to the relay as the Grafana user.
      </Alert>
      <Text element="p" data-testid="shot-entry-sheet">
        Sheet: {sheet || 'the datasource default sheet'}
      </Text>
      <Text element="p" data-testid="shot-entry-options">
        {options.followLatestShot ? 'Follows the newest shot' : 'Shot chosen by hand'};{' '}
        {options.confirmBeforeSave ? 'asks before saving' : 'saves without asking'}
      </Text>
      <Text element="p" color="secondary">
        {shots} shot row{shots === 1 ? '' : 's'} in the panel data
      </Text>
    </Stack>
  );
}
