import React from 'react';
import type { QueryEditorProps } from '@grafana/data';
import { InlineField, InlineFieldRow, RadioButtonGroup, Stack } from '@grafana/ui';

import type { DataSource } from '../../datasource';
import type { QueryType, ShotlineOptions, ShotlineQuery } from '../../types';
import { ChannelsQueryEditor } from '../ChannelsQueryEditor/ChannelsQueryEditor';
import { LiveQueryEditor } from '../LiveQueryEditor/LiveQueryEditor';
import { ShotsQueryEditor } from '../ShotsQueryEditor/ShotsQueryEditor';
import { StatsQueryEditor } from '../StatsQueryEditor/StatsQueryEditor';

export type Props = QueryEditorProps<DataSource, ShotlineQuery, ShotlineOptions>;

const TYPES: Array<{ value: QueryType; label: string; description: string }> = [
  { value: 'shots', label: 'Shots', description: 'stored shots: a table, or numeric fields over time' },
  { value: 'channels', label: 'Channels', description: 'channel values over time with their thresholds' },
  { value: 'stats', label: 'Stats', description: 'counts and rates (usable in alert rules)' },
  { value: 'live', label: 'Live', description: 'new shots or channel values as they come' },
];

/** What a query of a type starts with when the type is switched to. */
function startOf(type: QueryType, query: ShotlineQuery): ShotlineQuery {
  const base = { refId: query.refId, hide: query.hide, datasource: query.datasource, queryType: type };
  switch (type) {
    case 'shots':
      return { ...base, sheet: query.sheet, campaign: query.campaign, format: 'table' };
    case 'channels':
      return { ...base, campaign: query.campaign };
    case 'stats':
      return { ...base, campaign: query.campaign, stat: 'triggerRate' };
    case 'live':
      return { ...base, path: 'shots' };
    default:
      return { ...base };
  }
}

/** The query editor: the query type, then that type's own editor. */
export function QueryEditor({ query, onChange, onRunQuery, datasource }: Props) {
  const type: QueryType = query.queryType && query.queryType !== 'annotations' ? query.queryType : 'shots';
  const props = { query, onChange, onRunQuery };

  return (
    <Stack direction="column" gap={1}>
      <InlineFieldRow>
        <InlineField label="Query" labelWidth={10}>
          <RadioButtonGroup
            options={TYPES}
            value={type}
            onChange={(t) => {
              onChange(startOf(t, query));
              onRunQuery();
            }}
          />
        </InlineField>
      </InlineFieldRow>
      {type === 'shots' && <ShotsQueryEditor {...props} lists={datasource} />}
      {type === 'channels' && <ChannelsQueryEditor {...props} lists={datasource} />}
      {type === 'stats' && <StatsQueryEditor {...props} lists={datasource} />}
      {type === 'live' && <LiveQueryEditor {...props} />}
    </Stack>
  );
}
