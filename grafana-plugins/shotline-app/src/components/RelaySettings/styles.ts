import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';

import { getSharedStyles } from '../shared/styles';

export const getStyles = (theme: GrafanaTheme2) => ({
  ...getSharedStyles(theme),
  editRow: css({ background: theme.colors.background.secondary }),
});
