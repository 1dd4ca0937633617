// Option lists for the editors' pickers, built from the backend resources
// (sheets, campaigns, channels, a sheet's layout) and the dashboard's variables.
import type { ComboboxOption } from '@grafana/ui';
import { getTemplateSrv } from '@grafana/runtime';

import type { ResourceOption, ShotlineLists } from './types';

/** `$name` of every dashboard variable, so a picker can offer them; none outside a dashboard. */
export function variableNames(): string[] {
  try {
    return getTemplateSrv()
      .getVariables()
      .map((v) => `$${v.name}`);
  } catch {
    // No template service (e.g. the app's own pages): no variables to offer.
    return [];
  }
}

function toOptions(list: ResourceOption[]): Array<ComboboxOption<string>> {
  return list.map((o) => ({ label: o.text, value: String(o.value) }));
}

/** Options whose label or value holds the typed text, dashboard variables first. */
export function filtered(options: Array<ComboboxOption<string>>, typed: string): Array<ComboboxOption<string>> {
  const all = [...variableNames().map((v) => ({ label: v, value: v, description: 'dashboard variable' })), ...options];
  const needle = typed.trim().toLowerCase();
  return needle ? all.filter((o) => `${o.label ?? ''} ${o.value}`.toLowerCase().includes(needle)) : all;
}

export type OptionLoader = (typed: string) => Promise<Array<ComboboxOption<string>>>;

export function listLoader(load: () => Promise<ResourceOption[]>): OptionLoader {
  return async (typed) => filtered(toOptions(await load()), typed);
}

/** Field types a time series can plot. */
const NUMERIC_TYPES = ['number', 'integer'];

/** Text fields every shot's entry has, for filters (the backend lists the numeric and layout ones). */
const SHOT_FIELDS: Array<ComboboxOption<string>> = [
  { label: 'Campaign', value: 'campaign' },
  { label: 'Status', value: 'status' },
  { label: 'Received at', value: 'receivedAt' },
  { label: 'Shot uid', value: 'shotUid' },
  { label: 'Updated by', value: 'updatedBy' },
];

/**
 * Search fields: the backend's list (shot number, laser channels
 * `channels.<name>` and, with a sheet, its layout fields `fields.<key>`),
 * plus the shots' text fields for filters. `numericOnly` keeps what a time
 * series can plot. When the list cannot be fetched the picker still takes a
 * typed field.
 */
export function fieldLoader(lists: ShotlineLists, sheet: string | undefined, numericOnly: boolean): OptionLoader {
  return async (typed) => {
    // A sheet that is a dashboard variable is resolved only when the query runs.
    const fields = await lists.fields(sheet && !sheet.startsWith('$') ? sheet : undefined).catch(() => []);
    const options: Array<ComboboxOption<string>> = [];
    for (const f of fields) {
      if (!numericOnly || NUMERIC_TYPES.includes(f.type ?? '')) {
        options.push({
          label: f.value,
          value: f.value,
          description: f.text !== f.value ? `${f.text}${f.type ? ` (${f.type})` : ''}` : f.type,
        });
      }
    }
    if (!numericOnly) {
      options.push(...SHOT_FIELDS);
    }
    return filtered(options, typed);
  };
}
