import React, { useMemo } from 'react';
import { InlineField } from '@grafana/ui';

import { listLoader } from '../../options';
import type { ShotlineLists } from '../../types';
import { ListPicker } from './ListPicker';

interface ListFieldProps {
  id: string;
  lists: ShotlineLists;
  value: string | undefined;
  onChange: (value: string | undefined) => void;
  tooltip?: string;
}

/** The sheet picker of the query and annotation editors: any sheet the backend lists, or a typed name or variable. */
export function SheetField({ id, lists, value, onChange, tooltip }: ListFieldProps) {
  const load = useMemo(() => listLoader(() => lists.sheets()), [lists]);
  return (
    <InlineField label="Sheet" labelWidth={10} tooltip={tooltip}>
      <ListPicker id={id} value={value} load={load} placeholder="any" onChange={onChange} />
    </InlineField>
  );
}

/** The campaign picker of the query and annotation editors. */
export function CampaignField({ id, lists, value, onChange, tooltip }: ListFieldProps) {
  const load = useMemo(() => listLoader(() => lists.campaigns()), [lists]);
  return (
    <InlineField label="Campaign" labelWidth={10} tooltip={tooltip}>
      <ListPicker id={id} value={value} load={load} placeholder="any" onChange={onChange} />
    </InlineField>
  );
}
