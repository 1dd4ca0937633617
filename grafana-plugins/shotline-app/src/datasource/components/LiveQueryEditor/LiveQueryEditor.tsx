import React from 'react';
import { InlineField, InlineFieldRow, RadioButtonGroup } from '@grafana/ui';

import type { LivePath, ShotlineQuery } from '../../types';

export interface LiveQueryEditorProps {
  query: ShotlineQuery;
  onChange: (query: ShotlineQuery) => void;
  onRunQuery: () => void;
}

const PATHS: Array<{ value: LivePath; label: string; description: string }> = [
  { value: 'shots', label: 'New shots', description: 'each shot as it is stored' },
  {
    value: 'channels',
    label: 'Channel values',
    description: 'every channel value as the laser sends it (rate-limited by the relay)',
  },
];

/** A live stream through Grafana Live: every panel on a path shares one relay connection. */
export function LiveQueryEditor({ query, onChange, onRunQuery }: LiveQueryEditorProps) {
  return (
    <InlineFieldRow>
      <InlineField label="Stream" labelWidth={10}>
        <RadioButtonGroup
          options={PATHS}
          value={query.path ?? 'shots'}
          onChange={(path) => {
            onChange({ ...query, path });
            onRunQuery();
          }}
        />
      </InlineField>
    </InlineFieldRow>
  );
}
