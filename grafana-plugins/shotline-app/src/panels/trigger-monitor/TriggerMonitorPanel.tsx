import React, { useMemo } from 'react';
import { css } from '@emotion/css';
import type { PanelProps } from '@grafana/data';

import { ShotlineApiProvider } from '../../api/context';
import { grafanaClient } from '../../api/grafanaClient';
import { TriggerMonitor } from '../../components/TriggerMonitor/TriggerMonitor';
import { DEFAULT_DATASOURCE_UID, type TriggerMonitorOptions } from './types';

export type TriggerMonitorPanelProps = PanelProps<TriggerMonitorOptions>;

const scroll = css({ height: '100%', overflow: 'auto' });

/**
 * The trigger monitor in a dashboard: it talks to the relay through the
 * Shotline datasource's backend, as the Grafana user (so Grafana's role
 * decides who may change thresholds), and follows the relay's live feed
 * itself rather than the panel's queries.
 */
export function TriggerMonitorPanel({ options, replaceVariables }: TriggerMonitorPanelProps) {
  const uid = options.datasourceUid?.trim() || DEFAULT_DATASOURCE_UID;
  const api = useMemo(() => grafanaClient(uid), [uid]);
  // A multi-value variable expands to "a,b" with the csv format.
  const channels = (options.channels ?? [])
    .flatMap((c) => replaceVariables(c, undefined, 'csv').split(','))
    .map((c) => c.trim())
    .filter(Boolean);
  return (
    <ShotlineApiProvider api={api}>
      <div className={scroll}>
        <TriggerMonitor channels={channels} />
      </div>
    </ShotlineApiProvider>
  );
}
