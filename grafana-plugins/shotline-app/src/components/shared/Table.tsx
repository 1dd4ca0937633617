import React, { type ReactNode } from 'react';
import { cx } from '@emotion/css';
import { useStyles2 } from '@grafana/ui';

import { getSharedStyles } from './styles';

interface Props {
  /** the table's accessible name */
  label: string;
  /** column headers; a falsy one (a column only some roles see) is left out */
  columns: Array<string | false | null | undefined>;
  /** shown across every column when there are no rows */
  empty?: ReactNode;
  className?: string;
  children?: ReactNode;
}

/** A labelled table with column headers, and a sentence in place of rows when there are none. */
export function Table({ label, columns, empty, className, children }: Props) {
  const styles = useStyles2(getSharedStyles);
  const shown = columns.filter((c): c is string => !!c);
  const rows = React.Children.toArray(children);
  return (
    <table className={cx(styles.table, className)} aria-label={label}>
      <thead>
        <tr>
          {shown.map((c) => (
            <th scope="col" key={c}>
              {c}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.length === 0 && empty !== undefined ? (
          <tr>
            <td colSpan={shown.length}>{empty}</td>
          </tr>
        ) : (
          rows
        )}
      </tbody>
    </table>
  );
}
