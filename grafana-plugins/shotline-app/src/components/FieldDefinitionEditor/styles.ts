import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';

export const getEditorStyles = (theme: GrafanaTheme2) => ({
  item: css({
    border: `1px solid ${theme.colors.border.weak}`,
    borderRadius: theme.shape.radius.default,
    padding: theme.spacing(1.5),
    marginBottom: theme.spacing(1),
    background: theme.colors.background.primary,
  }),
  itemInvalid: css({
    borderColor: theme.colors.error.border,
  }),
  header: css({
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    marginBottom: theme.spacing(1),
  }),
  title: css({
    flex: 1,
    fontWeight: theme.typography.fontWeightMedium,
    overflow: 'hidden',
    textOverflow: 'ellipsis',
  }),
  grid: css({
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(200px, 1fr))',
    columnGap: theme.spacing(2),
  }),
  wide: css({
    gridColumn: '1 / -1',
  }),
  addRow: css({
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(0.5),
    alignItems: 'center',
    marginTop: theme.spacing(1),
  }),
  problems: css({
    color: theme.colors.error.text,
    margin: theme.spacing(0, 0, 1, 0),
    paddingLeft: theme.spacing(2),
  }),
});
