import React from 'react';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';

import { ApiProblem } from '../../api/client';
import { ShotlineApiProvider } from '../../api/context';
import type { RelaySettingsDoc } from '../../api/relayTypes';
import { fakeApi } from '../../test/fakeApi';
import { channelView, settingsDoc } from '../shared/relayFixtures';
import { RelaySettings } from './RelaySettings';

const settings: RelaySettingsDoc = settingsDoc({
  version: 7,
  channels: { energy_J: { nickname: 'E', unit: 'J', enabled: true, rule: { kind: 'above', above: 1 } } },
  campaign: { name: 'run3', startedAt: '2026-11-20T08:00:00.000Z', startedBy: 'alice' },
});

const channels = [
  channelView('energy_J', {
    nickname: 'E',
    unit: 'J',
    rule: { kind: 'above', above: 1 },
    triggerCount: 12,
    value: 1.4,
  }),
  channelView('pressure', { value: 3 }),
];

function setup(role: string, extra: Record<string, Parameters<typeof fakeApi>[0][string]> = {}) {
  const fake = fakeApi({
    'GET me': () => ({ name: role === 'admin' ? 'ada' : 'vic', role }),
    'GET relay/settings': () => settings,
    'GET relay/channels': () => ({ items: channels }),
    'GET relay/status': () => ({
      simulator: true,
      endpoints: [{ endpoint: 'tcp://127.0.0.1:5556', topics: [], connected: true, received: 40 }],
    }),
    'GET relay/audit': () => ({
      items: [
        {
          id: '2',
          at: '2026-11-20T08:00:00.000Z',
          by: 'alice',
          target: 'campaign',
          action: 'start',
          old: { name: 'run2', startedAt: '2026-11-01T08:00:00.000Z', startedBy: 'bob' },
          new: settings.campaign,
        },
        {
          id: '1',
          at: '2026-11-01T08:00:00.000Z',
          by: 'bob',
          target: 'campaign',
          action: 'start',
          old: null,
          new: { name: 'run2', startedAt: '2026-11-01T08:00:00.000Z', startedBy: 'bob' },
        },
      ],
    }),
    'GET stats/campaigns': () => ({
      items: [{ campaign: 'run2', shots: 321, lastShotNumber: 400, lastShotAt: '2026-11-19T10:00:00.000Z' }],
      current: null,
    }),
    ...extra,
  });
  render(
    <ShotlineApiProvider api={fake.api}>
      <RelaySettings />
    </ShotlineApiProvider>
  );
  return fake;
}

describe('RelaySettings', () => {
  it('shows what is in force, read-only for a viewer', async () => {
    setup('viewer');
    const table = await screen.findByRole('table', { name: 'Channels' });
    expect(within(table).getByText('triggers above 1 J')).toBeInTheDocument();
    expect(within(table).getByText('no threshold')).toBeInTheDocument();
    expect(screen.getByText('tcp://127.0.0.1:5556')).toBeInTheDocument();
    expect(screen.getByText(/SHOTLINE_ZMQ_ENDPOINTS/)).toBeInTheDocument();
    expect(await screen.findByText(/needs the admin role/)).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: /Edit/ })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Start a new campaign' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Change policy' })).not.toBeInTheDocument();
    // run2 was ended by the start of run3, and has its stored shots.
    const past = screen.getByRole('table', { name: 'Campaigns' });
    const run2 = within(past).getByText('run2').closest('tr')!;
    expect(within(run2).getByText(/by alice/)).toBeInTheDocument();
    expect(within(run2).getByText('321')).toBeInTheDocument();
  });

  it('sends only the changed fields of a channel', async () => {
    const fake = setup('admin', { 'PATCH relay/channels/energy_J': () => settings });
    fireEvent.click(await screen.findByRole('button', { name: 'Edit energy_J' }));
    fireEvent.change(document.getElementById('channel-energy_J-nickname')!, { target: { value: 'Energy' } });
    fireEvent.click(screen.getByRole('radio', { name: 'Outside' }));
    fireEvent.change(document.getElementById('channel-energy_J-low')!, { target: { value: '0.5' } });
    fireEvent.change(document.getElementById('channel-energy_J-high')!, { target: { value: '2' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save energy_J' }));

    await waitFor(() => expect(fake.calls.some((c) => c.method === 'PATCH')).toBe(true));
    const patch = fake.calls.find((c) => c.method === 'PATCH')!;
    expect(patch.path).toBe('relay/channels/energy_J');
    expect(patch.body).toEqual({ nickname: 'Energy', rule: { kind: 'outside', low: 0.5, high: 2 } });
    // Saved: the editor closes and the settings are read again.
    await waitFor(() => expect(screen.queryByRole('form', { name: 'Edit channel energy_J' })).not.toBeInTheDocument());
    expect(fake.calls.filter((c) => c.path === 'relay/settings')).toHaveLength(2);
  });

  it('edits a channel the relay has only seen (no settings yet)', async () => {
    const fake = setup('admin', { 'PATCH relay/channels/pressure': () => settings });
    fireEvent.click(await screen.findByRole('button', { name: 'Edit pressure' }));
    expect(screen.getByRole('radio', { name: 'None' })).toBeChecked();
    fireEvent.change(document.getElementById('channel-pressure-nickname')!, { target: { value: 'P' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save pressure' }));
    await waitFor(() => expect(fake.calls.some((c) => c.method === 'PATCH')).toBe(true));
    expect(fake.calls.find((c) => c.method === 'PATCH')).toMatchObject({
      path: 'relay/channels/pressure',
      body: { nickname: 'P' },
    });
  });

  it('starts a campaign and reads the settings again', async () => {
    const fake = setup('admin', { 'PUT relay/campaign': () => ({ campaign: { name: 'run4' } }) });
    fireEvent.click(await screen.findByRole('button', { name: 'Start a new campaign' }));
    fireEvent.change(screen.getByLabelText(/^Campaign name/), { target: { value: ' run4 ' } });
    fireEvent.change(screen.getByLabelText('Note'), { target: { value: 'new target chamber' } });
    fireEvent.click(screen.getByRole('button', { name: 'Start campaign' }));
    await waitFor(() => expect(fake.calls.filter((c) => c.path === 'relay/settings')).toHaveLength(2));
    expect(fake.calls.find((c) => c.method === 'PUT')).toMatchObject({
      path: 'relay/campaign',
      body: { name: 'run4', note: 'new target chamber' },
    });
  });

  it('says why the endpoints are unknown when no relay reports', async () => {
    setup('viewer', {
      'GET relay/status': () => {
        throw new ApiProblem(404, { error: 'no relay status yet: no relay runs in this process' });
      },
    });
    expect(await screen.findByText(/no relay status yet/)).toBeInTheDocument();
  });
});
