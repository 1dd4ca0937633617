import React, { useEffect, useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert, Combobox, Field, LoadingPlaceholder, Stack, Tab, TabsBar, Text, useStyles2 } from '@grafana/ui';

import { canEdit, loadMe, loadSheetModel, loadSheets, useLoad } from './data';
import { EarlierShot } from './EarlierShot';
import { NextShot } from './NextShot';

export interface ShotEntryProps {
  /** the sheet to fill; absent: a sheet picker (the default sheet first) */
  sheet?: string;
  /** compact: fields side by side, for a panel beside the plots */
  mode?: 'compact' | 'full';
  /** field keys shown first */
  pinned?: string[];
}

const PICKED = 'shotline.entry-sheet';

function remembered(): string | undefined {
  try {
    return window.localStorage.getItem(PICKED) ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * The operator's shot sheet: the next shot's draft to fill (the newest
 * triggered shot first), or an earlier shot's entry to modify, with its
 * history. Viewers see the same, read-only.
 */
export function ShotEntry({ sheet: sheetProp, mode = 'full', pinned }: ShotEntryProps) {
  const styles = useStyles2(getStyles);
  const me = useLoad('me', loadMe);
  const sheets = useLoad(sheetProp ? undefined : 'sheets', loadSheets);
  const [picked, setPicked] = useState<string | undefined>(() => (sheetProp ? undefined : remembered()));
  const [tab, setTab] = useState<'next' | 'earlier'>('next');

  const list = sheets.data ?? [];
  const sheet =
    sheetProp || (picked && list.some((s) => s.name === picked) ? picked : list.find((s) => s.default)?.name);
  const model = useLoad(sheet ? `model:${sheet}` : undefined, (api) => loadSheetModel(api, sheet!));
  // Without an answer to `me` the relay still decides: offer editing and let it refuse.
  const editable = me.data ? canEdit(me.data.role) : !!me.error;
  const compact = mode === 'compact';

  useEffect(() => {
    if (picked) {
      try {
        window.localStorage.setItem(PICKED, picked);
      } catch {
        // not remembered: the picker asks again next time
      }
    }
  }, [picked]);

  return (
    <div className={styles.box} data-testid="shot-entry">
      {!sheetProp && (
        <Field label="Sheet" noMargin>
          <Combobox<string>
            id="shot-entry-sheet"
            width={40}
            loading={sheets.loading}
            placeholder="Choose a sheet"
            options={list.map((s) => ({
              value: s.name,
              label: s.title,
              description: s.default ? 'default sheet' : undefined,
            }))}
            value={sheet ?? null}
            onChange={(o) => setPicked(o.value)}
          />
        </Field>
      )}
      {sheets.error && (
        <Alert severity="error" title="The sheets could not be read">
          {sheets.error}
        </Alert>
      )}
      {!sheetProp && sheets.data && list.length === 0 && (
        <Text color="secondary">No shot sheet yet: an admin makes one under Sheets &amp; layouts.</Text>
      )}
      {sheet && model.error && (
        <Alert severity="error" title={`Sheet "${sheet}" could not be read`}>
          {model.error}
        </Alert>
      )}
      {sheet && !model.data && model.loading && <LoadingPlaceholder text="Reading the sheet…" />}
      {sheet && model.data && model.data.sheet === sheet && !me.loading && (
        <>
          <TabsBar>
            <Tab label="Next shot" active={tab === 'next'} onChangeTab={() => setTab('next')} />
            <Tab label="Earlier shot" active={tab === 'earlier'} onChangeTab={() => setTab('earlier')} />
          </TabsBar>
          <Stack direction="column" gap={1}>
            {tab === 'next' ? (
              <NextShot key={sheet} model={model.data} editable={editable} compact={compact} pinned={pinned} />
            ) : (
              <EarlierShot key={sheet} model={model.data} editable={editable} compact={compact} pinned={pinned} />
            )}
          </Stack>
        </>
      )}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  box: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(1.5), padding: theme.spacing(1, 0) }),
});

export default ShotEntry;
