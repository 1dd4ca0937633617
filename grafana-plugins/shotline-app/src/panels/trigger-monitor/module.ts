import { PanelPlugin } from '@grafana/data';

import { TriggerMonitorPanel } from './TriggerMonitorPanel';
import type { TriggerMonitorOptions } from './types';

export const plugin = new PanelPlugin<TriggerMonitorOptions>(TriggerMonitorPanel).setPanelOptions((builder) =>
  builder
    .addStringArray({
      path: 'channels',
      name: 'Channels',
      description: 'Channels to show (relay channel names); empty: every channel in the data',
      defaultValue: [],
    })
    .addBooleanSwitch({
      path: 'showCounters',
      name: 'Trigger counters',
      description: "Show each channel's trigger counter",
      defaultValue: true,
    })
    .addBooleanSwitch({
      path: 'showCampaign',
      name: 'Campaign',
      description: 'Show the running campaign',
      defaultValue: true,
    })
);
