import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';

/** What the relay-side pages (settings, audit, search, debug) share: their tables, numbers, secondary text, sections. */
export const getSharedStyles = (theme: GrafanaTheme2) => ({
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
  numeric: css({ textAlign: 'right', fontVariantNumeric: 'tabular-nums' }),
  muted: css({ color: theme.colors.text.secondary }),
  section: css({ marginBottom: theme.spacing(3) }),
});
