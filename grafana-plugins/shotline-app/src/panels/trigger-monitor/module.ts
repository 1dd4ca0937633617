import { PanelPlugin } from '@grafana/data';

import { TriggerMonitorPanel } from './TriggerMonitorPanel';
import { DEFAULT_DATASOURCE_UID, type TriggerMonitorOptions } from './types';

export const plugin = new PanelPlugin<TriggerMonitorOptions>(TriggerMonitorPanel).setPanelOptions((builder) =>
  builder
    .addStringArray({
      path: 'channels',
      name: 'Channels',
      description: 'Channels to show, by relay name or nickname (dashboard variables work); empty: every channel',
      defaultValue: [],
    })
    .addTextInput({
      path: 'datasourceUid',
      name: 'Datasource uid',
      description: 'The Shotline datasource that reaches the relay (its uid); empty: the provisioned "shotline"',
      defaultValue: DEFAULT_DATASOURCE_UID,
    })
);
