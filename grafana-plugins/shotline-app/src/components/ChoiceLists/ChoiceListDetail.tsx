import React, { useEffect, useState } from 'react';
import { Alert, Button, LoadingPlaceholder, Stack, Text } from '@grafana/ui';

import { useShotlineApi } from '../../api/context';
import { ConfirmDelete } from '../FieldDefinitionEditor/ConfirmDelete';
import { messageOf } from '../FieldDefinitionEditor/ProblemList';
import { ItemsEditor } from './ItemsEditor';
import { SyncStatusView } from './SyncStatusView';
import type { ChoiceList } from '../../api/sheetTypes';
import { WikiSourceForm } from './WikiSourceForm';

interface Props {
  name: string;
  isAdmin: boolean;
  /** the list changed (its summary in the overview is stale) */
  onChanged: () => void;
  onDeleted: () => void;
  /** whether the items have edits not saved yet */
  onDirtyChange?: (dirty: boolean) => void;
}

/** One list: its items (edited by hand) or its wiki source and sync status. */
export function ChoiceListDetail({ name, isAdmin, onChanged, onDeleted, onDirtyChange }: Props) {
  const api = useShotlineApi();
  const [list, setList] = useState<ChoiceList | null>(null);
  const [error, setError] = useState<string>();
  const [addingSource, setAddingSource] = useState(false);
  // Remounts the item editor after a change made elsewhere (sync, source), so it shows the list as stored.
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    // keyed by name: a new list starts with no list loaded
    api
      .request<ChoiceList>('GET', `choices/${name}`)
      .then((r) => setList(r.body))
      .catch((e) => setError(messageOf(e)));
  }, [api, name]);

  const changed = (next: ChoiceList, remount = true) => {
    setList(next);
    setAddingSource(false);
    if (remount) {
      setGeneration((g) => g + 1);
    }
    onChanged();
  };

  if (error) {
    return (
      <Alert severity="error" title={`Could not load the list "${name}"`}>
        {error}
      </Alert>
    );
  }
  if (!list) {
    return <LoadingPlaceholder text="Loading the list…" />;
  }
  return (
    <section aria-label={`Choice list ${name}`}>
      <Stack direction="row" justifyContent="space-between" alignItems="center">
        <Text element="h3">{name}</Text>
        {isAdmin && (
          <ConfirmDelete
            label="Delete list"
            onConfirm={() =>
              api
                .request('DELETE', `choices/${name}`)
                .then(onDeleted)
                .catch((e) => setError(messageOf(e)))
            }
          />
        )}
      </Stack>
      {list.description && <Text element="p">{list.description}</Text>}
      <Text color="secondary" element="p">
        Version {list.version}, changed by {list.updatedBy} at {new Date(list.updatedAt).toLocaleString()}.{' '}
        {list.source ? 'Items come from a wiki page and cannot be edited here.' : 'Items are edited by hand.'}
      </Text>
      {list.source ? (
        <>
          <SyncStatusView list={list} isAdmin={isAdmin} onSynced={(l) => changed(l)} />
          <WikiSourceForm key={`source-${generation}`} list={list} isAdmin={isAdmin} onSaved={(l) => changed(l)} />
          <h4>Items ({list.items.length})</h4>
          <ol>
            {list.items.map((i) => (
              <li key={i.value}>
                {i.value}
                {i.label && <small> — {i.label}</small>}
              </li>
            ))}
          </ol>
        </>
      ) : (
        <>
          <ItemsEditor
            key={`items-${generation}`}
            list={list}
            isAdmin={isAdmin}
            onSaved={(l) => changed(l, false)}
            onDirtyChange={onDirtyChange}
          />
          {isAdmin &&
            (addingSource ? (
              <WikiSourceForm
                list={list}
                isAdmin={isAdmin}
                onSaved={(l) => changed(l)}
                onCancel={() => setAddingSource(false)}
              />
            ) : (
              <Button variant="secondary" fill="text" icon="link" onClick={() => setAddingSource(true)}>
                Sync this list from a wiki page instead
              </Button>
            ))}
        </>
      )}
    </section>
  );
}
