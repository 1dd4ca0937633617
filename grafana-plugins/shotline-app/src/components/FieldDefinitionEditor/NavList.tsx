import React, { type ReactNode } from 'react';
import { css, cx } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';

export interface NavListProps {
  /** the navigation's accessible name, e.g. "Sheets" */
  label: string;
  items: Array<{ name: string; content: ReactNode }>;
  selected?: string;
  onSelect: (name: string) => void;
  /** said when there are no items */
  empty: string;
  /** below the list, e.g. a form to create an item */
  children?: ReactNode;
}

const getStyles = (theme: GrafanaTheme2) => ({
  list: css({ listStyle: 'none', padding: 0, margin: theme.spacing(0, 0, 2, 0) }),
  item: css({
    width: '100%',
    textAlign: 'left',
    padding: theme.spacing(0.75, 1),
    border: 'none',
    borderLeft: '3px solid transparent',
    background: 'none',
    color: theme.colors.text.primary,
    cursor: 'pointer',
    '&:hover': { background: theme.colors.action.hover },
  }),
  selected: css({ borderLeftColor: theme.colors.primary.main, background: theme.colors.action.selected }),
});

/** The list side of a list/detail page (sheets, choice lists): one button per item, the open one marked current. */
export function NavList({ label, items, selected, onSelect, empty, children }: NavListProps) {
  const styles = useStyles2(getStyles);
  return (
    <nav aria-label={label}>
      <ul className={styles.list}>
        {items.map((item) => (
          <li key={item.name}>
            <button
              type="button"
              className={cx(styles.item, item.name === selected && styles.selected)}
              aria-current={item.name === selected ? 'true' : undefined}
              onClick={() => onSelect(item.name)}
            >
              {item.content}
            </button>
          </li>
        ))}
        {items.length === 0 && <li>{empty}</li>}
      </ul>
      {children}
    </nav>
  );
}
