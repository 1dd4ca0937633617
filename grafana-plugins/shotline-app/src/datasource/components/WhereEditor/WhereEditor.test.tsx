import React from 'react';
import { fireEvent, render, screen } from '@testing-library/react';

import { WhereEditor } from './WhereEditor';

const noFields = async () => [];

describe('WhereEditor', () => {
  it('asks presence or absence for exists, and adds empty rows', () => {
    const onChange = jest.fn();
    render(
      <WhereEditor
        where={[{ field: 'fields.note', op: 'exists', value: true }]}
        loadFields={noFields}
        onChange={onChange}
      />
    );

    fireEvent.click(screen.getByRole('radio', { name: 'absent' }));
    expect(onChange).toHaveBeenLastCalledWith([{ field: 'fields.note', op: 'exists', value: false }]);

    fireEvent.click(screen.getByRole('button', { name: /Add filter/ }));
    expect(onChange).toHaveBeenLastCalledWith([
      { field: 'fields.note', op: 'exists', value: true },
      { field: '', op: '=' },
    ]);
  });

  it('commits a value on Enter and drops an emptied one', () => {
    const onChange = jest.fn();
    render(
      <WhereEditor where={[{ field: 'shotNumber', op: '>=', value: 10 }]} loadFields={noFields} onChange={onChange} />
    );
    const input = document.getElementById('where-0-value')!;
    expect(input).toHaveValue('10');

    fireEvent.change(input, { target: { value: '"10"' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(onChange).toHaveBeenLastCalledWith([{ field: 'shotNumber', op: '>=', value: '10' }]);

    fireEvent.change(input, { target: { value: '' } });
    fireEvent.blur(input);
    expect(onChange).toHaveBeenLastCalledWith([{ field: 'shotNumber', op: '>=' }]);
  });
});
