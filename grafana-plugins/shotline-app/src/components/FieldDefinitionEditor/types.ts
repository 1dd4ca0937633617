import type { FieldType } from '../../api/sheetTypes';

/** How the editor names each field type. */
export const FIELD_TYPE_LABELS: Record<FieldType, string> = {
  text: 'Text',
  number: 'Number',
  integer: 'Integer',
  boolean: 'Yes/no',
  select: 'Select',
  multiselect: 'Multi-select',
  datetime: 'Date and time',
  shotref: 'Shot reference',
  diagnostics: 'Diagnostics block',
};
