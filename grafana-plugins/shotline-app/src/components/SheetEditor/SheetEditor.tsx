import React, { useEffect, useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert, Button, LoadingPlaceholder, Stack, Text, useStyles2 } from '@grafana/ui';

import { useShotlineApi } from '../../api/context';
import { messageOf } from '../FieldDefinitionEditor/ProblemList';
import type { Sheet } from '../FieldDefinitionEditor/types';
import { LayoutEditor } from './LayoutEditor';
import { ReadOnlyNote } from './ReadOnlyNote';
import { SheetList } from './SheetList';
import { SheetSettings } from './SheetSettings';
import { useRole } from './useRole';

export interface SheetEditorProps {
  /** edit this sheet only; without it, the sheets are listed to pick from (and to create one) */
  sheet?: string;
}

const getStyles = (theme: GrafanaTheme2) => ({
  page: css({
    display: 'grid',
    gridTemplateColumns: '240px minmax(0, 1fr)',
    gap: theme.spacing(3),
    [theme.breakpoints.down('md')]: { gridTemplateColumns: 'minmax(0, 1fr)' },
  }),
  single: css({ display: 'block' }),
});

/** Shot sheets and their layouts: create, rename, archive; edit a layout beside its live preview. */
export function SheetEditor({ sheet: fixed }: SheetEditorProps) {
  const api = useShotlineApi();
  const styles = useStyles2(getStyles);
  const { role, isAdmin } = useRole();
  const [sheets, setSheets] = useState<Sheet[] | null>(null);
  const [picked, setPicked] = useState<string | undefined>(fixed);
  const [error, setError] = useState<string>();
  const [dirty, setDirty] = useState(false);
  // a sheet asked for while the open layout has unsaved edits: switch only when the user says so
  const [pending, setPending] = useState<string>();
  const open = (name: string) => {
    if (dirty && name !== (fixed ?? picked)) {
      setPending(name);
      return;
    }
    setPending(undefined);
    setPicked(name);
  };

  useEffect(() => {
    let live = true;
    api.request<{ items: Sheet[] }>('GET', 'sheets', { query: { archived: true } }).then(
      (reply) => {
        if (live) {
          setSheets(reply.body.items);
          setPicked((p) => p ?? reply.body.items.find((s) => !s.archived)?.name ?? reply.body.items[0]?.name);
        }
      },
      (e) => live && setError(messageOf(e))
    );
    return () => {
      live = false;
    };
  }, [api]);

  const selectedName = fixed ?? picked;
  const selected = sheets?.find((s) => s.name === selectedName);
  const replace = (sheet: Sheet) => setSheets((all) => (all ?? []).map((s) => (s.name === sheet.name ? sheet : s)));

  if (error) {
    return (
      <Alert severity="error" title="Could not load the sheets">
        {error}
      </Alert>
    );
  }
  if (!sheets) {
    return <LoadingPlaceholder text="Loading sheets…" />;
  }
  return (
    <div>
      <ReadOnlyNote role={role} what="sheets and layouts" />
      <div className={fixed ? styles.single : styles.page}>
        {!fixed && (
          <SheetList
            sheets={sheets}
            selected={selectedName}
            onSelect={open}
            isAdmin={isAdmin}
            onCreated={(sheet) => {
              setSheets((all) => [...(all ?? []), sheet].sort((a, b) => a.name.localeCompare(b.name)));
              open(sheet.name);
            }}
          />
        )}
        <div>
          {pending && (
            <Alert severity="warning" title={`The layout of "${selectedName}" has unsaved changes`}>
              <Stack direction="row" gap={1}>
                <Button
                  size="sm"
                  variant="destructive"
                  onClick={() => {
                    setDirty(false);
                    setPending(undefined);
                    setPicked(pending);
                  }}
                >
                  Discard them and open {pending}
                </Button>
                <Button size="sm" variant="secondary" onClick={() => setPending(undefined)}>
                  Keep editing
                </Button>
              </Stack>
            </Alert>
          )}
          {selected ? (
            <>
              <Text element="h2">{selected.title}</Text>
              <SheetSettings
                key={`${selected.name}:${selected.title}`}
                sheet={selected}
                isAdmin={isAdmin}
                onChanged={replace}
              />
              <LayoutEditor
                key={selected.name}
                sheet={selected.name}
                isAdmin={isAdmin}
                onSaved={(layout) => replace({ ...selected, layoutVersion: layout.version })}
                onDirtyChange={setDirty}
              />
            </>
          ) : fixed ? (
            <Alert severity="warning" title={`No sheet "${fixed}"`} />
          ) : (
            <p>{isAdmin ? 'Create a sheet to edit its layout.' : 'There are no sheets yet.'}</p>
          )}
        </div>
      </div>
    </div>
  );
}

export default SheetEditor;
