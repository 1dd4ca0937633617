import React, { useMemo } from 'react';
import { InlineField, InlineFieldRow, InlineSwitch, MultiCombobox } from '@grafana/ui';

import { listLoader } from '../../options';
import type { ShotlineLists, ShotlineQuery } from '../../types';
import { ListPicker } from '../ListPicker/ListPicker';

export interface ChannelsQueryEditorProps {
  query: ShotlineQuery;
  onChange: (query: ShotlineQuery) => void;
  onRunQuery: () => void;
  lists: ShotlineLists;
}

/** Channel values over time, one frame per channel, with the threshold in force as extra fields. */
export function ChannelsQueryEditor({ query, onChange, onRunQuery, lists }: ChannelsQueryEditorProps) {
  const loadChannels = useMemo(() => listLoader(() => lists.channels()), [lists]);
  const loadCampaigns = useMemo(() => listLoader(() => lists.campaigns()), [lists]);
  const change = (patch: Partial<ShotlineQuery>) => {
    onChange({ ...query, ...patch });
    onRunQuery();
  };

  return (
    <InlineFieldRow>
      <InlineField label="Channels" labelWidth={10} tooltip="Empty: every channel">
        <MultiCombobox<string>
          id="channels-channels"
          width="auto"
          minWidth={30}
          value={query.channels ?? []}
          options={loadChannels}
          createCustomValue
          placeholder="all channels"
          onChange={(options) => change({ channels: options.length ? options.map((o) => o.value) : undefined })}
        />
      </InlineField>
      <InlineField label="Campaign" labelWidth={10}>
        <ListPicker
          id="channels-campaign"
          value={query.campaign}
          load={loadCampaigns}
          placeholder="any"
          onChange={(campaign) => change({ campaign })}
        />
      </InlineField>
      <InlineField
        label="Thresholds"
        labelWidth={12}
        tooltip="Add threshold, thresholdLow, thresholdHigh fields (turn off for alert rules: one value series per channel)"
      >
        <InlineSwitch
          id="channels-thresholds"
          value={query.thresholds !== false}
          onChange={(e) => change({ thresholds: e.currentTarget.checked ? undefined : false })}
        />
      </InlineField>
    </InlineFieldRow>
  );
}
