import React from 'react';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';

import { ShotlineApiProvider } from '../../api/context';
import { pick } from '../../test/combobox';
import { fakeApi } from '../../test/fakeApi';
import type { AuditItem } from '../../api/relayTypes';
import type { Entry, Layout, Revision, Sheet } from '../../api/sheetTypes';
import { stamp } from '../ShotForm/fixtures';
import { AuditLog } from './AuditLog';
import { diffValues } from './diff';

const audit: AuditItem[] = [
  {
    id: 'a2',
    at: '2026-11-21T09:00:00.000Z',
    by: 'ada',
    target: 'channel:energy_J',
    action: 'update',
    old: { nickname: 'E', enabled: true, rule: { kind: 'above', above: 1 } },
    new: { nickname: 'Energy', enabled: true, rule: { kind: 'above', above: 2 } },
  },
  {
    id: 'a1',
    at: '2026-11-20T08:00:00.000Z',
    by: 'bob',
    target: 'campaign',
    action: 'start',
    old: null,
    new: { name: 'run3', startedAt: '2026-11-20T08:00:00.000Z', startedBy: 'bob' },
  },
];

const ions: Sheet = {
  ...stamp,
  name: 'ions',
  title: 'Ion line',
  archived: false,
  default: true,
  campaigns: [],
  layoutVersion: 2,
};

/** A layout version whose only field's unit is `unit`. */
const layoutVersion = (version: number, unit: string): Layout => ({
  sheet: 'ions',
  version,
  sections: [{ title: 'Target', fields: [{ key: 'thickness', label: 'Thickness', type: 'number', unit }] }],
  createdAt: version === 2 ? '2026-11-21T10:00:00.000Z' : '2026-11-01T10:00:00.000Z',
  createdBy: version === 2 ? 'ada' : 'bob',
});

const entry: Entry = {
  ...stamp,
  id: 'e1',
  sheet: 'ions',
  shotNumber: 12,
  shotUid: null,
  campaign: null,
  receivedAt: null,
  fields: { target: 'Ti' },
  diagnostics: {},
  daq: {},
  channels: {},
  status: 'complete',
  layoutVersion: 2,
  revision: 3,
  deleted: false,
  updatedAt: '2026-11-21T11:00:00.000Z',
  updatedBy: 'carl',
};

const revisions: Revision[] = [
  { revision: 1, action: 'draft', at: '2026-11-21T08:00:00.000Z', by: 'watcher', changes: [] },
  {
    revision: 2,
    action: 'update',
    at: '2026-11-21T11:00:00.000Z',
    by: 'carl',
    changes: [{ path: 'fields.target', old: 'Cu', new: 'Ti' }],
  },
];

function setup(role = 'admin') {
  const fake = fakeApi({
    'GET me': () => ({ name: 'ada', role }),
    'GET relay/audit': (o) => ({ items: o.query?.target ? audit.filter((a) => a.target === o.query?.target) : audit }),
    'GET sheets': () => ({ items: [ions] }),
    'GET sheets/ions/layout/versions': () => ({
      items: [layoutVersion(2, 'nm'), layoutVersion(1, 'µm')].map(({ version, createdAt, createdBy }) => ({
        version,
        createdAt,
        createdBy,
      })),
    }),
    'GET sheets/ions/layout/versions/2': () => layoutVersion(2, 'nm'),
    'GET sheets/ions/layout/versions/1': () => layoutVersion(1, 'µm'),
    'GET sheets/ions/entries': (o) => ({ items: [{ ...entry, deleted: o.query?.deleted === true }], nextCursor: null }),
    'GET sheets/ions/entries/e1/revisions': () => ({ items: revisions }),
  });
  render(
    <ShotlineApiProvider api={fake.api}>
      <AuditLog />
    </ShotlineApiProvider>
  );
  return fake;
}

describe('AuditLog', () => {
  it('shows each relay change as old → new, only what changed', async () => {
    setup();
    const table = await screen.findByRole('table', { name: 'Relay settings changes' });
    const row = within(table).getByText('channel:energy_J').closest('tr')!;
    const items = within(row)
      .getAllByRole('listitem')
      .map((li) => li.textContent);
    expect(items).toEqual(['nickname: E → Energy', 'rule.above: 1 → 2']);
    expect(within(row).getByText('E').tagName).toBe('DEL');
    expect(within(row).getByText('Energy').tagName).toBe('INS');
    // A campaign started from nothing: each member from —.
    const start = within(table).getByText('campaign').closest('tr')!;
    expect(start).toHaveTextContent('name: — → run3');
  });

  it('filters by who here and by what on the relay', async () => {
    const fake = setup();
    await screen.findByRole('table', { name: 'Relay settings changes' });
    fireEvent.change(screen.getByLabelText(/^Who/), { target: { value: 'bo' } });
    const table = screen.getByRole('table', { name: 'Relay settings changes' });
    expect(within(table).queryByText('channel:energy_J')).not.toBeInTheDocument();
    expect(within(table).getByText('campaign')).toBeInTheDocument();
    fireEvent.change(screen.getByLabelText(/^Who/), { target: { value: '' } });

    await pick('audit-target', 'channel:energy_J');
    await waitFor(() =>
      expect(fake.calls.some((c) => c.path === 'relay/audit' && c.query?.target === 'channel:energy_J')).toBe(true)
    );
    await waitFor(() =>
      expect(
        within(screen.getByRole('table', { name: 'Relay settings changes' })).queryByText('campaign')
      ).not.toBeInTheDocument()
    );
  });

  it('shows what a layout version changed', async () => {
    const fake = setup();
    fireEvent.click(await screen.findByRole('tab', { name: 'Sheet layouts' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Show changes of version 2' }));
    expect(await screen.findByText('thickness.unit:')).toBeInTheDocument();
    const item = screen.getByText('thickness.unit:').closest('li')!;
    expect(item).toHaveTextContent('thickness.unit: µm → nm');
    // Archived sheets keep their history: the picker lists them too.
    expect(fake.calls.find((c) => c.path === 'sheets')?.query).toEqual({ archived: true });
  });

  it('shows the revisions of an entry, and hidden entries for an admin', async () => {
    const fake = setup();
    fireEvent.click(await screen.findByRole('tab', { name: 'Entries' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Show changes of shot 12' }));
    const revisions = await screen.findByRole('list', { name: 'Revisions of shot 12' });
    expect(revisions).toHaveTextContent('#2 update');
    expect(within(revisions).getByText('Cu').tagName).toBe('DEL');
    expect(within(revisions).getByText('Ti').tagName).toBe('INS');

    fireEvent.click(screen.getByLabelText('Only hidden (deleted) entries'));
    await waitFor(() =>
      expect(fake.calls.some((c) => c.path === 'sheets/ions/entries' && c.query?.deleted === true)).toBe(true)
    );
    expect(await screen.findByText('(hidden)', { exact: false })).toBeInTheDocument();
  });
});

describe('diffValues', () => {
  it('lists leaf changes, appearing and vanishing members included', () => {
    expect(diffValues({ a: 1, b: { c: 2 } }, { a: 1, b: { c: 3 }, d: 'x' })).toEqual([
      { path: 'b.c', old: 2, new: 3 },
      { path: 'd', old: undefined, new: 'x' },
    ]);
    expect(diffValues(['Cu'], ['Cu', 'Ti'])).toEqual([{ path: '', old: ['Cu'], new: ['Cu', 'Ti'] }]);
    expect(diffValues({ a: 1 }, null)).toEqual([{ path: 'a', old: 1, new: undefined }]);
  });
});
