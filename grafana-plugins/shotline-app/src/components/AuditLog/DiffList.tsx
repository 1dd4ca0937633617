import React from 'react';
import { useStyles2 } from '@grafana/ui';

import { type Change, showValue } from './diff';
import { getStyles } from './styles';

/** Each change as `path: old → new`; an absent side shows as —. */
export function DiffList({ changes, empty = 'no difference' }: { changes: Change[]; empty?: string }) {
  const styles = useStyles2(getStyles);
  if (changes.length === 0) {
    return <span className={styles.muted}>{empty}</span>;
  }
  return (
    <ul className={styles.diff}>
      {changes.map((c) => (
        <li key={c.path}>
          {c.path && <span className={styles.path}>{c.path}: </span>}
          <del className={styles.old}>{showValue(c.old)}</del>
          {' → '}
          <ins className={styles.new}>{showValue(c.new)}</ins>
        </li>
      ))}
    </ul>
  );
}
