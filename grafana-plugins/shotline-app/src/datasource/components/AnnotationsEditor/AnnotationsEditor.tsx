import React from 'react';
import type { QueryEditorProps } from '@grafana/data';
import { InlineFieldRow } from '@grafana/ui';

import type { ShotlineLists, ShotlineQuery } from '../../types';
import { CampaignField, SheetField } from '../ListPicker/ListFields';

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
  const change = (patch: Partial<ShotlineQuery>) => onChange({ ...query, ...patch, queryType: 'annotations' });

  return (
    <InlineFieldRow>
      <SheetField
        id="annotations-sheet"
        lists={datasource}
        value={query.sheet}
        onChange={(sheet) => change({ sheet })}
        tooltip="Only shots with an entry in this sheet; its fields go into the annotation text"
      />
      <CampaignField
        id="annotations-campaign"
        lists={datasource}
        value={query.campaign}
        onChange={(campaign) => change({ campaign })}
      />
    </InlineFieldRow>
  );
}
