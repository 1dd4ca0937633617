import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';

import { getSharedStyles } from '../shared/styles';

export const getStyles = (theme: GrafanaTheme2) => ({
  ...getSharedStyles(theme),
  bar: css({ margin: theme.spacing(1, 0) }),
  tableWrap: css({ overflowX: 'auto' }),
});
