import React, { useCallback, useEffect, useId, useState } from 'react';
import { css, cx } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import {
  Alert,
  Badge,
  Button,
  Field,
  InlineField,
  InlineSwitch,
  RadioButtonGroup,
  Stack,
  Text,
  useStyles2,
} from '@grafana/ui';

import { ApiProblem } from '../../api/client';
import { useShotlineApi } from '../../api/context';
import type { DebugEntry } from '../../api/relayTypes';
import { Table } from '../shared/Table';

const LIMITS = [50, 200, 1000].map((n) => ({ label: String(n), value: n }));
const AUTO_REFRESH_MS = 2000;

type Load = { kind: 'idle' } | { kind: 'error'; message: string; unreachable: boolean };

/**
 * The relay's recent raw laser messages, newest first: what arrived, from
 * where, and why a message was refused. Previews are the relay's safe
 * rendering (escaped text or hex) and are only ever shown as text.
 */
export function RawMessages() {
  const api = useShotlineApi();
  const styles = useStyles2(getStyles);
  const id = useId();
  const [items, setItems] = useState<DebugEntry[] | null>(null);
  const [limit, setLimit] = useState(50);
  const [rejectedOnly, setRejectedOnly] = useState(false);
  const [auto, setAuto] = useState(false);
  const [load, setLoad] = useState<Load>({ kind: 'idle' });
  const [fetchedAt, setFetchedAt] = useState<Date | null>(null);
  // Each refresh (button, timer) bumps the tick; the request belongs to one key, and is "loading" until answered.
  const [tick, setTick] = useState(0);
  const key = `${limit}|${rejectedOnly}|${tick}`;
  const [answered, setAnswered] = useState<string | null>(null);
  const loading = answered !== key;

  useEffect(() => {
    // A newer key (filter switched, next refresh) makes this answer stale: it is dropped.
    let stale = false;
    api
      .request<{ items: DebugEntry[] }>('GET', 'relay/debug/messages', { query: { limit, rejectedOnly } })
      .then((reply) => {
        if (!stale) {
          setItems(reply.body.items ?? []);
          setFetchedAt(new Date());
          setLoad({ kind: 'idle' });
        }
      })
      .catch((err: unknown) => {
        if (!stale) {
          setLoad({
            kind: 'error',
            message: err instanceof Error ? err.message : String(err),
            unreachable: !(err instanceof ApiProblem),
          });
        }
      })
      .finally(() => {
        if (!stale) {
          setAnswered(key);
        }
      });
    return () => {
      stale = true;
    };
  }, [api, limit, rejectedOnly, key]);

  const refresh = useCallback(() => setTick((t) => t + 1), []);

  // The next automatic refresh is planned once the last answer is in, so a slow relay is never asked twice at once.
  useEffect(() => {
    if (!auto || loading) {
      return;
    }
    const t = setTimeout(refresh, AUTO_REFRESH_MS);
    return () => clearTimeout(t);
  }, [auto, loading, refresh]);

  const rejected = items?.filter((m) => m.status !== 'ok').length ?? 0;

  return (
    <Stack direction="column" gap={2}>
      <Stack direction="row" gap={2} alignItems="center" wrap="wrap">
        <Button icon={loading ? 'spinner' : 'sync'} variant="secondary" onClick={refresh}>
          Refresh
        </Button>
        <InlineField label="Auto-refresh" tooltip={`Every ${AUTO_REFRESH_MS / 1000} s`}>
          <InlineSwitch id={`${id}-auto`} value={auto} onChange={(e) => setAuto(e.currentTarget.checked)} />
        </InlineField>
        <InlineField label="Rejected only">
          <InlineSwitch
            id={`${id}-rejected`}
            value={rejectedOnly}
            onChange={(e) => setRejectedOnly(e.currentTarget.checked)}
          />
        </InlineField>
        <Field label="Messages" horizontal className={styles.limit}>
          <RadioButtonGroup
            aria-label="Messages to show"
            options={LIMITS}
            value={limit}
            onChange={setLimit}
            size="sm"
          />
        </Field>
        {items && (
          <Text color="secondary" data-testid="raw-summary">
            {items.length} message{items.length === 1 ? '' : 's'}
            {rejectedOnly ? '' : `, ${rejected} rejected`}
            {fetchedAt ? ` · fetched ${fetchedAt.toLocaleTimeString()}` : ''}
          </Text>
        )}
      </Stack>
      {load.kind === 'error' && (
        <Alert
          severity="error"
          title={load.unreachable ? 'The relay cannot be reached' : 'The relay did not give its raw messages'}
        >
          {load.message}
        </Alert>
      )}
      {items && items.length === 0 && load.kind !== 'error' && (
        <Alert severity="info" title={rejectedOnly ? 'No rejected messages' : 'No messages yet'}>
          {rejectedOnly
            ? 'None of the messages the relay keeps for this view was rejected.'
            : 'The relay has not received a laser message since it started.'}
        </Alert>
      )}
      {items && items.length > 0 && (
        // Focusable: a region that scrolls sideways must be reachable by keyboard.
        <div className={styles.scroll} tabIndex={0} role="region" aria-label="Raw laser messages">
          <Table
            className={styles.table}
            label="Raw laser messages, newest first"
            columns={['Received', 'Endpoint / topic', 'Status', 'Size', 'Payload']}
          >
            {items.map((m, i) => {
              const bad = m.status !== 'ok';
              return (
                <tr
                  key={`${m.receivedAt}-${i}`}
                  className={cx(bad && styles.rejected)}
                  data-testid="raw-message"
                  data-status={m.status}
                >
                  <td className={styles.nowrap}>{m.receivedAt}</td>
                  <td>
                    <div>{m.endpoint}</div>
                    {m.topic && <div className={styles.mono}>topic {m.topic}</div>}
                  </td>
                  <td>
                    {bad ? (
                      <Badge color="red" icon="exclamation-triangle" text={m.status} />
                    ) : (
                      <Badge color="green" text="ok" />
                    )}
                    {m.detail && <div className={styles.detail}>{m.detail}</div>}
                  </td>
                  <td className={styles.nowrap}>
                    {m.size} B{m.frames > 1 ? `, ${m.frames} frames` : ''}
                  </td>
                  <td>
                    {m.previewEncoding === 'hex' && <Badge color="purple" text="hex" />}
                    {/* Rendered as a text node: whatever the laser sent cannot become markup. */}
                    <pre className={styles.preview}>
                      {m.preview}
                      {m.truncated ? '…' : ''}
                    </pre>
                    {m.truncated && (
                      <Text color="secondary" variant="bodySmall">
                        truncated
                      </Text>
                    )}
                  </td>
                </tr>
              );
            })}
          </Table>
        </div>
      )}
    </Stack>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  limit: css({ marginBottom: 0 }),
  scroll: css({ overflowX: 'auto' }),
  // On top of the shared table: smaller, one line per cell but the payload.
  table: css({
    fontSize: theme.typography.bodySmall.fontSize,
    'th, td': { whiteSpace: 'nowrap' },
    // The payload takes the width the rest leaves.
    'th:last-child, td:last-child': {
      width: '100%',
      whiteSpace: 'normal',
    },
  }),
  rejected: css({
    background: theme.colors.error.transparent,
    boxShadow: `inset 3px 0 0 ${theme.colors.error.main}`,
  }),
  nowrap: css({ whiteSpace: 'nowrap' }),
  mono: css({ fontFamily: theme.typography.fontFamilyMonospace }),
  detail: css({
    color: theme.colors.error.text,
    marginTop: theme.spacing(0.5),
    whiteSpace: 'normal',
    minWidth: '24ch',
    maxWidth: '40ch',
  }),
  preview: css({
    margin: 0,
    padding: 0,
    background: 'none',
    border: 'none',
    fontFamily: theme.typography.fontFamilyMonospace,
    whiteSpace: 'pre-wrap',
    wordBreak: 'break-all',
  }),
});

export default RawMessages;
