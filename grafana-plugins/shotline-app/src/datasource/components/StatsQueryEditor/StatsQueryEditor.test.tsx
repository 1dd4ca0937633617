import React from 'react';
import { fireEvent, render, screen } from '@testing-library/react';

import { pick } from '../../../test/combobox';
import { labLists } from '../../../test/lists';
import { StatsQueryEditor } from './StatsQueryEditor';

describe('StatsQueryEditor', () => {
  it('chooses a stat; time since last shot can count only during a campaign', async () => {
    const onChange = jest.fn();
    const query = { refId: 'A', queryType: 'stats' as const, stat: 'triggerRate' as const };
    const { rerender } = render(
      <StatsQueryEditor query={query} lists={labLists} onChange={onChange} onRunQuery={jest.fn()} />
    );
    expect(screen.queryByText('Only during a campaign')).not.toBeInTheDocument();

    await pick('stats-stat', /^Time since last shot/);
    expect(onChange).toHaveBeenLastCalledWith({ ...query, stat: 'timeSinceLastShot', activeCampaign: undefined });

    const since = { ...query, stat: 'timeSinceLastShot' as const };
    rerender(<StatsQueryEditor query={since} lists={labLists} onChange={onChange} onRunQuery={jest.fn()} />);
    fireEvent.click(document.getElementById('stats-active-campaign')!);
    expect(onChange).toHaveBeenLastCalledWith({ ...since, activeCampaign: true });
  });
});
