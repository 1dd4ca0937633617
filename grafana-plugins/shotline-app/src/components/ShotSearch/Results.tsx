import React from 'react';
import { Button, Stack, useStyles2 } from '@grafana/ui';

import { fieldTitle, showValue, valueAt, type SearchField } from './fields';
import { getStyles } from './styles';

export interface Entry extends Record<string, unknown> {
  id: string;
  sheet?: string;
  shotNumber?: number | null;
  campaign?: string | null;
  receivedAt?: string | null;
  createdAt?: string;
  status?: string;
}

export interface Page {
  items: Entry[];
  total: number;
  nextCursor: string | null;
}

interface Props {
  page: Page;
  /** entries on the pages before this one, for "51–100 of 1,284" */
  offset: number;
  columns: SearchField[];
  showSheet: boolean;
  loading: boolean;
  onPrevious?: () => void;
  onNext?: () => void;
}

function when(e: Entry): string {
  const t = e.receivedAt ?? e.createdAt;
  if (!t) {
    return '';
  }
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? t : d.toLocaleString();
}

/** One page of entries the search found, with the total and paging. */
export function Results({ page, offset, columns, showSheet, loading, onPrevious, onNext }: Props) {
  const styles = useStyles2(getStyles);
  const first = offset + 1;
  const last = offset + page.items.length;
  return (
    <section aria-label="Search results">
      <Stack direction="row" gap={2} alignItems="center">
        <span role="status" data-testid="search-total">
          {page.total === 0
            ? 'No entry matches.'
            : `${first.toLocaleString()}–${last.toLocaleString()} of ${page.total.toLocaleString()} ${page.total === 1 ? 'entry' : 'entries'}`}
        </span>
        <Button size="sm" variant="secondary" icon="angle-left" disabled={!onPrevious || loading} onClick={onPrevious}>
          Previous page
        </Button>
        <Button size="sm" variant="secondary" icon="angle-right" disabled={!onNext || loading} onClick={onNext}>
          Next page
        </Button>
      </Stack>
      <div className={styles.tableWrap}>
        <table className={styles.table} aria-label="Entries found">
          <thead>
            <tr>
              <th scope="col">Shot</th>
              <th scope="col">Time</th>
              <th scope="col">Campaign</th>
              {showSheet && <th scope="col">Sheet</th>}
              <th scope="col">Status</th>
              {columns.map((c) => (
                <th scope="col" key={c.path} title={c.path}>
                  {fieldTitle(c)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {page.items.map((e) => (
              <tr key={e.id}>
                <td className={styles.numeric}>{e.shotNumber ?? <span className={styles.muted}>no shot</span>}</td>
                <td>{when(e)}</td>
                <td>{e.campaign ?? ''}</td>
                {showSheet && <td>{e.sheet ?? ''}</td>}
                <td>{e.status ?? ''}</td>
                {columns.map((c) => {
                  const v = valueAt(e, c.path);
                  return (
                    <td key={c.path} className={typeof v === 'number' ? styles.numeric : undefined}>
                      {showValue(v)}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
