import React, { useMemo, useState } from 'react';
import { Button, Stack, Text } from '@grafana/ui';

import { ShotForm } from '../ShotForm/ShotForm';
import type { Diagnostic } from '../../api/sheetTypes';
import type { ShotFormValues } from '../ShotForm/types';
import { previewSections, type SectionDraft } from './layoutDraft';

interface Props {
  sections: SectionDraft[];
  diagnostics: Diagnostic[];
}

/**
 * The entry form as the layout being edited renders it, updated at every
 * change: try values to see conditions and defaults work. Nothing is stored.
 */
export function LayoutPreview({ sections, diagnostics }: Props) {
  const layout = useMemo(() => ({ sections: previewSections(sections) }), [sections]);
  const [values, setValues] = useState<ShotFormValues>({ fields: {}, diagnostics: {} });
  return (
    <section aria-label="Preview">
      <Stack direction="row" justifyContent="space-between" alignItems="center">
        <h3>Preview</h3>
        <Button size="sm" variant="secondary" fill="text" onClick={() => setValues({ fields: {}, diagnostics: {} })}>
          Clear preview values
        </Button>
      </Stack>
      <Text color="secondary" element="p">
        The entry form as this layout shows it (not saved yet). Values typed here are not stored.
      </Text>
      <ShotForm layout={layout} diagnostics={diagnostics} values={values} onChange={setValues} idPrefix="preview" />
    </section>
  );
}
