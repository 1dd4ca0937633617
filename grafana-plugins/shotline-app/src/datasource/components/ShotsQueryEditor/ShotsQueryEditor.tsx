import React, { useMemo } from 'react';
import { InlineField, InlineFieldRow, Input, MultiCombobox, RadioButtonGroup, Stack } from '@grafana/ui';

import { fieldLoader } from '../../options';
import type { ShotlineLists, ShotlineQuery } from '../../types';
import { LimitInput } from '../LimitInput/LimitInput';
import { CampaignField, SheetField } from '../ListPicker/ListFields';
import { WhereEditor } from '../../../components/WhereEditor/WhereEditor';

export interface ShotsQueryEditorProps {
  query: ShotlineQuery;
  onChange: (query: ShotlineQuery) => void;
  onRunQuery: () => void;
  lists: ShotlineLists;
}

const FORMATS = [
  { label: 'Table', value: 'table' as const, description: 'one row per shot' },
  { label: 'Time series', value: 'timeseries' as const, description: 'the chosen numeric fields over time' },
];

/**
 * Shots in the dashboard's time range: a table (channels, and the sheet's
 * entry fields when a sheet is chosen) or a time series of numeric fields,
 * filtered with search conditions and full text.
 */
export function ShotsQueryEditor({ query, onChange, onRunQuery, lists }: ShotsQueryEditorProps) {
  const format = query.format ?? 'table';
  const loadFilterFields = useMemo(() => fieldLoader(lists, query.sheet, false), [lists, query.sheet]);
  const loadNumericFields = useMemo(() => fieldLoader(lists, query.sheet, true), [lists, query.sheet]);

  const change = (patch: Partial<ShotlineQuery>, run = true) => {
    onChange({ ...query, ...patch });
    if (run) {
      onRunQuery();
    }
  };

  return (
    <Stack direction="column" gap={1}>
      <InlineFieldRow>
        <SheetField
          id="shots-sheet"
          lists={lists}
          value={query.sheet}
          onChange={(sheet) => change({ sheet })}
          tooltip="Adds the sheet's entry fields to each shot; only shots with an entry in it"
        />
        <CampaignField
          id="shots-campaign"
          lists={lists}
          value={query.campaign}
          onChange={(campaign) => change({ campaign })}
        />
        <InlineField label="Format" labelWidth={8}>
          <RadioButtonGroup options={FORMATS} value={format} onChange={(f) => change({ format: f })} />
        </InlineField>
      </InlineFieldRow>
      {format === 'timeseries' && (
        <InlineFieldRow>
          <InlineField
            label="Fields"
            labelWidth={10}
            tooltip="Numeric fields to plot: laser channels, and the sheet's number fields when a sheet is chosen"
            grow
          >
            <MultiCombobox<string>
              id="shots-fields"
              width="auto"
              minWidth={40}
              value={query.fields ?? []}
              options={loadNumericFields}
              createCustomValue
              placeholder="channels.energy_J"
              onChange={(options) => change({ fields: options.map((o) => o.value) })}
            />
          </InlineField>
        </InlineFieldRow>
      )}
      <InlineFieldRow>
        <InlineField label="Filters" labelWidth={10} tooltip="Every condition must hold">
          <WhereEditor
            where={query.where ?? []}
            loadFields={loadFilterFields}
            valueHelp='2 is a number, true/false a boolean, null null, "2" (quoted) the text 2; for in: a comma-separated list. Dashboard variables ($name) work.'
            onChange={(where) => change({ where: where.length ? where : undefined })}
          />
        </InlineField>
      </InlineFieldRow>
      <InlineFieldRow>
        <InlineField
          label="Text"
          labelWidth={10}
          tooltip="Words that must all occur in the entry's text fields (ignoring case)"
        >
          <Input
            id="shots-text"
            width={40}
            defaultValue={query.text ?? ''}
            placeholder="pointing drift"
            onBlur={(e) => change({ text: e.currentTarget.value.trim() || undefined })}
          />
        </InlineField>
        <InlineField label="Limit" labelWidth={8} tooltip="At most this many shots (1–10000, default 1000)">
          <LimitInput
            id="shots-limit"
            width={12}
            max={10000}
            value={query.limit}
            placeholder="1000"
            onChange={(limit) => change({ limit })}
          />
        </InlineField>
      </InlineFieldRow>
    </Stack>
  );
}
