import { useEffect, useMemo, useState } from 'react';
import type { ComboboxOption } from '@grafana/ui';

import type { ShotlineApi } from '../../api/client';
import { useShotlineApi } from '../../api/context';
import type { FieldDef } from '../../api/sheetTypes';

interface ChoiceListBody {
  items?: Array<{ value: string; label?: string; description?: string }>;
}

// One request per list and client while a form is open: a layout often uses
// the same list in several fields (and every diagnostic setting is a field).
const cache = new WeakMap<ShotlineApi, Map<string, Promise<Array<ComboboxOption<string>>>>>();

function loadList(api: ShotlineApi, name: string): Promise<Array<ComboboxOption<string>>> {
  let lists = cache.get(api);
  if (!lists) {
    lists = new Map();
    cache.set(api, lists);
  }
  let list = lists.get(name);
  if (!list) {
    list = api.request<ChoiceListBody>('GET', `choices/${encodeURIComponent(name)}`).then((reply) =>
      (reply.body.items ?? []).map((item) => ({
        value: item.value,
        ...(item.label && { label: item.label }),
        ...(item.description && { description: item.description }),
      }))
    );
    // A failed load is tried again next time the form mounts.
    list.catch(() => lists!.delete(name));
    lists.set(name, list);
  }
  return list;
}

export interface ChoiceOptions {
  options: Array<ComboboxOption<string>>;
  loading: boolean;
  /** why the choice list could not be read */
  error?: string;
}

/** The options of a select or multiselect: inline, or the items of its choice list. */
export function useChoices(field: FieldDef): ChoiceOptions {
  const api = useShotlineApi();
  const inline = field.options;
  const listName = inline ? undefined : field.choices;
  const [loaded, setLoaded] = useState<
    { name: string; options: Array<ComboboxOption<string>>; error?: string } | undefined
  >();

  useEffect(() => {
    if (!listName) {
      return;
    }
    let live = true;
    loadList(api, listName).then(
      (options) => live && setLoaded({ name: listName, options }),
      (err: unknown) =>
        live &&
        setLoaded({
          name: listName,
          options: [],
          error: `choice list "${listName}" could not be read (${err instanceof Error ? err.message : String(err)}): type a value`,
        })
    );
    return () => {
      live = false;
    };
  }, [api, listName]);

  const inlineOptions = useMemo(() => (inline ?? []).map((value) => ({ value })), [inline]);
  if (inline || !listName) {
    return { options: inlineOptions, loading: false };
  }
  if (loaded?.name !== listName) {
    return { options: [], loading: true };
  }
  return { options: loaded.options, loading: false, ...(loaded.error && { error: loaded.error }) };
}
