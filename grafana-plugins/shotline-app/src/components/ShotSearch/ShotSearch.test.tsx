import React from 'react';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';

import { ApiProblem } from '../../api/client';
import { ShotlineApiProvider } from '../../api/context';
import { pick } from '../../test/combobox';
import { fakeApi } from '../../test/fakeApi';
import { ShotSearch } from './ShotSearch';

const layout = {
  version: 3,
  sections: [
    {
      title: 'Target',
      fields: [
        { key: 'target_material', label: 'Target material', type: 'select', options: ['Cu', 'Ti'] },
        { key: 'target_thickness', label: 'Target thickness', type: 'number', unit: 'µm' },
        { key: 'diag', label: 'Diagnostics', type: 'diagnostics' },
      ],
    },
  ],
};

const entry = (id: string, shotNumber: number, thickness: number) => ({
  id,
  sheet: 'ions',
  shotNumber,
  campaign: 'run3',
  receivedAt: '2026-11-20T08:00:00.000Z',
  status: 'complete',
  fields: { target_material: 'Cu', target_thickness: thickness },
  channels: { energy_J: 1.5 },
});

function setup(search: (body: Record<string, unknown>) => unknown) {
  const fake = fakeApi({
    'GET sheets/ions/layout': () => layout,
    'GET sheets/ions/diagnostics': () => ({ items: [] }),
    'GET relay/channels': () => ({ items: [{ name: 'energy_J', nickname: 'E', unit: 'J' }] }),
    'GET stats/campaigns': () => ({ items: [{ campaign: 'run3', shots: 3 }] }),
    'GET sheets': () => ({ items: [{ name: 'ions', title: 'Ion line' }] }),
    'POST search': (o) => search(o.body as Record<string, unknown>),
  });
  render(
    <ShotlineApiProvider api={fake.api}>
      <ShotSearch sheet="ions" />
    </ShotlineApiProvider>
  );
  return fake;
}

const searches = (fake: ReturnType<typeof fakeApi>) =>
  fake.calls.filter((c) => c.method === 'POST' && c.path === 'search');

beforeEach(() => window.history.replaceState(null, '', '/'));

describe('ShotSearch', () => {
  it('sends the rows as conditions, shows the total and pages by cursor', async () => {
    const fake = setup((body) =>
      body.cursor === 'c1'
        ? { items: [entry('3', 10, 2.5)], total: 3, nextCursor: null }
        : { items: [entry('1', 12, 4), entry('2', 11, 3)], total: 3, nextCursor: 'c1' }
    );
    await waitFor(() => expect(fake.calls.some((c) => c.path === 'sheets/ions/layout')).toBe(true));

    fireEvent.click(screen.getByRole('button', { name: /Add filter/ }));
    await pick('search-where-0-field', /Target thickness \[µm\]/);
    await pick('search-where-0-op', /^>=/);
    fireEvent.change(document.getElementById('search-where-0-value')!, { target: { value: '2.5' } });
    fireEvent.blur(document.getElementById('search-where-0-value')!);

    fireEvent.click(screen.getByRole('button', { name: /Add filter/ }));
    await pick('search-where-1-field', /Target material/);
    await pick('search-where-1-op', /^in/);
    // A select holds text: 10 stays the text "10".
    fireEvent.change(document.getElementById('search-where-1-value')!, { target: { value: 'Cu, 10' } });
    fireEvent.blur(document.getElementById('search-where-1-value')!);

    fireEvent.change(screen.getByLabelText(/^From/), { target: { value: '2026-11-01' } });
    fireEvent.change(screen.getByLabelText('Shot from'), { target: { value: '10' } });
    fireEvent.change(screen.getByLabelText(/^Text/), { target: { value: ' drift ' } });
    fireEvent.click(screen.getByRole('radio', { name: 'Oldest shot first' }));
    fireEvent.click(screen.getByRole('button', { name: 'Search' }));

    expect(await screen.findByText('1–2 of 3 entries')).toBeInTheDocument();
    expect(searches(fake)[0].body).toEqual({
      sheet: 'ions',
      from: '2026-11-01',
      shotNumber: { from: 10 },
      where: [
        { field: 'fields.target_thickness', op: '>=', value: 2.5 },
        { field: 'fields.target_material', op: 'in', value: ['Cu', '10'] },
      ],
      text: 'drift',
      sort: [{ field: 'shotNumber', dir: 'asc' }],
      limit: 50,
      cursor: null,
    });
    const table = screen.getByRole('table', { name: 'Entries found' });
    expect(within(table).getByRole('columnheader', { name: 'Target thickness [µm]' })).toBeInTheDocument();
    expect(within(table).getAllByRole('row')[1]).toHaveTextContent(/12.*run3.*complete/);

    fireEvent.click(screen.getByRole('button', { name: /Next page/ }));
    expect(await screen.findByText('3–3 of 3 entries')).toBeInTheDocument();
    expect(searches(fake)[1].body).toEqual({ ...(searches(fake)[0].body as object), cursor: 'c1' });
    expect(screen.getByRole('button', { name: /Next page/ })).toBeDisabled();

    fireEvent.click(screen.getByRole('button', { name: /Previous page/ }));
    expect(await screen.findByText('1–2 of 3 entries')).toBeInTheDocument();
    expect(searches(fake)[2].body).toMatchObject({ cursor: null });

    // The search is in the page address, for a refresh.
    expect(decodeURIComponent(window.location.hash)).toContain('"field":"fields.target_thickness"');
    // A ceiling for a loaded machine (six Combobox picks), not a timing.
  }, 240000);

  it('runs a search kept in the address and shows a refusal at the row it names', async () => {
    window.history.replaceState(
      null,
      '',
      `/console#/search?search=${encodeURIComponent(
        JSON.stringify({
          where: [
            { field: '', op: '=' },
            { field: 'shotNumber', op: '>', value: 'x' },
          ],
        })
      )}`
    );
    const fake = setup(() => {
      throw new ApiProblem(400, {
        error: 'invalid search: where.0.value must be a number for shotNumber',
        details: [{ field: 'where.0.value', message: 'must be a number for shotNumber' }],
      });
    });
    expect(await screen.findByText('must be a number for shotNumber')).toBeInTheDocument();
    // The untouched first row was not sent; the refusal of where.0 is the second row's.
    expect(searches(fake)[0].body).toMatchObject({
      sheet: 'ions',
      where: [{ field: 'shotNumber', op: '>', value: 'x' }],
    });
    const secondValue = document.getElementById('search-where-1-value')!;
    expect(secondValue).toHaveValue('x');
    expect(secondValue).toHaveAttribute('aria-invalid', 'true');
    // The console's route stays.
    expect(window.location.hash.startsWith('#/search?')).toBe(true);
  });

  it('refuses a shot number that is not one without asking the relay', async () => {
    const fake = setup(() => ({ items: [], total: 0, nextCursor: null }));
    fireEvent.change(await screen.findByLabelText('Shot to'), { target: { value: '12a' } });
    fireEvent.click(screen.getByRole('button', { name: 'Search' }));
    expect(await screen.findByText(/"12a" is not a shot number/)).toBeInTheDocument();
    expect(searches(fake)).toHaveLength(0);
  });

  it('exports the same search as a file named by the relay', async () => {
    const fake = setup(() => ({ items: [entry('1', 12, 4)], total: 1, nextCursor: null }));
    const download = jest.fn(async () => ({
      blob: new Blob(['a,b\r\n']),
      filename: 'shotline-ions-20261125T104400.csv',
    }));
    fake.api.download = download;
    const createObjectURL = jest.fn(() => 'blob:export');
    Object.assign(URL, { createObjectURL, revokeObjectURL: jest.fn() });
    const clicked: HTMLAnchorElement[] = [];
    const click = jest.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
      this: HTMLAnchorElement
    ) {
      clicked.push(this);
    });

    expect(screen.getByRole('button', { name: 'Export CSV' })).toBeDisabled();
    fireEvent.change(await screen.findByLabelText(/^Text/), { target: { value: 'drift' } });
    fireEvent.click(screen.getByRole('button', { name: 'Search' }));
    expect(await screen.findByText('1–1 of 1 entry')).toBeInTheDocument();

    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Export CSV' }));
    });
    expect(download).toHaveBeenCalledWith('search/export', { format: 'csv' }, { sheet: 'ions', text: 'drift' });
    expect(clicked).toHaveLength(1);
    expect(clicked[0].download).toBe('shotline-ions-20261125T104400.csv');
    expect(clicked[0].href).toBe('blob:export');

    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Export JSON' }));
    });
    expect(download).toHaveBeenLastCalledWith('search/export', { format: 'json' }, { sheet: 'ions', text: 'drift' });
    click.mockRestore();
  });
});
