import React, { useEffect, useState } from 'react';
import { Combobox, Field } from '@grafana/ui';

import { useShotlineApi } from '../../api/context';

interface Sheet {
  name: string;
  title: string;
  archived: boolean;
}

/** Every sheet, archived ones too: their history is still history. */
export function SheetPicker({
  id,
  value,
  onChange,
}: {
  id: string;
  value?: string;
  onChange: (sheet: string) => void;
}) {
  const api = useShotlineApi();
  const [sheets, setSheets] = useState<Sheet[]>([]);
  const [error, setError] = useState<string>();
  useEffect(() => {
    api
      .request<{ items: Sheet[] }>('GET', 'sheets', { query: { archived: true } })
      .then((r) => {
        setSheets(r.body.items);
        if (!value && r.body.items[0]) {
          onChange(r.body.items[0].name);
        }
      })
      .catch((err) => setError(err instanceof Error ? err.message : String(err)));
    // Only once: the first sheet is chosen when none is.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api]);
  return (
    <Field label="Sheet" invalid={!!error} error={error && `Cannot list the sheets: ${error}`}>
      <Combobox<string>
        id={id}
        width={30}
        value={value ?? null}
        options={sheets.map((s) => ({
          label: s.title || s.name,
          value: s.name,
          description: s.archived ? `${s.name} (archived)` : s.name,
        }))}
        placeholder="choose a sheet"
        onChange={(o) => o && onChange(o.value)}
      />
    </Field>
  );
}
