// Export headers from the shot-sheet layouts: a sheet's fields in layout
// order ("Target thickness [µm]"), then its diagnostics ("Electron
// spectrometer: active", "Electron spectrometer: gain [dB]").
import type { ShotSheets } from '../sheets/index.ts';
import { layoutFields } from '../sheets/sheets.ts';
import type { LayoutColumn, LayoutColumnSource } from './export.ts';

export function sheetLayoutColumns(sheets: Pick<ShotSheets, 'sheets' | 'diagnostics'>): LayoutColumnSource {
  return {
    async columnsFor(sheet: string): Promise<LayoutColumn[] | null> {
      if (!(await sheets.sheets.get(sheet))) return null;
      const [layout, diagnostics] = await Promise.all([sheets.sheets.currentLayout(sheet), sheets.diagnostics.list(sheet)]);
      const columns: LayoutColumn[] = [];
      for (const f of layoutFields(layout.sections)) {
        if (f.type === 'diagnostics') continue; // a block of diagnostics, not a value
        columns.push({ path: `fields.${f.key}`, label: f.label, unit: f.unit ?? null });
      }
      for (const d of diagnostics) {
        columns.push({ path: `diagnostics.${d.name}.active`, label: `${d.label}: active` });
        for (const f of d.fields) columns.push({ path: `diagnostics.${d.name}.settings.${f.key}`, label: `${d.label}: ${f.label}`, unit: f.unit ?? null });
      }
      return columns;
    },
  };
}
