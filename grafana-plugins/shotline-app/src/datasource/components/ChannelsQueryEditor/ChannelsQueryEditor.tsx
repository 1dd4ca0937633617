import React, { useMemo } from 'react';
import { InlineField, InlineFieldRow, InlineSwitch, MultiCombobox } from '@grafana/ui';

import { listLoader } from '../../options';
import type { ShotlineLists, ShotlineQuery } from '../../types';
import { CampaignField } from '../ListPicker/ListFields';

export interface ChannelsQueryEditorProps {
  query: ShotlineQuery;
  onChange: (query: ShotlineQuery) => void;
  onRunQuery: () => void;
  lists: ShotlineLists;
}

/** Channel values over time, one frame per channel, with the threshold in force as extra fields. */
export function ChannelsQueryEditor({ query, onChange, onRunQuery, lists }: ChannelsQueryEditorProps) {
  const loadChannels = useMemo(() => listLoader(() => lists.channels()), [lists]);
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
      <CampaignField
        id="channels-campaign"
        lists={lists}
        value={query.campaign}
        onChange={(campaign) => change({ campaign })}
      />
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
