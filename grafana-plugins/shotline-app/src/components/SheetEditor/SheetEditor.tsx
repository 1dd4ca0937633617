import React, { useEffect, useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert, LoadingPlaceholder, Text, useStyles2 } from '@grafana/ui';

import { useShotlineApi } from '../../api/context';
import { useMe } from '../../api/useMe';
import { messageOf } from '../FieldDefinitionEditor/ProblemList';
import { useUnsavedGuard } from '../FieldDefinitionEditor/useUnsavedGuard';
import type { Sheet } from '../../api/sheetTypes';
import { LayoutEditor } from './LayoutEditor';
import { ReadOnlyNote } from './ReadOnlyNote';
import { SheetList } from './SheetList';
import { SheetSettings } from './SheetSettings';

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
  const { me, error: meError, can } = useMe();
  const isAdmin = can('admin');
  const [sheets, setSheets] = useState<Sheet[] | null>(null);
  const [picked, setPicked] = useState<string | undefined>(fixed);
  const [error, setError] = useState<string>();
  const selectedName = fixed ?? picked;
  // another sheet asked for while the open layout has unsaved edits: switch only when the user says so
  const guard = useUnsavedGuard(
    (name: string) => setPicked(name),
    `The layout of "${selectedName}"`,
    (name) => `Discard them and open ${name}`
  );
  const open = (name: string) => name !== selectedName && guard.request(name);

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

  const selected = sheets?.find((s) => s.name === selectedName);
  // As the relay does: making one sheet the default un-defaults the others.
  const replace = (sheet: Sheet) =>
    setSheets((all) =>
      (all ?? []).map((s) =>
        s.name === sheet.name ? sheet : sheet.default && s.default ? { ...s, default: false } : s
      )
    );

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
      <ReadOnlyNote me={me} error={meError} what="sheets and layouts" />
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
          {guard.prompt}
          {selected ? (
            <>
              <Text element="h2">{selected.title}</Text>
              <SheetSettings key={`settings:${selected.name}`} sheet={selected} isAdmin={isAdmin} onChanged={replace} />
              <LayoutEditor
                key={selected.name}
                sheet={selected.name}
                isAdmin={isAdmin}
                onSaved={(layout) => replace({ ...selected, layoutVersion: layout.version })}
                onDirtyChange={guard.setDirty}
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
