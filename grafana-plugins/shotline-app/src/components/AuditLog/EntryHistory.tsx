import React, { useCallback, useEffect, useMemo, useState } from 'react';
import { Alert, Button, Checkbox, Field, Input, LoadingPlaceholder, Stack, useStyles2 } from '@grafana/ui';

import { useShotlineApi } from '../../api/context';
import { DiffList } from './DiffList';
import { getStyles } from './styles';
import { SheetPicker } from '../SheetPicker/SheetPicker';
import { formatTime } from '../shared/format';
import { Table } from '../shared/Table';
import type { Entry, Revision } from '../../api/sheetTypes';

const PAGE = 25;

/**
 * Entries of a sheet by their last change, each with its revisions (field by
 * field old → new); admins can list the hidden ones. The relay keeps
 * revisions per entry, so this reads them entry by entry.
 */
export function EntryHistory({ isAdmin }: { isAdmin: boolean }) {
  const api = useShotlineApi();
  const styles = useStyles2(getStyles);
  const [sheet, setSheet] = useState<string>();
  const [hidden, setHidden] = useState(false);
  const [shot, setShot] = useState('');
  const [shotError, setShotError] = useState<string>();
  const [who, setWho] = useState('');
  const [entries, setEntries] = useState<Entry[]>();
  const [next, setNext] = useState<string | null>(null);
  const [error, setError] = useState<string>();
  const [open, setOpen] = useState<string>();
  const [revisions, setRevisions] = useState<Record<string, Revision[] | string>>({});

  const load = useCallback(
    async (cursor?: string) => {
      if (!sheet) {
        return;
      }
      const t = shot.trim();
      const shotNumber = t === '' ? undefined : Number(t);
      if (shotNumber !== undefined && (!Number.isInteger(shotNumber) || shotNumber < 1)) {
        setShotError(`"${t}" is not a shot number`);
        return;
      }
      setShotError(undefined);
      try {
        const r = await api.request<{ items: Entry[]; nextCursor: string | null }>(
          'GET',
          `sheets/${encodeURIComponent(sheet)}/entries`,
          { query: { order: 'updatedAt', limit: PAGE, deleted: hidden || undefined, shotNumber, cursor } }
        );
        setEntries((e) => (cursor ? [...(e ?? []), ...r.body.items] : r.body.items));
        setNext(r.body.nextCursor);
        setError(undefined);
      } catch (err) {
        setError(err instanceof Error ? err.message : String(err));
      }
    },
    [api, sheet, hidden, shot]
  );

  // A new sheet or the hidden switch lists afresh; the shot number waits for Enter or the button.
  useEffect(() => {
    setEntries(undefined);
    setRevisions({});
    void load();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [sheet, hidden]);

  const toggle = async (e: Entry) => {
    setOpen(open === e.id ? undefined : e.id);
    if (!sheet || revisions[e.id]) {
      return;
    }
    try {
      const r = await api.request<{ items: Revision[] }>(
        'GET',
        `sheets/${encodeURIComponent(sheet)}/entries/${encodeURIComponent(e.id)}/revisions`
      );
      setRevisions((v) => ({ ...v, [e.id]: r.body.items }));
    } catch (err) {
      setRevisions((v) => ({ ...v, [e.id]: err instanceof Error ? err.message : String(err) }));
    }
  };

  const shown = useMemo(() => {
    const needle = who.trim().toLowerCase();
    return (entries ?? []).filter((e) => !needle || e.updatedBy.toLowerCase().includes(needle));
  }, [entries, who]);

  return (
    <div>
      <Stack direction="row" gap={2} wrap="wrap" alignItems="flex-start">
        <SheetPicker id="audit-entry-sheet" value={sheet} onChange={setSheet} includeArchived />
        <Field label="Shot number" invalid={!!shotError} error={shotError}>
          <Input
            id="audit-entry-shot"
            width={14}
            inputMode="numeric"
            value={shot}
            onChange={(e) => setShot(e.currentTarget.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                void load();
              }
            }}
          />
        </Field>
        <Field label="Last changed by" description="part of the name">
          <Input id="audit-entry-who" width={20} value={who} onChange={(e) => setWho(e.currentTarget.value)} />
        </Field>
        {isAdmin && (
          <Checkbox
            id="audit-entry-hidden"
            label="Only hidden (deleted) entries"
            value={hidden}
            onChange={(e) => setHidden(e.currentTarget.checked)}
          />
        )}
        <Button variant="secondary" onClick={() => load()}>
          List entries
        </Button>
      </Stack>
      {error && (
        <Alert severity="error" title="Cannot list the entries">
          {error}
        </Alert>
      )}
      {sheet && !entries && !error && <LoadingPlaceholder text="Reading the entries…" />}
      {entries && (
        <Table
          label="Entries by last change"
          empty="No entry."
          columns={['Shot', 'Last change', 'By', 'Revision', 'Changes']}
        >
          {shown.map((e) => {
            const revs = revisions[e.id];
            const label = e.shotNumber !== null ? `shot ${e.shotNumber}` : `entry …${e.id.slice(-8)}`;
            return (
              <tr key={e.id}>
                <td>
                  {e.shotNumber ?? <span className={styles.muted}>no shot</span>}
                  {e.deleted && <span className={styles.muted}> (hidden)</span>}
                </td>
                <td>{formatTime(e.updatedAt)}</td>
                <td>{e.updatedBy}</td>
                <td>{e.revision}</td>
                <td>
                  <Button size="sm" variant="secondary" aria-expanded={open === e.id} onClick={() => toggle(e)}>
                    {open === e.id ? 'Hide' : 'Show'} changes of {label}
                  </Button>
                  {open === e.id &&
                    (revs === undefined ? (
                      <LoadingPlaceholder text="Reading the revisions…" />
                    ) : typeof revs === 'string' ? (
                      <div role="alert">{revs}</div>
                    ) : (
                      <ol className={styles.diff} aria-label={`Revisions of ${label}`}>
                        {[...revs].reverse().map((r) => (
                          <li key={r.revision} className={styles.panel}>
                            <strong>
                              #{r.revision} {r.action}
                            </strong>{' '}
                            {formatTime(r.at)} by {r.by}
                            <DiffList changes={r.changes} empty="no field changed" />
                          </li>
                        ))}
                      </ol>
                    ))}
                </td>
              </tr>
            );
          })}
        </Table>
      )}
      {next && (
        <Button variant="secondary" size="sm" onClick={() => load(next)}>
          Show more entries
        </Button>
      )}
    </div>
  );
}
