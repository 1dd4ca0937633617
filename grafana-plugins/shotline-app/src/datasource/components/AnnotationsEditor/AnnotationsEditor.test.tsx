import React from 'react';
import { render } from '@testing-library/react';

import { pick } from '../../../test/combobox';
import { labLists } from '../../../test/lists';
import { AnnotationsEditor } from './AnnotationsEditor';

describe('AnnotationsEditor', () => {
  it('filters annotation shots by sheet and campaign', async () => {
    const onChange = jest.fn();
    render(
      <AnnotationsEditor query={{ refId: 'Anno' }} datasource={labLists} onChange={onChange} onRunQuery={jest.fn()} />
    );

    await pick('annotations-sheet', 'Ion line');
    expect(onChange).toHaveBeenLastCalledWith({ refId: 'Anno', queryType: 'annotations', sheet: 'ions' });
    await pick('annotations-campaign', '2026-11-run3');
    expect(onChange).toHaveBeenLastCalledWith({ refId: 'Anno', queryType: 'annotations', campaign: '2026-11-run3' });
  });
});
