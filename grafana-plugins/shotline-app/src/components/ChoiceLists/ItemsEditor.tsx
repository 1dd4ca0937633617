import React, { useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Button, Field, Input, Stack, useStyles2 } from '@grafana/ui';

import { ApiProblem } from '../../api/client';
import { useShotlineApi } from '../../api/context';
import { nextId } from '../FieldDefinitionEditor/draft';
import { moved, useFocusAfterMove } from '../FieldDefinitionEditor/FieldList';
import { SaveOutcome, useSaving } from '../FieldDefinitionEditor/saving';
import { routeProblems, type ProblemIndex, noProblems, problemsAt } from '../FieldDefinitionEditor/problems';
import type { ChoiceItem, ChoiceList } from '../../api/sheetTypes';

interface Props {
  list: ChoiceList;
  isAdmin: boolean;
  onSaved: (list: ChoiceList) => void;
  /** whether there are edits not saved yet */
  onDirtyChange?: (dirty: boolean) => void;
}

type ItemDraft = ChoiceItem & { id: string };

const getStyles = (theme: GrafanaTheme2) => ({
  list: css({ listStyle: 'none', padding: 0, margin: theme.spacing(1, 0) }),
  row: css({
    display: 'flex',
    gap: theme.spacing(1),
    alignItems: 'center',
    padding: theme.spacing(0.5, 0),
    borderBottom: `1px solid ${theme.colors.border.weak}`,
  }),
  grow: css({ flex: 1 }),
  error: css({ color: theme.colors.error.text }),
  // level with the inputs beside it, below their labels
  addButton: css({ paddingTop: theme.spacing(3) }),
});

/** The items of a hand-edited list: add, remove, reorder; saved together (PUT) so the order is kept. */
export function ItemsEditor({ list, isAdmin, onSaved, onDirtyChange }: Props) {
  const api = useShotlineApi();
  const styles = useStyles2(getStyles);
  const focusAfterMove = useFocusAfterMove();
  const [items, setItems] = useState<ItemDraft[]>(() => list.items.map((i) => ({ ...i, id: nextId('i') })));
  const [value, setValue] = useState('');
  const [label, setLabel] = useState('');
  const [problems, setProblems] = useState<ProblemIndex>(noProblems);
  const [addError, setAddError] = useState<string>();
  const { outcome, setOutcome, busy, dirty, setDirty, run } = useSaving(onDirtyChange);
  const edit = (next: ItemDraft[]) => {
    setItems(next);
    setDirty(true);
    setOutcome(null);
  };

  const add = () => {
    const v = value.trim();
    if (v === '') {
      setAddError('type a value');
      return;
    }
    if (items.some((i) => i.value === v)) {
      setAddError(`"${v}" is already in the list`);
      return;
    }
    setAddError(undefined);
    edit([...items, { id: nextId('i'), value: v, ...(label.trim() !== '' && { label: label.trim() }) }]);
    setValue('');
    setLabel('');
  };

  const save = async () => {
    const owners = new Map(items.map((item, i) => [`items.${i}`, item.id]));
    const saved = await run(
      async () =>
        (
          await api.request<ChoiceList>('PUT', `choices/${list.name}`, {
            body: { description: list.description, items: items.map(({ id, ...item }) => item) },
          })
        ).body,
      (l) => `Saved ${l.items.length} items (version ${l.version})`,
      (e) => setProblems(e instanceof ApiProblem ? routeProblems(e.details, owners) : noProblems())
    );
    if (saved) {
      setProblems(noProblems());
      onSaved(saved);
    }
  };

  const problemOf = (id: string): string | undefined =>
    problemsAt(
      problems.byId.get(id)?.map((p) => ({ ...p, field: 'item' })),
      'item'
    );

  return (
    <section aria-label="Items">
      <h4>Items ({items.length})</h4>
      <SaveOutcome outcome={outcome} problems={problems.general} />
      <ul className={styles.list}>
        {items.map((item, index) => {
          const problem = problemOf(item.id);
          const name = item.value;
          return (
            <li key={item.id} className={styles.row}>
              <span className={styles.grow}>
                {item.value}
                {item.label && <small> — {item.label}</small>}
                {problem && (
                  <span className={styles.error} role="alert">
                    {' '}
                    {problem}
                  </span>
                )}
              </span>
              {isAdmin && (
                <>
                  <Button
                    id={`${item.id}-up`}
                    size="sm"
                    variant="secondary"
                    icon="arrow-up"
                    aria-label={`Move ${name} up`}
                    disabled={index === 0}
                    onClick={() => {
                      focusAfterMove(item.id, -1);
                      edit(moved(items, index, -1));
                    }}
                  />
                  <Button
                    id={`${item.id}-down`}
                    size="sm"
                    variant="secondary"
                    icon="arrow-down"
                    aria-label={`Move ${name} down`}
                    disabled={index === items.length - 1}
                    onClick={() => {
                      focusAfterMove(item.id, 1);
                      edit(moved(items, index, 1));
                    }}
                  />
                  <Button
                    size="sm"
                    variant="destructive"
                    fill="text"
                    icon="trash-alt"
                    aria-label={`Remove ${name}`}
                    onClick={() => edit(items.filter((i) => i.id !== item.id))}
                  />
                </>
              )}
            </li>
          );
        })}
        {items.length === 0 && <li>No items.</li>}
      </ul>
      {isAdmin && (
        <>
          <form
            aria-label="Add an item"
            onSubmit={(e) => {
              e.preventDefault();
              add();
            }}
          >
            <Stack direction="row" gap={1} alignItems="flex-start" wrap="wrap">
              <Field label="New value" invalid={!!addError} error={addError}>
                <Input
                  id={`${list.name}-new-value`}
                  width={30}
                  value={value}
                  onChange={(e) => setValue(e.currentTarget.value)}
                />
              </Field>
              <Field label="Label shown (optional)">
                <Input
                  id={`${list.name}-new-label`}
                  width={30}
                  value={label}
                  onChange={(e) => setLabel(e.currentTarget.value)}
                />
              </Field>
              <div className={styles.addButton}>
                <Button type="submit" variant="secondary" icon="plus">
                  Add item
                </Button>
              </div>
            </Stack>
          </form>
          <Button icon="save" disabled={busy || !dirty} onClick={save}>
            Save items
          </Button>
        </>
      )}
    </section>
  );
}
