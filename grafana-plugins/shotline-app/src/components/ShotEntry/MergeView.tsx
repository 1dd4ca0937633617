import React, { useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Alert, Button, RadioButtonGroup, Stack, Text, useStyles2 } from '@grafana/ui';

import type { Entry } from '../../api/sheetTypes';
import { showValue, type Disagreement } from './changes';

export interface MergeViewProps {
  /** the entry as it is now on the relay */
  theirs: Entry;
  rows: Disagreement[];
  onResolve: (choice: Record<string, 'mine' | 'theirs'>) => void;
  onCancel: () => void;
  busy?: boolean;
}

/**
 * After a conflict (someone saved the entry meanwhile): every value the two
 * versions disagree on, mine beside theirs, one pick per value; saving then
 * writes the merged values on the current revision.
 */
export function MergeView({ theirs, rows, onResolve, onCancel, busy }: MergeViewProps) {
  const styles = useStyles2(getStyles);
  const [choice, setChoice] = useState<Record<string, 'mine' | 'theirs'>>(() =>
    Object.fromEntries(rows.map((r) => [r.path, r.preferred]))
  );
  return (
    <section aria-labelledby="shot-entry-merge-title" className={styles.box} data-testid="shot-entry-merge">
      <Alert severity="warning" title="Someone else saved this entry meanwhile">
        {theirs.updatedBy} saved revision {theirs.revision} at {new Date(theirs.updatedAt).toLocaleString()}. Pick,
        value by value, which version to keep; then save the merge.
      </Alert>
      <h3 id="shot-entry-merge-title" className={styles.title}>
        Merge: {rows.length} value{rows.length === 1 ? '' : 's'} differ
      </h3>
      {rows.length === 0 && (
        <Text color="secondary">Both versions agree now: saving writes your change on the current revision.</Text>
      )}
      <table className={styles.table}>
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Mine</th>
            <th scope="col">Theirs (revision {theirs.revision})</th>
            <th scope="col">Keep</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.path} data-testid={`merge-row-${row.path}`}>
              <th scope="row">{row.label}</th>
              <td>{showValue(row.mine)}</td>
              <td>{showValue(row.theirs)}</td>
              <td>
                <fieldset className={styles.fieldset}>
                  <legend className={styles.srOnly}>Keep for {row.label}</legend>
                  <RadioButtonGroup<'mine' | 'theirs'>
                    size="sm"
                    value={choice[row.path]}
                    disabled={busy}
                    options={[
                      { label: 'Mine', value: 'mine', ariaLabel: `Keep mine for ${row.label}` },
                      { label: 'Theirs', value: 'theirs', ariaLabel: `Keep theirs for ${row.label}` },
                    ]}
                    onChange={(v) => setChoice((c) => ({ ...c, [row.path]: v }))}
                  />
                </fieldset>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Stack direction="row" gap={1}>
        <Button onClick={() => onResolve(choice)} disabled={busy} icon={busy ? 'spinner' : 'save'}>
          Save merged
        </Button>
        <Button variant="secondary" onClick={onCancel} disabled={busy}>
          Back to my version
        </Button>
      </Stack>
    </section>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  box: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(1.5) }),
  title: css({ ...theme.typography.h5, margin: 0 }),
  table: css({
    width: '100%',
    borderCollapse: 'collapse',
    'th, td': {
      textAlign: 'left',
      padding: theme.spacing(0.5, 1),
      borderBottom: `1px solid ${theme.colors.border.weak}`,
    },
  }),
  fieldset: css({ border: 0, margin: 0, padding: 0 }),
  srOnly: css({
    position: 'absolute',
    width: 1,
    height: 1,
    overflow: 'hidden',
    clipPath: 'inset(50%)',
    whiteSpace: 'nowrap',
  }),
});
