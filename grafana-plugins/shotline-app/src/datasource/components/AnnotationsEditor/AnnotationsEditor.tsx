import React, { useMemo } from 'react';
import type { QueryEditorProps } from '@grafana/data';
import { InlineField, InlineFieldRow } from '@grafana/ui';

import { listLoader } from '../../options';
import type { ShotlineLists, ShotlineQuery } from '../../types';
import { ListPicker } from '../ListPicker/ListPicker';

// Annotation editors get the datasource typed loosely (AnnotationQueryEditorProps uses `any`).
export type AnnotationsEditorProps = Omit<QueryEditorProps<any, ShotlineQuery>, 'datasource'> & {
  datasource: ShotlineLists;
};

/**
 * Shots as annotations (shot markers on time-series panels): every stored shot
 * in the time range, optionally only a campaign's or those with an entry in a
 * sheet; the text holds the shot number and key values.
 */
export function AnnotationsEditor({ query, onChange, datasource }: AnnotationsEditorProps) {
  const loadSheets = useMemo(() => listLoader(() => datasource.sheets()), [datasource]);
  const loadCampaigns = useMemo(() => listLoader(() => datasource.campaigns()), [datasource]);
  const change = (patch: Partial<ShotlineQuery>) => onChange({ ...query, ...patch, queryType: 'annotations' });

  return (
    <InlineFieldRow>
      <InlineField
        label="Sheet"
        labelWidth={10}
        tooltip="Only shots with an entry in this sheet; its fields go into the annotation text"
      >
        <ListPicker
          id="annotations-sheet"
          value={query.sheet}
          load={loadSheets}
          placeholder="any"
          onChange={(sheet) => change({ sheet })}
        />
      </InlineField>
      <InlineField label="Campaign" labelWidth={10}>
        <ListPicker
          id="annotations-campaign"
          value={query.campaign}
          load={loadCampaigns}
          placeholder="any"
          onChange={(campaign) => change({ campaign })}
        />
      </InlineField>
    </InlineFieldRow>
  );
}
