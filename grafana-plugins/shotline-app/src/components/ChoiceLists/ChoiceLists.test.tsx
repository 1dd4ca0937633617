import React from 'react';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';

import { ApiProblem } from '../../api/client';
import { ShotlineApiProvider } from '../../api/context';
import { fakeApi } from '../../test/fakeApi';
import { ChoiceLists } from './ChoiceLists';
import type { ChoiceList, ChoiceListSummary } from '../../api/sheetTypes';

const meta = {
  version: 3,
  createdAt: '2026-11-01T00:00:00Z',
  createdBy: 'ada',
  updatedAt: '2026-11-02T00:00:00Z',
  updatedBy: 'ada',
};

const gases: ChoiceList = {
  name: 'gases',
  description: 'Jet gases',
  items: [{ value: 'He' }, { value: 'Ar', label: 'Argon' }, { value: 'N2' }],
  source: null,
  sync: null,
  ...meta,
};

const targets: ChoiceList = {
  name: 'targets',
  description: 'From the wiki',
  items: [{ value: 'Cu' }, { value: 'Ti' }],
  source: { wikiUrl: 'https://wiki.lab.example/w', page: 'Lab:Targets', section: 'Metals', intervalMinutes: 60 },
  sync: {
    lastSyncAt: '2026-11-30T08:00:00Z',
    lastAttemptAt: '2026-11-30T08:00:00Z',
    lastError: null,
    nextSyncAt: '2026-11-30T09:00:00Z',
    warnings: [],
  },
  ...meta,
};

const summary = (l: ChoiceList): ChoiceListSummary => ({
  name: l.name,
  description: l.description,
  count: l.items.length,
  synced: l.source !== null,
  lastSyncAt: l.sync?.lastSyncAt ?? null,
  lastError: l.sync?.lastError ?? null,
  version: l.version,
  updatedAt: l.updatedAt,
  updatedBy: l.updatedBy,
});

function setup(routes: Parameters<typeof fakeApi>[0] = {}, role = 'admin') {
  const fake = fakeApi({
    'GET me': () => ({ name: 'ada', role }),
    'GET choices': () => ({ items: [summary(gases), summary(targets)] }),
    'GET choices/gases': () => gases,
    'GET choices/targets': () => targets,
    'PUT choices/gases': (o) => ({ ...gases, ...(o.body as object), version: 4 }),
    ...routes,
  });
  render(
    <ShotlineApiProvider api={fake.api}>
      <ChoiceLists />
    </ShotlineApiProvider>
  );
  return fake;
}

const click = async (name: string | RegExp, within_: ReturnType<typeof within> | typeof screen = screen) => {
  const button = await within_.findByRole('button', { name });
  await act(async () => {
    fireEvent.click(button);
  });
};

const itemOrder = () =>
  within(screen.getByRole('region', { name: 'Items' }))
    .getAllByRole('listitem')
    .map((li) => (li.textContent ?? '').replace(/\s+/g, ' ').trim());

describe('ChoiceLists', () => {
  it('lists every list with its size and sync state', async () => {
    setup();
    const nav = within(await screen.findByRole('navigation', { name: 'Choice lists' }));
    expect(nav.getByText(/3 items — Jet gases/)).toBeInTheDocument();
    expect(nav.getByText(/2 items — From the wiki — last synced/)).toBeInTheDocument();
    expect(nav.getByText('wiki')).toBeInTheDocument();
  });

  it('adds, reorders by keyboard and removes items of a hand-edited list, and saves them in that order', async () => {
    const { calls } = setup();
    await screen.findByRole('region', { name: 'Items' });
    fireEvent.change(screen.getByLabelText('New value'), { target: { value: 'Ne' } });
    fireEvent.change(screen.getByLabelText('Label shown (optional)'), { target: { value: 'Neon' } });
    await click('Add item');
    const up = screen.getByRole('button', { name: 'Move Ne up' });
    up.focus();
    fireEvent.click(document.activeElement!);
    await waitFor(() => expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Move Ne up' })));
    fireEvent.click(document.activeElement!);
    await click('Remove He');
    expect(itemOrder()).toEqual(['Ne — Neon', 'Ar — Argon', 'N2']);
    await click('Save items');
    const put = calls.find((c) => c.method === 'PUT')!;
    expect(put.path).toBe('choices/gases');
    expect(put.body).toEqual({
      description: 'Jet gases',
      items: [{ value: 'Ne', label: 'Neon' }, { value: 'Ar', label: 'Argon' }, { value: 'N2' }],
    });
    expect(await screen.findByText('Saved 3 items (version 4)')).toBeInTheDocument();
  });

  it("shows the relay's refusal of an item beside that item, keeping the edits", async () => {
    setup({
      'PUT choices/gases': () => {
        throw new ApiProblem(400, {
          error: 'invalid choice list',
          details: [{ field: 'items.3', message: 'must not contain control characters' }],
        });
      },
    });
    await screen.findByRole('region', { name: 'Items' });
    fireEvent.change(screen.getByLabelText('New value'), { target: { value: 'Xe' } });
    await click('Add item');
    await click('Save items');
    const rows = within(screen.getByRole('region', { name: 'Items' })).getAllByRole('listitem');
    expect(within(rows[3]).getByRole('alert')).toHaveTextContent('must not contain control characters');
    expect(within(rows[0]).queryByRole('alert')).toBeNull();
    expect(itemOrder()[3]).toMatch(/^Xe/);
  });

  it('syncs a wiki list now and shows lastError when the wiki could not be read (the items stay)', async () => {
    const failed: ChoiceList = {
      ...targets,
      sync: {
        ...targets.sync!,
        lastAttemptAt: '2026-11-30T10:00:00Z',
        lastError: { at: '2026-11-30T10:00:00Z', message: 'the wiki has no page "Lab:Targets" (missingtitle)' },
      },
    };
    const { calls } = setup({
      'POST choices/targets/sync': () => {
        throw new ApiProblem(502, { error: 'wiki sync of "targets" failed: missingtitle', list: failed });
      },
    });
    await click(/^targets/);
    const status = within(await screen.findByRole('region', { name: 'Sync status' }));
    expect(status.getByText(/Last successful sync: /)).toHaveTextContent(
      new Date('2026-11-30T08:00:00Z').toLocaleString()
    );
    expect(status.queryByText(/The last sync failed/)).toBeNull();
    await click('Sync now', status);
    expect(calls.some((c) => c.method === 'POST' && c.path === 'choices/targets/sync')).toBe(true);
    expect(await status.findByText(/The last sync failed: the list kept its last good items/)).toBeInTheDocument();
    expect(status.getByText(/the wiki has no page "Lab:Targets" \(missingtitle\)/)).toBeInTheDocument();
    expect(status.getByText('wiki sync of "targets" failed: missingtitle')).toBeInTheDocument();
    expect(screen.getByText('Cu')).toBeInTheDocument();
  });

  it('shows the items a successful sync brought', async () => {
    setup({
      'POST choices/targets/sync': () => ({ ...targets, items: [{ value: 'Cu' }, { value: 'Ti' }, { value: 'Al' }] }),
    });
    await click(/^targets/);
    await click('Sync now');
    expect(await screen.findByText('Synced: 3 items from the wiki.')).toBeInTheDocument();
    expect(screen.getByText('Al')).toBeInTheDocument();
  });

  it("saves a wiki source and puts the relay's problem at the setting it names", async () => {
    let attempt = 0;
    const { calls } = setup({
      'PATCH choices/targets': (o) => {
        if (attempt++ === 0) {
          throw new ApiProblem(400, {
            error: 'invalid choice list change',
            details: [{ field: 'source.wikiUrl', message: 'must be an http or https URL' }],
          });
        }
        return { ...targets, ...(o.body as object) };
      },
    });
    await click(/^targets/);
    const form = within(await screen.findByRole('region', { name: 'Wiki source' }));
    fireEvent.change(form.getByLabelText(/^Wiki address/), { target: { value: 'ftp://wiki' } });
    fireEvent.change(form.getByLabelText(/^Table column/), { target: { value: 'Name' } });
    fireEvent.change(form.getByLabelText(/^Sync every/), { target: { value: '30' } });
    await click('Save source', form);
    expect(calls.find((c) => c.method === 'PATCH')!.body).toEqual({
      source: { wikiUrl: 'ftp://wiki', page: 'Lab:Targets', section: 'Metals', column: 'Name', intervalMinutes: 30 },
    });
    expect(form.getByText('must be an http or https URL')).toBeInTheDocument();
    expect(form.getByLabelText(/^Table column/)).toHaveValue('Name');
    fireEvent.change(form.getByLabelText(/^Sync every/), { target: { value: 'hourly' } });
    await click('Save source', form);
    expect(form.getByText('must be a whole number from 1 to 10080')).toBeInTheDocument();
    expect(calls.filter((c) => c.method === 'PATCH')).toHaveLength(1);
  });

  it('asks before leaving unsaved item edits for another list', async () => {
    setup();
    await screen.findByRole('region', { name: 'Items' });
    fireEvent.change(screen.getByLabelText('New value'), { target: { value: 'Kr' } });
    await click('Add item');
    await click(/^targets/);
    expect(screen.getByText('The list open has unsaved changes')).toBeInTheDocument();
    await click('Keep editing');
    expect(itemOrder()).toContain('Kr');
    await click(/^targets/);
    await click('Discard them');
    expect(await screen.findByRole('region', { name: 'Sync status' })).toBeInTheDocument();
  });

  it('is read-only for a viewer', async () => {
    setup({}, 'viewer');
    expect(await screen.findByText(/can be changed by admins only/)).toBeInTheDocument();
    await screen.findByRole('region', { name: 'Items' });
    expect(screen.queryByRole('button', { name: 'Save items' })).toBeNull();
    expect(screen.queryByRole('form', { name: 'New choice list' })).toBeNull();
    await click(/^targets/);
    await screen.findByRole('region', { name: 'Sync status' });
    expect(screen.queryByRole('button', { name: 'Sync now' })).toBeNull();
  });
});
