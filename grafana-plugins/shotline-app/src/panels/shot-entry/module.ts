import { PanelPlugin } from '@grafana/data';

import { ShotEntryPanel } from './ShotEntryPanel';
import { DEFAULT_DATASOURCE_UID, type ShotEntryOptions } from './types';

export const plugin = new PanelPlugin<ShotEntryOptions>(ShotEntryPanel).setPanelOptions((builder) =>
  builder
    .addTextInput({
      path: 'sheet',
      name: 'Sheet',
      description:
        'Shot sheet whose entries the form fills (dashboard variables work, e.g. ${sheet}); empty: a sheet picker',
      defaultValue: '',
    })
    .addRadio({
      path: 'mode',
      name: 'Layout',
      description: 'Compact puts fields side by side, for a panel beside the plots',
      defaultValue: 'compact',
      settings: {
        options: [
          { value: 'compact', label: 'Compact' },
          { value: 'full', label: 'Full' },
        ],
      },
    })
    .addStringArray({
      path: 'pinned',
      name: 'Pinned fields',
      description: 'Field keys shown first, in this order (one per item, or comma-separated)',
      defaultValue: [],
    })
    .addTextInput({
      path: 'datasourceUid',
      name: 'Datasource uid',
      description: 'The Shotline datasource that reaches the relay (its uid); empty: the provisioned "shotline"',
      defaultValue: DEFAULT_DATASOURCE_UID,
    })
);
