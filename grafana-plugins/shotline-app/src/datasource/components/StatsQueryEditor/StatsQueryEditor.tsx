import React from 'react';
import { Combobox, InlineField, InlineFieldRow, InlineSwitch } from '@grafana/ui';

import type { ShotlineLists, ShotlineQuery, StatKind } from '../../types';
import { CampaignField } from '../ListPicker/ListFields';

export interface StatsQueryEditorProps {
  query: ShotlineQuery;
  onChange: (query: ShotlineQuery) => void;
  onRunQuery: () => void;
  lists: ShotlineLists;
}

export const STATS: Array<{ value: StatKind; label: string; description: string }> = [
  {
    value: 'shotsPerCampaign',
    label: 'Shots per campaign',
    description: 'count of stored shots per campaign in the time range',
  },
  { value: 'shotsPerHour', label: 'Shots per hour', description: 'stored shots per hour over the time range' },
  { value: 'triggerRate', label: 'Trigger rate', description: 'shots per minute, in buckets of the panel interval' },
  {
    value: 'channelTriggerCounts',
    label: 'Channel trigger counts',
    description: 'per channel, the stored shots it triggered in the time range',
  },
  {
    value: 'timeSinceLastShot',
    label: 'Time since last shot',
    description: 'seconds since the newest stored shot (one number, for alerts)',
  },
  {
    value: 'dependenciesDown',
    label: 'Dependencies down',
    description: "per dependency of the relay's /readyz: 1 down, 0 up (for a pipeline-down alert)",
  },
  {
    value: 'pipelineBacklog',
    label: 'Pipeline backlog',
    description:
      'shots the relay numbered but the store does not hold yet, and shots not yet sent to Kafka (for a watcher-lag alert)',
  },
];

/** Stats about the whole pipeline, not about a campaign's shots. */
const WITHOUT_CAMPAIGN: ReadonlyArray<StatKind | undefined> = ['dependenciesDown', 'pipelineBacklog'];

/** Numbers about shots and the relay; each answers numeric frames that alert conditions can reduce. */
export function StatsQueryEditor({ query, onChange, onRunQuery, lists }: StatsQueryEditorProps) {
  const change = (patch: Partial<ShotlineQuery>) => {
    onChange({ ...query, ...patch });
    onRunQuery();
  };

  return (
    <InlineFieldRow>
      <InlineField label="Stat" labelWidth={10}>
        <Combobox<StatKind>
          id="stats-stat"
          width={30}
          value={query.stat ?? null}
          options={STATS}
          placeholder="choose a statistic"
          onChange={(option) =>
            change({
              stat: option.value,
              activeCampaign: option.value === 'timeSinceLastShot' ? query.activeCampaign : undefined,
            })
          }
        />
      </InlineField>
      {!WITHOUT_CAMPAIGN.includes(query.stat) && (
        <CampaignField
          id="stats-campaign"
          lists={lists}
          value={query.campaign}
          onChange={(campaign) => change({ campaign })}
        />
      )}
      {query.stat === 'timeSinceLastShot' && (
        <InlineField
          label="Only during a campaign"
          labelWidth={24}
          tooltip="Count only while a campaign runs (0 when none does), so a 'no shots for N minutes' alert stays quiet between campaigns"
        >
          <InlineSwitch
            id="stats-active-campaign"
            value={Boolean(query.activeCampaign)}
            onChange={(e) => change({ activeCampaign: e.currentTarget.checked || undefined })}
          />
        </InlineField>
      )}
    </InlineFieldRow>
  );
}
