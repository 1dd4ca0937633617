import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';

import { getSharedStyles } from '../shared/styles';

export const getStyles = (theme: GrafanaTheme2) => ({
  ...getSharedStyles(theme),
  diff: css({ listStyle: 'none', margin: 0, padding: 0 }),
  path: css({ fontFamily: theme.typography.fontFamilyMonospace }),
  old: css({ color: theme.colors.error.text, textDecoration: 'line-through' }),
  new: css({ color: theme.colors.success.text, textDecoration: 'none' }),
  panel: css({ marginTop: theme.spacing(2) }),
});
