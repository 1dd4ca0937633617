// A sheet with every field type, for the form's and the entry flow's tests.
import type { Diagnostic, Layout, Preset } from '../../api/sheetTypes';

/** Who stored a relay object, and when: the members every sheet object has. */
export const stamp = {
  createdAt: '2026-11-20T08:00:00.000Z',
  createdBy: 'alice',
  updatedAt: '2026-11-20T08:00:00.000Z',
  updatedBy: 'alice',
};

export const layout: Layout = {
  sheet: 'ions',
  version: 2,
  createdAt: stamp.createdAt,
  createdBy: stamp.createdBy,
  sections: [
    {
      key: 'target',
      title: 'Target',
      fields: [
        { key: 'operator', label: 'Operator', type: 'text', required: true, maxLength: 40, help: 'Who fired the shot' },
        { key: 'notes', label: 'Notes', type: 'text', multiline: true },
        { key: 'energy', label: 'Energy on target', type: 'number', unit: 'J', min: 0, max: 100, required: true },
        { key: 'shots_on_target', label: 'Shots on target', type: 'integer', min: 1 },
        { key: 'vacuum', label: 'Under vacuum', type: 'boolean' },
        {
          key: 'pressure',
          label: 'Pressure',
          type: 'number',
          unit: 'mbar',
          required: true,
          showIf: { field: 'vacuum', equals: true },
        },
        { key: 'material', label: 'Material', type: 'select', choices: 'materials' },
        { key: 'tags', label: 'Tags', type: 'multiselect', options: ['calibration', 'test', 'physics'] },
        { key: 'aligned_at', label: 'Aligned at', type: 'datetime' },
        { key: 'reference', label: 'Reference shot', type: 'shotref' },
      ],
    },
    {
      key: 'diag',
      title: 'Diagnostics',
      fields: [{ key: 'diags', label: 'Diagnostics used', type: 'diagnostics' }],
    },
  ],
};

export const diagnostics: Diagnostic[] = [
  {
    ...stamp,
    sheet: 'ions',
    name: 'camera',
    label: 'Camera',
    revision: 1,
    fields: [
      { key: 'exposure', label: 'Exposure', type: 'number', unit: 'ms', required: true },
      { key: 'filter', label: 'Filter', type: 'select', options: ['ND1', 'ND2'] },
    ],
  },
  {
    ...stamp,
    sheet: 'ions',
    name: 'spectrometer',
    label: 'Spectrometer',
    revision: 1,
    fields: [{ key: 'grating', label: 'Grating', type: 'integer' }],
  },
];

export const presets: Preset[] = [
  {
    ...stamp,
    sheet: 'ions',
    revision: 1,
    name: 'standard',
    label: 'Standard',
    diagnostics: { camera: { active: true, settings: { exposure: 5, filter: 'ND2' } } },
  },
];

export const materialsList = {
  name: 'materials',
  items: [{ value: 'Al', label: 'Aluminium' }, { value: 'Cu' }, { value: 'Ti' }],
};
