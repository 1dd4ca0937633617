import { type LiveChannelAddress, LiveChannelScope } from '@grafana/data';

import type { LivePath } from './types';

const LIVE_PATHS: readonly LivePath[] = ['shots', 'channels'];

/**
 * The Grafana Live channel of a live query: `ds/<uid>/<path>`. It holds no
 * per-user or per-panel data, so every viewer of a path shares the one
 * backend stream (and its one relay WebSocket). Grafana 12.4 renamed the
 * address member `namespace` to `stream`; both are set so older Grafanas
 * resolve it too.
 */
export function liveAddress(uid: string, path: string | undefined): LiveChannelAddress {
  if (!path || !LIVE_PATHS.includes(path as LivePath)) {
    throw new Error(`path: "${path ?? ''}" is not one of ${LIVE_PATHS.join(', ')}`);
  }
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- kept for Grafanas before 12.4 (see above)
  return { scope: LiveChannelScope.DataSource, stream: uid, namespace: uid, path };
}
