import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';

export const getStyles = (theme: GrafanaTheme2) => ({
  table: css({
    width: '100%',
    borderCollapse: 'collapse',
    'th, td': {
      padding: theme.spacing(0.5, 1),
      borderBottom: `1px solid ${theme.colors.border.weak}`,
      textAlign: 'left',
      verticalAlign: 'top',
    },
    th: { color: theme.colors.text.secondary, fontWeight: theme.typography.fontWeightMedium },
  }),
  muted: css({ color: theme.colors.text.secondary }),
  diff: css({ listStyle: 'none', margin: 0, padding: 0 }),
  path: css({ fontFamily: theme.typography.fontFamilyMonospace }),
  old: css({ color: theme.colors.error.text, textDecoration: 'line-through' }),
  new: css({ color: theme.colors.success.text, textDecoration: 'none' }),
  panel: css({ marginTop: theme.spacing(2) }),
  nested: css({ background: theme.colors.background.secondary }),
});
