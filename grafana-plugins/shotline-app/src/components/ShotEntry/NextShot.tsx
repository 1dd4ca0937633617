import React, { useCallback, useEffect, useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert, Button, LoadingPlaceholder, Stack, Text, useStyles2 } from '@grafana/ui';

import type { LiveState } from '../../api/client';
import { useShotlineApi } from '../../api/context';
import type { Entry } from '../../api/sheetTypes';
import { loadDrafts, loadEntry, useLoad, type SheetModel } from './data';
import { EntryEditor } from './EntryEditor';
import { lastEdited } from './localDraft';

export interface NextShotProps {
  model: SheetModel;
  editable: boolean;
  compact?: boolean;
  pinned?: string[];
}

// The watcher writes a shot's drafts just after the shot: read the list again a little later too.
const REREAD_MS = [300, 1500];

/**
 * The operator's loop: the newest shot's draft, prefilled; save; the next
 * draft opens. New shots (live) refresh the list; an untouched form follows
 * the newest shot, one being changed (or picked from the list) stays put.
 */
export function NextShot({ model, editable, compact, pinned }: NextShotProps) {
  const api = useShotlineApi();
  const styles = useStyles2(getStyles);
  const sheet = model.sheet;
  const drafts = useLoad(`drafts:${sheet}`, (a) => loadDrafts(a, sheet));
  // The entry the operator chose (or started changing): it stays open when newer shots arrive.
  const [chosen, setChosen] = useState<Entry | undefined>();
  const [skipped, setSkipped] = useState<Set<string>>(new Set());
  const [liveState, setLiveState] = useState<LiveState>('connecting');
  const [saved, setSaved] = useState<Entry | undefined>();
  // After a reload: the entry whose unsaved changes this browser keeps opens first.
  const [restoreId, setRestoreId] = useState(() => {
    const last = lastEdited(sheet);
    return last && !last.startsWith('shot-') ? last : undefined;
  });
  const restored = useLoad(restoreId ? `entry:${restoreId}` : undefined, (a) => loadEntry(a, sheet, restoreId!));
  const reloadDrafts = drafts.reload;

  const all = drafts.data ?? [];
  // One saved as a draft again goes behind the others rather than opening first once more.
  const waiting = [...all.filter((d) => !skipped.has(d.id)), ...all.filter((d) => skipped.has(d.id))];
  const next = all.find((d) => !skipped.has(d.id));
  const pick = chosen ?? (restoreId ? restored.data : undefined);
  // The newest waiting draft, unless one was chosen; a fresher copy from the list when there is one.
  const opened = pick ? (all.find((d) => d.id === pick.id && d.revision > pick.revision) ?? pick) : next;
  const restoring = !!restoreId && restored.loading;

  useEffect(() => {
    const timers = new Set<ReturnType<typeof setTimeout>>();
    const stop = api.live(
      ['shots'],
      (m) => {
        if (m.type !== 'shot') {
          return;
        }
        for (const ms of REREAD_MS) {
          const t = setTimeout(() => {
            timers.delete(t);
            reloadDrafts();
          }, ms);
          timers.add(t);
        }
      },
      setLiveState
    );
    return () => {
      stop();
      timers.forEach(clearTimeout);
    };
  }, [api, reloadDrafts]);

  const onSaved = useCallback(
    (entry: Entry) => {
      // Saved complete, it leaves the drafts; saved as a draft, it goes behind the others.
      setSkipped((s) => new Set([...s, entry.id]));
      setSaved(entry);
      setChosen(undefined);
      setRestoreId(undefined);
      reloadDrafts();
    },
    [reloadDrafts]
  );
  const choose = useCallback((entry: Entry) => setChosen((c) => (c?.id === entry.id ? c : entry)), []);

  return (
    <div className={styles.box}>
      <Stack direction="row" gap={1} alignItems="center" wrap="wrap">
        <Text variant="bodySmall" color="secondary">
          {waiting.length === 0
            ? 'No shot waiting.'
            : `${waiting.length} shot${waiting.length === 1 ? '' : 's'} waiting:`}
        </Text>
        <nav aria-label="Shots waiting for their entry" className={styles.waiting}>
          {waiting.slice(0, 12).map((d) => (
            <Button
              key={d.id}
              size="sm"
              variant={opened?.id === d.id ? 'primary' : 'secondary'}
              fill={opened?.id === d.id ? 'solid' : 'outline'}
              aria-current={opened?.id === d.id ? 'true' : undefined}
              onClick={() => {
                setSaved(undefined);
                setChosen(d);
              }}
            >
              {d.shotNumber !== null ? `#${d.shotNumber}` : 'no shot'}
            </Button>
          ))}
        </nav>
        <Text variant="bodySmall" color={liveState === 'open' ? 'success' : 'secondary'}>
          {liveState === 'open'
            ? 'live'
            : liveState === 'connecting'
              ? 'connecting…'
              : 'live feed closed: reconnecting'}
        </Text>
      </Stack>
      {saved && (
        <div role="status" aria-live="polite">
          <Alert
            severity="success"
            title={`Saved${saved.shotNumber !== null ? ` shot ${saved.shotNumber}` : ''} as ${saved.status} (revision ${saved.revision})`}
            onRemove={() => setSaved(undefined)}
          />
        </div>
      )}
      {drafts.error && (
        <Alert severity="error" title="The drafts could not be read">
          {drafts.error}
        </Alert>
      )}
      {opened ? (
        <EntryEditor
          key={opened.id}
          model={model}
          entry={opened}
          editable={editable}
          compact={compact}
          pinned={pinned}
          autoFocus
          idPrefix={`shotentry-${sheet}`}
          onSaved={onSaved}
          onEdit={() => choose(opened)}
        />
      ) : (drafts.loading && !drafts.data) || restoring ? (
        <LoadingPlaceholder text="Looking for the newest shot…" />
      ) : (
        !drafts.error && (
          <Text element="p" color="secondary">
            {waiting.length > 0
              ? 'Pick a waiting shot above to fill its entry.'
              : "Every shot has its entry. The next shot's draft opens here as soon as it is stored."}
          </Text>
        )
      )}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  box: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(1.5) }),
  waiting: css({ display: 'flex', flexWrap: 'wrap', gap: theme.spacing(0.5) }),
});
