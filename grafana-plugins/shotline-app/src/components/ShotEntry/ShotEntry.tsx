import React, { useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert, LoadingPlaceholder, Stack, Tab, TabsBar, Text, useStyles2 } from '@grafana/ui';

import { useMe } from '../../api/useMe';
import { SheetPicker } from '../SheetPicker/SheetPicker';
import { loadSheetModel, useLoad } from './data';
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

/**
 * The operator's shot sheet: the next shot's draft to fill (the newest
 * triggered shot first), or an earlier shot's entry to modify, with its
 * history. Viewers see the same, read-only.
 */
export function ShotEntry({ sheet: sheetProp, mode = 'full', pinned }: ShotEntryProps) {
  const styles = useStyles2(getStyles);
  const { me, error: meError, can } = useMe();
  const [picked, setPicked] = useState<string>();
  const [sheetCount, setSheetCount] = useState<number>();
  const [tab, setTab] = useState<'next' | 'earlier'>('next');

  const sheet = sheetProp || picked;
  const model = useLoad(sheet ? `model:${sheet}` : undefined, (api) => loadSheetModel(api, sheet!));
  // Unknown role: read-only, and said so below, rather than offering saves the relay may refuse.
  const editable = can('editor');
  const compact = mode === 'compact';

  return (
    <div className={styles.box} data-testid="shot-entry">
      {!sheetProp && (
        <SheetPicker
          id="shot-entry-sheet"
          width={40}
          value={picked}
          onChange={setPicked}
          rememberAs={PICKED}
          onLoaded={(list) => setSheetCount(list.length)}
        />
      )}
      {!sheetProp && sheetCount === 0 && (
        <Text color="secondary">No shot sheet yet: an admin makes one under Sheets &amp; layouts.</Text>
      )}
      {meError && (
        <Alert severity="warning" title="Could not tell your role: the sheet is read-only">
          {meError}
        </Alert>
      )}
      {sheet && model.error && (
        <Alert severity="error" title={`Sheet "${sheet}" could not be read`}>
          {model.error}
        </Alert>
      )}
      {sheet && !model.data && model.loading && <LoadingPlaceholder text="Reading the sheet…" />}
      {sheet && model.data && model.data.sheet === sheet && (me || meError) && (
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
