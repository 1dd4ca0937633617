import React, { useMemo } from 'react';
import { css } from '@emotion/css';
import type { PanelProps } from '@grafana/data';

import { ShotlineApiProvider } from '../../api/context';
import { grafanaClient } from '../../api/grafanaClient';
import { ShotEntry } from '../../components/ShotEntry/ShotEntry';
import { DEFAULT_DATASOURCE_UID, type ShotEntryOptions } from './types';

export type ShotEntryPanelProps = PanelProps<ShotEntryOptions>;

const scroll = css({ height: '100%', overflow: 'auto' });

/**
 * The shot-sheet form in a dashboard, beside the DAQ plots: it writes entries
 * through the Shotline datasource's backend as the Grafana user (Grafana's
 * role decides who may edit), and follows new shots on the relay's live feed.
 */
export function ShotEntryPanel({ options, replaceVariables }: ShotEntryPanelProps) {
  const uid = replaceVariables(options.datasourceUid ?? '').trim() || DEFAULT_DATASOURCE_UID;
  const api = useMemo(() => grafanaClient(uid), [uid]);
  const sheet = options.sheet ? replaceVariables(options.sheet).trim() : '';
  const pinnedText = (options.pinned ?? []).map((p) => replaceVariables(p, undefined, 'csv')).join(',');
  const pinned = useMemo(
    () =>
      pinnedText
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean),
    [pinnedText]
  );
  return (
    <ShotlineApiProvider api={api}>
      <div className={scroll}>
        {/* An unresolved variable is no sheet name: offer the picker rather than a 404. */}
        <ShotEntry
          sheet={sheet && !sheet.includes('$') ? sheet : undefined}
          mode={options.mode ?? 'compact'}
          pinned={pinned}
        />
      </div>
    </ShotlineApiProvider>
  );
}
