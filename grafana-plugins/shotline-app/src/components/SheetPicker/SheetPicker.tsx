import React, { useEffect, useState } from 'react';
import { Combobox, Field, type ComboboxOption } from '@grafana/ui';

import { useShotlineApi } from '../../api/context';
import type { Sheet } from '../../api/sheetTypes';

export interface SheetPickerProps {
  /** the input's id (browser tests and labels find it by this) */
  id: string;
  /** the picked sheet's name; undefined: none (or the `allLabel` choice) */
  value?: string;
  onChange: (sheet: string | undefined) => void;
  label?: string;
  /** archived sheets too, marked as such (they are hidden otherwise) */
  includeArchived?: boolean;
  /** a first choice that names no sheet, e.g. "All sheets"; without it nothing is picked only until the list comes */
  allLabel?: string;
  /**
   * The browser-storage key to remember the pick under, so the next visit starts
   * with it. Without it nothing is remembered.
   */
  rememberAs?: string;
  /** a problem with the picked sheet that the host knows of (e.g. the relay refused it) */
  error?: string;
  width?: number;
  /** the sheets as read, for hosts that show more of them */
  onLoaded?: (sheets: Sheet[]) => void;
}

function readRemembered(key: string | undefined): string | undefined {
  try {
    return (key && window.localStorage.getItem(key)) || undefined;
  } catch {
    return undefined;
  }
}

function remember(key: string | undefined, sheet: string | undefined) {
  if (!key || !sheet) {
    return;
  }
  try {
    window.localStorage.setItem(key, sheet);
  } catch {
    // not remembered: the picker starts from the default sheet next time
  }
}

/** The default sheet first, the rest in the relay's order. */
export const defaultFirst = (sheets: Sheet[]) => [...sheets].sort((a, b) => Number(b.default) - Number(a.default));

/**
 * Picks one of the relay's shot sheets (`GET sheets`). Without `allLabel` it
 * picks a sheet as soon as the list comes, when none is: the remembered one if
 * it still exists, else the default sheet, else the first.
 */
export function SheetPicker({
  id,
  value,
  onChange,
  label = 'Sheet',
  includeArchived = false,
  allLabel,
  rememberAs,
  error,
  width = 30,
  onLoaded,
}: SheetPickerProps) {
  const api = useShotlineApi();
  const [sheets, setSheets] = useState<Sheet[]>();
  const [loadError, setLoadError] = useState<string>();

  useEffect(() => {
    let live = true;
    api
      .request<{ items: Sheet[] }>('GET', 'sheets', includeArchived ? { query: { archived: true } } : undefined)
      .then((r) => {
        if (!live) {
          return;
        }
        const items = defaultFirst(r.body.items);
        setSheets(items);
        onLoaded?.(items);
        if (!value && allLabel === undefined) {
          const kept = readRemembered(rememberAs);
          const first = items.find((s) => s.name === kept) ?? items.find((s) => !s.archived) ?? items[0];
          if (first) {
            onChange(first.name);
          }
        }
      })
      .catch((err: unknown) => live && setLoadError(err instanceof Error ? err.message : String(err)));
    return () => {
      live = false;
    };
    // Read once per relay: the first pick is made when the list comes, later picks are the user's.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, includeArchived]);

  const options: Array<ComboboxOption<string>> = [
    ...(allLabel !== undefined ? [{ label: allLabel, value: '' }] : []),
    ...(sheets ?? []).map((s) => ({
      label: s.title || s.name,
      value: s.name,
      description: [s.name, s.default && 'default sheet', s.archived && 'archived'].filter(Boolean).join(', '),
    })),
  ];
  const problem = loadError ? `Cannot list the sheets: ${loadError}` : error;
  return (
    <Field label={label} invalid={!!problem} error={problem} noMargin>
      <Combobox<string>
        id={id}
        width={width}
        loading={!sheets && !loadError}
        placeholder="Choose a sheet"
        value={value ?? (allLabel !== undefined ? '' : null)}
        options={options}
        onChange={(o) => {
          const sheet = o?.value || undefined;
          remember(rememberAs, sheet);
          onChange(sheet);
        }}
      />
    </Field>
  );
}

export default SheetPicker;
