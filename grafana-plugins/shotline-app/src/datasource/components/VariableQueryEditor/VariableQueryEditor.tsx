import React from 'react';
import type { QueryEditorProps } from '@grafana/data';
import { InlineField, InlineFieldRow, Input, RadioButtonGroup, Stack } from '@grafana/ui';

import type { DataSource } from '../../datasource';
import { LimitInput } from '../LimitInput/LimitInput';
import type { ShotlineOptions, ShotlineQuery, ShotlineVariableQuery, VariableKind } from '../../types';

export type VariableQueryEditorProps = QueryEditorProps<
  DataSource,
  ShotlineQuery,
  ShotlineOptions,
  ShotlineVariableQuery
>;

const KINDS: Array<{ value: VariableKind; label: string; description: string }> = [
  { value: 'sheets', label: 'Sheets', description: 'shot sheets (not archived)' },
  { value: 'campaigns', label: 'Campaigns', description: 'campaigns with stored shots' },
  { value: 'channels', label: 'Channels', description: 'laser channels the relay knows' },
  { value: 'recentShots', label: 'Recent shots', description: 'numbers of the newest shots' },
];

/** A query variable: one of the lists the backend serves. */
export function VariableQueryEditor({ query, onChange }: VariableQueryEditorProps) {
  const kind: VariableKind = query.kind ?? 'sheets';
  const change = (patch: Partial<ShotlineVariableQuery>) => onChange({ ...query, kind, ...patch });

  return (
    <Stack direction="column" gap={1}>
      <InlineFieldRow>
        <InlineField label="Values" labelWidth={12}>
          <RadioButtonGroup options={KINDS} value={kind} onChange={(k) => onChange({ refId: query.refId, kind: k })} />
        </InlineField>
      </InlineFieldRow>
      {kind === 'recentShots' && (
        <InlineFieldRow>
          <InlineField
            label="Campaign"
            labelWidth={12}
            tooltip="Only this campaign's shots; dashboard variables work ($campaign)"
          >
            <Input
              id="variable-campaign"
              width={24}
              defaultValue={query.campaign ?? ''}
              placeholder="any"
              onBlur={(e) => change({ campaign: e.currentTarget.value.trim() || undefined })}
            />
          </InlineField>
          <InlineField label="Limit" labelWidth={8} tooltip="How many of the newest shots (default 50)">
            <LimitInput
              id="variable-limit"
              width={10}
              value={query.limit}
              placeholder="50"
              onChange={(limit) => change({ limit })}
            />
          </InlineField>
        </InlineFieldRow>
      )}
    </Stack>
  );
}
