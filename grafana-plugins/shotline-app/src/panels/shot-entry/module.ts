import { PanelPlugin } from '@grafana/data';

import { ShotEntryPanel } from './ShotEntryPanel';
import type { ShotEntryOptions } from './types';

export const plugin = new PanelPlugin<ShotEntryOptions>(ShotEntryPanel).setPanelOptions((builder) =>
  builder
    .addTextInput({
      path: 'sheet',
      name: 'Sheet',
      description: "Shot sheet whose form to show (dashboard variables work); empty: the datasource's default sheet",
      defaultValue: '',
    })
    .addBooleanSwitch({
      path: 'followLatestShot',
      name: 'Follow the newest shot',
      description: 'Open the draft of each new shot as it is stored',
      defaultValue: true,
    })
    .addBooleanSwitch({
      path: 'confirmBeforeSave',
      name: 'Confirm before saving',
      description: 'Ask before a complete entry is saved',
      defaultValue: true,
    })
);
