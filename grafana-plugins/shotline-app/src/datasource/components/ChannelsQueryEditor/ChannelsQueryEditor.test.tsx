import React from 'react';
import { fireEvent, render } from '@testing-library/react';

import { pick } from '../../../test/combobox';
import { labLists } from '../../../test/lists';
import { ChannelsQueryEditor } from './ChannelsQueryEditor';

describe('ChannelsQueryEditor', () => {
  it('picks channels and turns the threshold fields off and on', async () => {
    const onChange = jest.fn();
    const query = { refId: 'A', queryType: 'channels' as const };
    const { rerender } = render(
      <ChannelsQueryEditor query={query} lists={labLists} onChange={onChange} onRunQuery={jest.fn()} />
    );

    await pick('channels-channels', /^pointing\/x/);
    expect(onChange).toHaveBeenLastCalledWith({ ...query, channels: ['pointing/x'] });

    fireEvent.click(document.getElementById('channels-thresholds')!);
    expect(onChange).toHaveBeenLastCalledWith({ ...query, thresholds: false });

    rerender(
      <ChannelsQueryEditor
        query={{ ...query, thresholds: false }}
        lists={labLists}
        onChange={onChange}
        onRunQuery={jest.fn()}
      />
    );
    fireEvent.click(document.getElementById('channels-thresholds')!);
    // on is the backend's default: the member is left out
    expect(onChange).toHaveBeenLastCalledWith({ ...query, thresholds: undefined });
  });
});
