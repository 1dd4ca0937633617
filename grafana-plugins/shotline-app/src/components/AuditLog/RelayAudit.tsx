import React, { useEffect, useMemo, useState } from 'react';
import { Alert, Button, Combobox, Field, Input, LoadingPlaceholder, Stack, useStyles2 } from '@grafana/ui';

import { useShotlineApi } from '../../api/context';
import type { AuditItem } from '../../api/relayTypes';
import { diffValues } from './diff';
import { DiffList } from './DiffList';
import { getStyles } from './styles';
import { formatTime } from '../shared/format';
import { Table } from '../shared/Table';

const STEP = 100;
/** The relay gives at most this many of the newest changes (GET relay/audit has no cursor). */
const MAX = 1000;

/** Who changed the relay settings (channels, policy, campaign), newest first. */
export function RelayAudit() {
  const api = useShotlineApi();
  const styles = useStyles2(getStyles);
  const [limit, setLimit] = useState(STEP);
  const [target, setTarget] = useState<string>();
  const [who, setWho] = useState('');
  const [items, setItems] = useState<AuditItem[]>();
  const [targets, setTargets] = useState<string[]>([]);
  const [error, setError] = useState<string>();

  useEffect(() => {
    let live = true;
    api
      .request<{ items: AuditItem[] }>('GET', 'relay/audit', { query: { limit, target } })
      .then((r) => {
        if (live) {
          setItems(r.body.items);
          setError(undefined);
          // What can be filtered on: every target seen so far (the filter is an exact match on the relay).
          setTargets((t) => [...new Set([...t, ...r.body.items.map((i) => i.target)])].sort());
        }
      })
      .catch((err) => live && setError(err instanceof Error ? err.message : String(err)));
    return () => {
      live = false;
    };
  }, [api, limit, target]);

  const shown = useMemo(() => {
    const needle = who.trim().toLowerCase();
    return (items ?? []).filter((i) => !needle || i.by.toLowerCase().includes(needle));
  }, [items, who]);

  return (
    <div>
      <Stack direction="row" gap={2} wrap="wrap">
        <Field label="What" description="channel:<name>, policy, campaign">
          <Combobox<string>
            id="audit-target"
            width={30}
            value={target ?? null}
            options={targets.map((t) => ({ label: t, value: t }))}
            createCustomValue
            isClearable
            placeholder="everything"
            onChange={(o) => {
              setTarget(o?.value || undefined);
              setLimit(STEP);
            }}
          />
        </Field>
        <Field label="Who" description="part of the name">
          <Input id="audit-who" width={24} value={who} onChange={(e) => setWho(e.currentTarget.value)} />
        </Field>
      </Stack>
      {error && (
        <Alert severity="error" title="Cannot read the relay audit">
          {error}
        </Alert>
      )}
      {!items && !error && <LoadingPlaceholder text="Reading the relay audit…" />}
      {items && (
        <>
          <p className={styles.muted} role="status">
            {who.trim()
              ? `${shown.length} of the ${items.length} newest changes made by “${who.trim()}”`
              : `${items.length} newest changes`}
            {target ? ` to ${target}` : ''}.
          </p>
          <Table label="Relay settings changes" columns={['When', 'Who', 'What', 'Action', 'Change (old → new)']}>
            {shown.map((i) => (
              <tr key={i.id}>
                <td>{formatTime(i.at)}</td>
                <td>{i.by}</td>
                <td>
                  <code>{i.target}</code>
                </td>
                <td>{i.action}</td>
                <td>
                  <DiffList changes={diffValues(i.old, i.new)} />
                </td>
              </tr>
            ))}
          </Table>
          {items.length >= limit && limit < MAX && (
            <Button variant="secondary" size="sm" onClick={() => setLimit(Math.min(MAX, limit + STEP))}>
              Show older changes
            </Button>
          )}
          {items.length >= MAX && (
            <p className={styles.muted}>
              The relay gives at most the {MAX} newest changes; filter by what to see older ones.
            </p>
          )}
        </>
      )}
    </div>
  );
}
