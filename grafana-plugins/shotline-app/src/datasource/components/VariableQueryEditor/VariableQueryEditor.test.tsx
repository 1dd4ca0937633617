import React from 'react';
import { fireEvent, render, screen } from '@testing-library/react';

import { shotlineDatasource } from '../../../test/datasource';
import { VariableQueryEditor } from './VariableQueryEditor';

describe('VariableQueryEditor', () => {
  it('chooses the list, and for recent shots a campaign and how many', () => {
    const onChange = jest.fn();
    const datasource = shotlineDatasource();
    const { rerender } = render(
      <VariableQueryEditor
        query={{ refId: 'v', kind: 'sheets' }}
        datasource={datasource}
        onChange={onChange}
        onRunQuery={jest.fn()}
      />
    );
    fireEvent.click(screen.getByRole('radio', { name: 'Recent shots' }));
    expect(onChange).toHaveBeenLastCalledWith({ refId: 'v', kind: 'recentShots' });

    rerender(
      <VariableQueryEditor
        query={{ refId: 'v', kind: 'recentShots' }}
        datasource={datasource}
        onChange={onChange}
        onRunQuery={jest.fn()}
      />
    );
    const campaign = document.getElementById('variable-campaign')!;
    fireEvent.change(campaign, { target: { value: '$campaign' } });
    fireEvent.blur(campaign);
    expect(onChange).toHaveBeenLastCalledWith({ refId: 'v', kind: 'recentShots', campaign: '$campaign' });

    const limit = document.getElementById('variable-limit')!;
    fireEvent.change(limit, { target: { value: '20' } });
    fireEvent.blur(limit);
    expect(onChange).toHaveBeenLastCalledWith({ refId: 'v', kind: 'recentShots', limit: 20 });
  });
});
