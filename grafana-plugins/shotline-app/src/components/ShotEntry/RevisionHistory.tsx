import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert, LoadingPlaceholder, Text, useStyles2 } from '@grafana/ui';

import type { Diagnostic, FieldDef, Revision } from '../../api/sheetTypes';
import { showValue } from './changes';
import { loadRevisions, useLoad } from './data';

export interface RevisionHistoryProps {
  sheet: string;
  entryId: string;
  /** the entry's revision: the history is read again when it changes */
  revision: number;
  fields: readonly FieldDef[];
  diagnostics: readonly Diagnostic[];
}

const ACTIONS: Record<string, string> = {
  create: 'created',
  draft: 'draft made for the shot',
  update: 'changed',
  link: 'linked to a shot',
  delete: 'hidden',
  restore: 'restored',
};

/** A change's path in the operator's words: the field's label where the layout knows it. */
export function pathLabel(path: string, fields: readonly FieldDef[], diagnostics: readonly Diagnostic[]): string {
  const [part, key, sub, setting] = path.split('.');
  if (part === 'fields' && key) {
    return fields.find((f) => f.key === key)?.label ?? key;
  }
  if (part === 'diagnostics' && key) {
    const d = diagnostics.find((x) => x.name === key);
    const name = d?.label ?? key;
    if (sub === 'active') {
      return `${name}: in use`;
    }
    if (sub === 'settings' && setting) {
      return `${name}: ${d?.fields.find((f) => f.key === setting)?.label ?? setting}`;
    }
    return name;
  }
  const words: Record<string, string> = {
    status: 'Status',
    layoutVersion: 'Layout version',
    channels: 'Channel values',
    deleted: 'Hidden',
  };
  return words[path] ?? path;
}

/**
 * A change's value as the operator reads it; a whole diagnostic block (added or
 * removed) as "in use: Exposure 5 ms" rather than its JSON.
 */
export function changeValue(path: string, value: unknown, diagnostics: readonly Diagnostic[]): string {
  const [part, name, sub] = path.split('.');
  const block = value as { active?: unknown; settings?: Record<string, unknown> } | null;
  if (part !== 'diagnostics' || sub !== undefined || !block || typeof block !== 'object' || !block.settings) {
    return showValue(value);
  }
  const d = diagnostics.find((x) => x.name === name);
  const settings = Object.entries(block.settings).map(([k, v]) => {
    const f = d?.fields.find((x) => x.key === k);
    return `${f?.label ?? k} ${showValue(v)}${f?.unit ? ` ${f.unit}` : ''}`;
  });
  return `${block.active ? 'in use' : 'not in use'}${settings.length > 0 ? `: ${settings.join(', ')}` : ''}`;
}

/** Every revision of an entry, newest first: who, when, and field by field old → new. */
export function RevisionHistory({ sheet, entryId, revision, fields, diagnostics }: RevisionHistoryProps) {
  const styles = useStyles2(getStyles);
  const history = useLoad(`${sheet}/${entryId}@${revision}`, (api) => loadRevisions(api, sheet, entryId));
  if (history.error) {
    return (
      <Alert severity="error" title="The history could not be read">
        {history.error}
      </Alert>
    );
  }
  if (!history.data) {
    return <LoadingPlaceholder text="Reading the history…" />;
  }
  const revisions = [...history.data].sort((a: Revision, b: Revision) => b.revision - a.revision);
  return (
    <ol className={styles.list} aria-label="Revisions" data-testid="shot-entry-history">
      {revisions.map((r) => (
        <li key={r.revision} className={styles.item}>
          <Text element="p" weight="medium">
            Revision {r.revision}: {ACTIONS[r.action] ?? r.action} by {r.by}, {new Date(r.at).toLocaleString()}
          </Text>
          {r.changes.length > 0 ? (
            <table className={styles.table}>
              <thead>
                <tr>
                  <th scope="col">Field</th>
                  <th scope="col">Old → new</th>
                </tr>
              </thead>
              <tbody>
                {r.changes
                  // Channel values come with the shot; as a diff they are noise.
                  .filter((c) => c.path !== 'channels')
                  .map((c) => (
                    <tr key={c.path} data-testid={`revision-${r.revision}-${c.path}`}>
                      <th scope="row">{pathLabel(c.path, fields, diagnostics)}</th>
                      <td>
                        {changeValue(c.path, c.old, diagnostics)} → {changeValue(c.path, c.new, diagnostics)}
                      </td>
                    </tr>
                  ))}
              </tbody>
            </table>
          ) : (
            <Text color="secondary">no change of values</Text>
          )}
        </li>
      ))}
    </ol>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  list: css({
    listStyle: 'none',
    margin: 0,
    padding: 0,
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(1.5),
  }),
  item: css({ borderLeft: `3px solid ${theme.colors.border.medium}`, paddingLeft: theme.spacing(1.5) }),
  table: css({
    borderCollapse: 'collapse',
    'th, td': {
      textAlign: 'left',
      padding: theme.spacing(0.25, 1),
      borderBottom: `1px solid ${theme.colors.border.weak}`,
      fontWeight: 'normal',
    },
    'th[scope=col]': { color: theme.colors.text.secondary },
  }),
});
