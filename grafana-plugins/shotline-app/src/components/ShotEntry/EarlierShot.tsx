import React, { useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert, Button, Field, Input, Stack, Text, useStyles2 } from '@grafana/ui';

import { useShotlineApi } from '../../api/context';
import type { Entry } from '../../api/sheetTypes';
import { loadEntryOfShot, type SheetModel } from './data';
import { EntryEditor } from './EntryEditor';

export interface EarlierShotProps {
  model: SheetModel;
  editable: boolean;
  compact?: boolean;
  pinned?: string[];
}

type Found = { shot: number; entry: Entry | null };

/** Modify the entry of an earlier shot, by its number (or make it, when the shot has none yet). */
export function EarlierShot({ model, editable, compact, pinned }: EarlierShotProps) {
  const api = useShotlineApi();
  const styles = useStyles2(getStyles);
  const [text, setText] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const [found, setFound] = useState<Found | undefined>();
  const [create, setCreate] = useState(false);
  const [busy, setBusy] = useState(false);

  const open = async () => {
    const shot = Number(text.trim());
    if (!/^\d+$/.test(text.trim()) || shot < 1) {
      setProblem('a shot number is a whole number from 1');
      return;
    }
    setProblem(undefined);
    setBusy(true);
    try {
      setCreate(false);
      setFound({ shot, entry: await loadEntryOfShot(api, model.sheet, shot) });
    } catch (err) {
      setProblem(`could not look it up: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className={styles.box}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          open();
        }}
      >
        <Stack direction="row" gap={1} alignItems="flex-end">
          <Field label="Shot number" invalid={!!problem} error={problem} noMargin>
            <Input
              id="shot-entry-earlier-number"
              inputMode="numeric"
              value={text}
              width={16}
              onChange={(e) => setText(e.currentTarget.value)}
            />
          </Field>
          <Button type="submit" disabled={busy} icon={busy ? 'spinner' : 'search'}>
            Open
          </Button>
        </Stack>
      </form>
      {found && !found.entry && !create && (
        <Alert severity="info" title={`Shot ${found.shot} has no entry in this sheet`}>
          <Stack direction="column" gap={1}>
            <Text>It may be older than the sheet, or its draft was not made.</Text>
            {editable && (
              <div>
                <Button size="sm" onClick={() => setCreate(true)}>
                  Make its entry
                </Button>
              </div>
            )}
          </Stack>
        </Alert>
      )}
      {found && (found.entry || create) && (
        <EntryEditor
          key={found.shot}
          model={model}
          entry={found.entry}
          shotNumber={found.shot}
          editable={editable}
          compact={compact}
          pinned={pinned}
          autoFocus={!found.entry}
          idPrefix={`shotentry-earlier-${model.sheet}`}
          onSaved={(saved) => setFound({ shot: found.shot, entry: saved })}
        />
      )}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  box: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(1.5) }),
});
