import React from 'react';
import { render, screen } from '@testing-library/react';
import { toDataFrame } from '@grafana/data';

import { panelProps } from '../../test/panel';
import { TriggerMonitorPanel } from './TriggerMonitorPanel';
import type { TriggerMonitorOptions } from './types';

describe('TriggerMonitorPanel', () => {
  it('says what it will be and reads its options', () => {
    const energy = toDataFrame({ name: 'energy_J', fields: [{ name: 'value', values: [1.2] }] });
    render(
      <TriggerMonitorPanel
        {...panelProps<TriggerMonitorOptions>({ channels: ['energy_J'], showCounters: false, showCampaign: true }, [
          energy,
        ])}
      />
    );
    expect(screen.getByText('Trigger monitor: not built yet')).toBeInTheDocument();
    expect(screen.getByTestId('trigger-monitor-channels')).toHaveTextContent('Channels: energy_J');
    expect(screen.getByTestId('trigger-monitor-options')).toHaveTextContent('Counters hidden; campaign shown');
    expect(screen.getByText('1 frame in the panel data: energy_J')).toBeInTheDocument();
  });
});
