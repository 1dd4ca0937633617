import React from 'react';
import { act, fireEvent, render, screen } from '@testing-library/react';

import { ListPicker } from './ListPicker';

describe('ListPicker', () => {
  it('offers the fetched list and reports the picked value', async () => {
    const onChange = jest.fn();
    render(
      <ListPicker
        id="p"
        value={undefined}
        onChange={onChange}
        load={async () => [
          { label: 'Ion line', value: 'ions' },
          { label: 'Electrons', value: 'electrons' },
        ]}
      />
    );
    const input = screen.getByRole('combobox');
    await act(async () => {
      fireEvent.click(input);
    });
    const option = await screen.findByRole('option', { name: /Electrons/ });
    await act(async () => {
      fireEvent.click(option);
    });
    expect(onChange).toHaveBeenCalledWith('electrons');
  });
});
