import React from 'react';
import { fireEvent, render, screen } from '@testing-library/react';

import { LiveQueryEditor } from './LiveQueryEditor';

describe('LiveQueryEditor', () => {
  it('chooses the stream path', () => {
    const onChange = jest.fn();
    render(
      <LiveQueryEditor
        query={{ refId: 'A', queryType: 'live', path: 'shots' }}
        onChange={onChange}
        onRunQuery={jest.fn()}
      />
    );
    fireEvent.click(screen.getByRole('radio', { name: 'Channel values' }));
    expect(onChange).toHaveBeenCalledWith({ refId: 'A', queryType: 'live', path: 'channels' });
  });
});
