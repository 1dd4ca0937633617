import type { ShotlineLists } from '../datasource/types';

/** The lists a relay with one sheet ("ions"), two campaigns and two channels answers. */
export const labLists: ShotlineLists = {
  sheets: async () => [{ text: 'Ion line', value: 'ions' }],
  campaigns: async () => [
    { text: '2026-11-run3', value: '2026-11-run3' },
    { text: '2026-11-run4', value: '2026-11-run4' },
  ],
  channels: async () => [
    { text: 'energy_J', value: 'energy_J' },
    { text: 'pointing/x', value: 'pointing/x' },
  ],
  // as the backend's `fields` resource answers: channels, and the sheet's layout fields
  fields: async (sheet) => [
    { text: 'Shot number', value: 'shotNumber', type: 'integer' },
    { text: 'energy_J', value: 'channels.energy_J', type: 'number' },
    { text: 'pointing/x', value: 'channels.pointing/x', type: 'number' },
    ...(sheet === 'ions'
      ? [
          { text: 'Target thickness [µm]', value: 'fields.target_thickness', type: 'number' },
          { text: 'Material', value: 'fields.target_material', type: 'select' },
        ]
      : []),
  ],
};
