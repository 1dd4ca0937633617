import React from 'react';
import { fireEvent, render, screen } from '@testing-library/react';

import { resolveField, WhereEditor } from './WhereEditor';

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

  it('keeps a typed value as text for a text field and shows refusals at their row', () => {
    const onChange = jest.fn();
    render(
      <WhereEditor
        where={[
          { field: 'fields.target', op: '=' },
          { field: 'shotNumber', op: '>', value: 'x' },
        ]}
        loadFields={noFields}
        kindOf={(field) => (field === 'fields.target' ? 'text' : undefined)}
        errors={[undefined, { value: 'must be a number for shotNumber' }]}
        onChange={onChange}
      />
    );
    expect(screen.getByText('must be a number for shotNumber')).toBeInTheDocument();

    const input = document.getElementById('where-0-value')!;
    fireEvent.change(input, { target: { value: '10' } });
    fireEvent.blur(input);
    expect(onChange).toHaveBeenLastCalledWith([
      { field: 'fields.target', op: '=', value: '10' },
      { field: 'shotNumber', op: '>', value: 'x' },
    ]);
  });

  it('reads a typed label as the field it names', async () => {
    const load = async () => [
      { label: 'Target thickness [µm]', value: 'fields.target_thickness' },
      { label: 'Target material', value: 'fields.target_material' },
    ];
    expect(await resolveField('target thickness', load)).toBe('fields.target_thickness');
    expect(await resolveField('Target material', load)).toBe('fields.target_material');
    expect(await resolveField('fields.target_material', load)).toBe('fields.target_material');
    expect(await resolveField('daq.camera.gain', load)).toBe('daq.camera.gain');
  });
});
