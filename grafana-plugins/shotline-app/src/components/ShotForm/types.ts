import type { DiagnosticBlock } from '../../api/sheetTypes';

/** What the form edits: the entry's `fields` and `diagnostics`. A value that is absent is not set. */
export interface ShotFormValues {
  fields: Record<string, unknown>;
  diagnostics: Record<string, DiagnosticBlock>;
}
