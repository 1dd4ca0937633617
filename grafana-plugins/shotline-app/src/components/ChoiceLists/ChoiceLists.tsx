import React, { useEffect, useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert, Badge, Button, Field, Input, LoadingPlaceholder, Stack, useStyles2 } from '@grafana/ui';

import { ApiProblem, type FieldProblem } from '../../api/client';
import { useShotlineApi } from '../../api/context';
import { useMe } from '../../api/useMe';
import { NavList } from '../FieldDefinitionEditor/NavList';
import { messageOf, ProblemList } from '../FieldDefinitionEditor/ProblemList';
import { problemsAt } from '../FieldDefinitionEditor/problems';
import { NAME, NAME_TEXT, type ChoiceListSummary } from '../../api/sheetTypes';
import { ReadOnlyNote } from '../SheetEditor/ReadOnlyNote';
import { useUnsavedGuard } from '../FieldDefinitionEditor/useUnsavedGuard';
import { ChoiceListDetail } from './ChoiceListDetail';

export interface ChoiceListsProps {}

const getStyles = (theme: GrafanaTheme2) => ({
  page: css({
    display: 'grid',
    gridTemplateColumns: 'minmax(240px, 1fr) minmax(0, 2fr)',
    gap: theme.spacing(3),
    [theme.breakpoints.down('md')]: { gridTemplateColumns: 'minmax(0, 1fr)' },
  }),
  meta: css({ display: 'block', color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
});

/** The choice lists select fields draw from: their items, wiki sources and sync status. */
export function ChoiceLists(_: ChoiceListsProps) {
  const api = useShotlineApi();
  const styles = useStyles2(getStyles);
  const { me, error: meError, can } = useMe();
  const isAdmin = can('admin');
  const [lists, setLists] = useState<ChoiceListSummary[] | null>(null);
  const [selected, setSelected] = useState<string>();
  const [error, setError] = useState<string>();
  const guard = useUnsavedGuard((name: string) => setSelected(name), 'The list open');

  // bumped after every change: the summaries (sizes, sync state) are read again
  const [generation, setGeneration] = useState(0);
  const reload = () => setGeneration((g) => g + 1);
  useEffect(() => {
    let live = true;
    api.request<{ items: ChoiceListSummary[] }>('GET', 'choices').then(
      (reply) => {
        if (live) {
          setLists(reply.body.items);
          setSelected((s) => s ?? reply.body.items[0]?.name);
        }
      },
      (e) => live && setError(messageOf(e))
    );
    return () => {
      live = false;
    };
  }, [api, generation]);

  if (error) {
    return (
      <Alert severity="error" title="Could not load the choice lists">
        {error}
      </Alert>
    );
  }
  if (!lists) {
    return <LoadingPlaceholder text="Loading choice lists…" />;
  }
  return (
    <div>
      <ReadOnlyNote me={me} error={meError} what="choice lists" />
      <div className={styles.page}>
        <NavList
          label="Choice lists"
          items={lists.map((l) => ({
            name: l.name,
            content: (
              <>
                {l.name} {l.synced && <Badge color="blue" text="wiki" />}
                {l.lastError && <Badge color="orange" icon="exclamation-triangle" text="sync failed" />}
                <span className={styles.meta}>
                  {l.count} items{l.description ? ` — ${l.description}` : ''}
                  {l.synced && ` — last synced ${l.lastSyncAt ? new Date(l.lastSyncAt).toLocaleString() : 'never'}`}
                </span>
              </>
            ),
          }))}
          selected={selected}
          onSelect={guard.request}
          empty="No choice lists yet."
        >
          {isAdmin && (
            <NewList
              taken={lists.map((l) => l.name)}
              onCreated={(name) => {
                guard.request(name);
                reload();
              }}
            />
          )}
        </NavList>
        <div>
          {guard.prompt}
          {selected ? (
            <ChoiceListDetail
              key={selected}
              name={selected}
              isAdmin={isAdmin}
              onChanged={reload}
              onDeleted={() => {
                guard.setDirty(false);
                setSelected(undefined);
                reload();
              }}
              onDirtyChange={guard.setDirty}
            />
          ) : (
            <p>Pick a list.</p>
          )}
        </div>
      </div>
    </div>
  );
}

function NewList({ taken, onCreated }: { taken: string[]; onCreated: (name: string) => void }) {
  const api = useShotlineApi();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const [error, setError] = useState<string>();

  const create = async () => {
    setError(undefined);
    if (!NAME.test(name)) {
      setProblems([{ field: 'list', message: `must be ${NAME_TEXT}` }]);
      return;
    }
    if (taken.includes(name)) {
      setProblems([{ field: 'list', message: `a list "${name}" exists already` }]);
      return;
    }
    try {
      await api.request('PUT', `choices/${name}`, { body: { description: description.trim(), items: [] } });
      setProblems([]);
      setName('');
      setDescription('');
      onCreated(name);
    } catch (e) {
      setProblems(e instanceof ApiProblem ? e.details : []);
      setError(messageOf(e));
    }
  };

  return (
    <form
      aria-label="New choice list"
      onSubmit={(e) => {
        e.preventDefault();
        create();
      }}
    >
      <h4>New list</h4>
      {error && (
        <ProblemList title={error} problems={problems.filter((p) => !['list', 'description'].includes(p.field))} />
      )}
      <Stack direction="column" gap={0}>
        <Field
          label="List name"
          description={NAME_TEXT}
          invalid={!!problemsAt(problems, 'list')}
          error={problemsAt(problems, 'list')}
        >
          <Input id="new-list-name" value={name} onChange={(e) => setName(e.currentTarget.value)} />
        </Field>
        <Field
          label="Description"
          invalid={!!problemsAt(problems, 'description')}
          error={problemsAt(problems, 'description')}
        >
          <Input
            id="new-list-description"
            value={description}
            onChange={(e) => setDescription(e.currentTarget.value)}
          />
        </Field>
        <div>
          <Button type="submit" icon="plus">
            Create list
          </Button>
        </div>
      </Stack>
    </form>
  );
}

export default ChoiceLists;
