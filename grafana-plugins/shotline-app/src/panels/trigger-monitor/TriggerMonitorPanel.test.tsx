import React from 'react';
import { render, screen } from '@testing-library/react';

import { fakeApi } from '../../test/fakeApi';
import { panelProps } from '../../test/panel';
import { grafanaClient } from '../../api/grafanaClient';
import { channelView, settingsDoc } from '../../components/shared/relayFixtures';
import { TriggerMonitorPanel } from './TriggerMonitorPanel';
import type { TriggerMonitorOptions } from './types';

jest.mock('../../api/grafanaClient', () => ({ grafanaClient: jest.fn() }));

const fake = fakeApi({
  'GET me': () => ({ name: 'grafana-user', role: 'viewer' }),
  'GET relay/settings': () =>
    settingsDoc({ channels: { energy_J: { enabled: true, rule: { kind: 'above', above: 2 } } } }),
  'GET relay/channels': () => ({
    items: ['energy_J', 'pressure', 'temp'].map((name) => channelView(name, { value: 1 })),
  }),
  'GET relay/status': () => ({ counters: {} }),
});

describe('TriggerMonitorPanel', () => {
  beforeEach(() => jest.mocked(grafanaClient).mockReset().mockReturnValue(fake.api));

  it('reaches the relay through the chosen datasource and shows the chosen channels (variables expanded)', async () => {
    render(
      <TriggerMonitorPanel
        {...panelProps<TriggerMonitorOptions>({ channels: ['energy_J', '$extra'], datasourceUid: 'lab-relay' }, [], {
          extra: 'temp',
        })}
      />
    );
    expect(await screen.findByTestId('channel-energy_J')).toBeInTheDocument();
    expect(screen.getByTestId('channel-temp')).toBeInTheDocument();
    expect(screen.queryByTestId('channel-pressure')).not.toBeInTheDocument();
    expect(grafanaClient).toHaveBeenCalledWith('lab-relay');
  });

  it('uses the provisioned datasource when none is set, and every channel when none is chosen', async () => {
    render(<TriggerMonitorPanel {...panelProps<TriggerMonitorOptions>({ channels: [], datasourceUid: ' ' })} />);
    expect(await screen.findByTestId('channel-pressure')).toBeInTheDocument();
    expect(screen.getAllByTestId(/^channel-(energy_J|pressure|temp)$/)).toHaveLength(3);
    expect(grafanaClient).toHaveBeenCalledWith('shotline');
  });
});
