import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';

export const getStyles = (theme: GrafanaTheme2) => ({
  grid: css({
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(260px, 1fr))',
    gap: theme.spacing(1),
  }),
  card: css({
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    padding: theme.spacing(1),
    background: theme.colors.background.primary,
    minWidth: 0,
  }),
  cardWide: css({
    gridColumn: '1 / -1',
  }),
  crossing: css({
    borderColor: theme.colors.error.border,
  }),
  header: css({
    display: 'flex',
    alignItems: 'baseline',
    justifyContent: 'space-between',
    gap: theme.spacing(1),
    minWidth: 0,
  }),
  title: css({
    margin: 0,
    fontSize: theme.typography.h6.fontSize,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
  }),
  value: css({
    fontSize: theme.typography.h3.fontSize,
    fontVariantNumeric: 'tabular-nums',
    lineHeight: 1.2,
  }),
  valueCrossing: css({
    color: theme.colors.error.text,
  }),
  row: css({
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'space-between',
    gap: theme.spacing(1),
    flexWrap: 'wrap',
  }),
  summary: css({
    display: 'flex',
    gap: theme.spacing(3),
    flexWrap: 'wrap',
    alignItems: 'flex-start',
  }),
});
