import React, { useState } from 'react';
import { act, fireEvent, render, screen } from '@testing-library/react';

import { optionsOf, pick } from '../../../test/combobox';
import { labLists } from '../../../test/lists';
import type { ShotlineQuery } from '../../types';
import { ShotsQueryEditor } from './ShotsQueryEditor';

/** The editor with its query held as Grafana holds it; `latest()` is the query model it produced. */
function renderEditor(initial: ShotlineQuery) {
  let current = initial;
  const onRunQuery = jest.fn();
  function Host() {
    const [query, setQuery] = useState(initial);
    return (
      <ShotsQueryEditor
        query={query}
        lists={labLists}
        onRunQuery={onRunQuery}
        onChange={(q) => {
          current = q;
          setQuery(q);
        }}
      />
    );
  }
  render(<Host />);
  return { latest: () => current, onRunQuery };
}

describe('ShotsQueryEditor', () => {
  it('builds search conditions from field, operator and value rows', async () => {
    const { latest } = renderEditor({ refId: 'A', queryType: 'shots', format: 'table' });

    fireEvent.click(screen.getByRole('button', { name: /Add filter/ }));
    await pick('where-0-field', /channels\.energy_J/);
    await pick('where-0-op', /^>greater than$/);
    const value = document.getElementById('where-0-value')!;
    fireEvent.change(value, { target: { value: '2.5' } });
    fireEvent.blur(value);

    fireEvent.click(screen.getByRole('button', { name: /Add filter/ }));
    await pick('where-1-field', 'Campaign');
    await pick('where-1-op', /^in/);
    const list = document.getElementById('where-1-value')!;
    fireEvent.change(list, { target: { value: '2026-11-run3, 2026-11-run4' } });
    fireEvent.blur(list);

    expect(latest().where).toEqual([
      { field: 'channels.energy_J', op: '>', value: 2.5 },
      { field: 'campaign', op: 'in', value: ['2026-11-run3', '2026-11-run4'] },
    ]);

    fireEvent.click(screen.getByRole('button', { name: 'Remove filter 1' }));
    expect(latest().where).toEqual([{ field: 'campaign', op: 'in', value: ['2026-11-run3', '2026-11-run4'] }]);
  });

  it('offers the layout fields of the chosen sheet', async () => {
    renderEditor({ refId: 'A', queryType: 'shots', sheet: 'ions', format: 'table', where: [{ field: '', op: '=' }] });
    const names = await optionsOf('where-0-field', 'fields.');
    expect(names).toEqual(
      expect.arrayContaining([
        expect.stringContaining('fields.target_thickness'),
        expect.stringContaining('fields.target_material'),
      ])
    );
  });

  it('makes a time series of the chosen numeric fields only', async () => {
    const { latest, onRunQuery } = renderEditor({ refId: 'A', queryType: 'shots', sheet: 'ions', format: 'table' });

    fireEvent.click(screen.getByRole('radio', { name: 'Time series' }));
    expect(latest().format).toBe('timeseries');
    expect(onRunQuery).toHaveBeenCalled();

    const numeric = await optionsOf('shots-fields', 'fields.');
    expect(numeric.some((n) => n.includes('fields.target_thickness'))).toBe(true);
    // a select field cannot be plotted
    expect(numeric.some((n) => n.includes('fields.target_material'))).toBe(false);

    await pick('shots-fields', /channels\.energy_J/);
    expect(latest().fields).toEqual(['channels.energy_J']);
  });

  it('takes sheet, campaign, text and limit', async () => {
    const { latest } = renderEditor({ refId: 'A', queryType: 'shots', format: 'table' });

    await pick('shots-sheet', 'Ion line');
    await pick('shots-campaign', '2026-11-run4');
    const text = document.getElementById('shots-text')!;
    fireEvent.change(text, { target: { value: ' pointing drift ' } });
    fireEvent.blur(text);
    const limit = document.getElementById('shots-limit')!;
    fireEvent.change(limit, { target: { value: '200' } });
    await act(async () => {
      fireEvent.blur(limit);
    });

    expect(latest()).toEqual({
      refId: 'A',
      queryType: 'shots',
      format: 'table',
      sheet: 'ions',
      campaign: '2026-11-run4',
      text: 'pointing drift',
      limit: 200,
    });
  });
});
