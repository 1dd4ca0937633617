import React from 'react';
import { fireEvent, render, screen } from '@testing-library/react';

import { shotlineDatasource } from '../../../test/datasource';
import type { ShotlineQuery } from '../../types';
import { QueryEditor } from './QueryEditor';

function renderWith(query: ShotlineQuery) {
  const onChange = jest.fn();
  const onRunQuery = jest.fn();
  render(<QueryEditor query={query} datasource={shotlineDatasource()} onChange={onChange} onRunQuery={onRunQuery} />);
  return { onChange, onRunQuery };
}

describe('QueryEditor', () => {
  it('starts each query type with its own model, keeping the refId and campaign', () => {
    const shots: ShotlineQuery = {
      refId: 'A',
      queryType: 'shots',
      format: 'table',
      campaign: 'run3',
      where: [{ field: 'shotNumber', op: '>', value: 1 }],
    };
    const { onChange, onRunQuery } = renderWith(shots);

    fireEvent.click(screen.getByRole('radio', { name: 'Stats' }));
    fireEvent.click(screen.getByRole('radio', { name: 'Channels' }));
    fireEvent.click(screen.getByRole('radio', { name: 'Live' }));

    expect(onChange.mock.calls.map((c) => c[0])).toEqual([
      { refId: 'A', queryType: 'stats', stat: 'triggerRate', campaign: 'run3' },
      { refId: 'A', queryType: 'channels', campaign: 'run3' },
      { refId: 'A', queryType: 'live', path: 'shots' },
    ]);
    expect(onRunQuery).toHaveBeenCalledTimes(3);
  });

  it('shows the editor of the query type', () => {
    renderWith({ refId: 'A', queryType: 'live', path: 'channels' });
    expect(screen.getByRole('radio', { name: 'Channel values' })).toBeChecked();
  });
});
