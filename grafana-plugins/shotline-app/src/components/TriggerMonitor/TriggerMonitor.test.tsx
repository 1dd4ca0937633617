import React from 'react';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';

import { ApiProblem, type LiveState, type ShotlineApi } from '../../api/client';
import { ShotlineApiProvider } from '../../api/context';
import type { RelaySettingsDoc } from '../../api/relayTypes';
import { fakeApi } from '../../test/fakeApi';
import { channelView, settingsDoc } from '../shared/relayFixtures';
import { TriggerMonitor } from './TriggerMonitor';

function settings(overrides: Partial<RelaySettingsDoc> = {}): RelaySettingsDoc {
  return settingsDoc({
    version: 3,
    channels: {
      energy_J: { nickname: 'E', unit: 'J', enabled: true, rule: { kind: 'above', above: 2 } },
      pressure: { enabled: true, rule: { kind: 'outside', low: 1, high: 5 } },
    },
    campaign: { name: '2026-11-run3', startedAt: '2026-11-30T08:00:00.000Z', startedBy: 'alice' },
    ...overrides,
  });
}

const channelItems = [
  channelView('energy_J', { nickname: 'E', unit: 'J', rule: { kind: 'above', above: 2 }, triggerCount: 4, value: 1.5 }),
  channelView('pressure', { rule: { kind: 'outside', low: 1, high: 5 }, value: 3 }),
];

function setup(role: string, routes: Parameters<typeof fakeApi>[0] = {}) {
  const fake = fakeApi({
    'GET me': () => ({ name: 'someone', role }),
    'GET relay/settings': () => settings(),
    'GET relay/channels': () => ({ items: channelItems }),
    'GET relay/status': () => {
      throw new ApiProblem(404, { error: 'no relay status yet' });
    },
    ...routes,
  });
  let setLive: (s: LiveState) => void = () => {};
  const api: ShotlineApi = {
    ...fake.api,
    live: (streams, onMessage, onState) => {
      setLive = (s) => onState?.(s);
      return fake.api.live(streams, onMessage, onState);
    },
  };
  const utils = render(
    <ShotlineApiProvider api={api}>
      <TriggerMonitor />
    </ShotlineApiProvider>
  );
  return { ...fake, ...utils, setLive: (s: LiveState) => act(() => setLive(s)) };
}

const card = (name: string) => screen.getByTestId(`channel-${name}`);

describe('TriggerMonitor', () => {
  it('shows live values against their thresholds, counters, campaign and shot counter', async () => {
    const { emit } = setup('viewer');
    await screen.findByRole('heading', { name: /^E/ });
    expect(within(card('energy_J')).getByTestId('channel-value')).toHaveTextContent('1.5 J');
    expect(within(card('energy_J')).getByTestId('channel-rule')).toHaveTextContent('triggers above 2 J');
    expect(within(card('pressure')).getByTestId('channel-rule')).toHaveTextContent('triggers outside 1 … 5');
    expect(within(card('energy_J')).getByTestId('channel-count')).toHaveTextContent('4 triggers');
    expect(screen.getByTestId('campaign-current')).toHaveTextContent('2026-11-run3');

    act(() => {
      emit({ type: 'channels', at: '2026-12-01T10:00:00.100Z', values: { energy_J: 2.5, pressure: 0.5, new_ch: 7 } });
      emit({ type: 'channels', at: '2026-12-01T10:00:00.200Z', values: { energy_J: 1.8, pressure: 0.4, new_ch: 7 } });
      emit({
        type: 'status',
        status: { lastShotNumber: 41, counters: { energy_J: 5, pressure: 2 }, settingsVersion: 3 },
      });
      emit({
        type: 'shot',
        shot: { shotNumber: 42, campaign: '2026-11-run3', receivedAt: new Date().toISOString(), triggeredBy: ['E'] },
      });
    });

    const energy = within(card('energy_J'));
    expect(energy.getByTestId('channel-value')).toHaveTextContent('1.8 J');
    expect(energy.queryByText('crossing')).not.toBeInTheDocument();
    // The trace: three values (1.5, 2.5, 1.8), the threshold at 2, one crossing point.
    expect(energy.getByTestId('sparkline-threshold')).toHaveAttribute('data-value', '2');
    expect(energy.getAllByTestId('sparkline-crossing')).toHaveLength(1);
    expect(energy.getByRole('img')).toHaveAccessibleName(
      /E: last 3 values from 1.5 to 2.5 J, 1 crossing; triggers above 2 J/
    );
    expect(energy.getByTestId('channel-count')).toHaveTextContent('5 triggers');

    const pressure = within(card('pressure'));
    expect(pressure.getByTestId('channel-value')).toHaveTextContent('0.4');
    expect(pressure.getByText('crossing')).toBeInTheDocument();
    expect(pressure.getAllByTestId('sparkline-threshold').map((l) => l.getAttribute('data-value'))).toEqual(['1', '5']);
    expect(pressure.getByTestId('sparkline-band')).toBeInTheDocument();

    // A channel the relay only just saw: its value, no rule.
    expect(within(card('new_ch')).getByTestId('channel-rule')).toHaveTextContent('no threshold');
    expect(screen.getByTestId('shot-counter')).toHaveTextContent('Shot counter: 42');
    expect(screen.getByTestId('last-shot')).toHaveTextContent(
      'Last stored: #42 (2026-11-run3), 0 s ago, triggered by E'
    );
  });

  it('shows only the chosen channels, by name or nickname', async () => {
    const fake = fakeApi({
      'GET me': () => ({ name: 'v', role: 'viewer' }),
      'GET relay/settings': () => settings(),
      'GET relay/channels': () => ({ items: channelItems }),
      'GET relay/status': () => ({ counters: {} }),
    });
    render(
      <ShotlineApiProvider api={fake.api}>
        <TriggerMonitor channels={['E', 'nope']} />
      </ShotlineApiProvider>
    );
    await screen.findByTestId('channel-energy_J');
    expect(screen.queryByTestId('channel-pressure')).not.toBeInTheDocument();
    expect(screen.getByText('Not seen on the relay: nope')).toBeInTheDocument();
  });

  it('resets a counter through the relay route and shows 0 until the relay has applied it', async () => {
    const { calls, emit } = setup('admin', {
      'POST relay/channels/energy_J/reset-counter': () => settings({ version: 4 }),
    });
    await screen.findByTestId('channel-energy_J');
    const energy = within(card('energy_J'));
    fireEvent.click(energy.getByRole('button', { name: 'Reset counter' }));
    fireEvent.click(energy.getByRole('button', { name: 'Reset to 0' }));
    await waitFor(() => expect(energy.getByTestId('channel-count')).toHaveTextContent('0 triggers'));
    expect(calls.filter((c) => c.method === 'POST').map((c) => c.path)).toEqual([
      'relay/channels/energy_J/reset-counter',
    ]);

    // A status from before the relay applied the reset does not bring the old count back…
    act(() => emit({ type: 'status', status: { counters: { energy_J: 4 }, settingsVersion: 3 } }));
    expect(energy.getByTestId('channel-count')).toHaveTextContent('0 triggers');
    // …one after it counts again.
    act(() => emit({ type: 'status', status: { counters: { energy_J: 1 }, settingsVersion: 4 } }));
    expect(energy.getByTestId('channel-count')).toHaveTextContent('1 trigger');
  });

  it('lets an admin change a threshold and a nickname in place (PATCH with what changed)', async () => {
    const { calls } = setup('admin', {
      'PATCH relay/channels/energy_J': ({ body }) => {
        const b = body as { nickname: string; rule: { kind: 'above'; above: number } };
        return settings({
          version: 4,
          channels: {
            ...settings().channels,
            energy_J: { nickname: b.nickname, unit: 'J', enabled: true, rule: b.rule },
          },
        });
      },
    });
    await screen.findByTestId('channel-energy_J');
    fireEvent.click(screen.getByRole('button', { name: 'Edit channel energy_J' }));
    const form = within(screen.getByRole('form', { name: 'Edit channel energy_J' }));
    expect(form.getByLabelText(/^Threshold( \*)?$/)).toHaveValue('2');
    fireEvent.change(form.getByLabelText(/^Nickname/), { target: { value: 'Energy' } });
    fireEvent.change(form.getByLabelText(/^Threshold( \*)?$/), { target: { value: '2.75' } });
    fireEvent.click(form.getByRole('button', { name: 'Save energy_J' }));

    await waitFor(() => expect(screen.queryByRole('form', { name: 'Edit channel energy_J' })).not.toBeInTheDocument());
    const patch = calls.find((c) => c.method === 'PATCH');
    expect(patch?.path).toBe('relay/channels/energy_J');
    expect(patch?.body).toEqual({ nickname: 'Energy', rule: { kind: 'above', above: 2.75 } });
    expect(screen.getByRole('heading', { name: /^Energy/ })).toBeInTheDocument();
    expect(within(card('energy_J')).getByTestId('channel-rule')).toHaveTextContent('triggers above 2.75 J');
  });

  it('lets an admin start a campaign and shows the one the relay answers', async () => {
    const { calls } = setup('admin', {
      'PUT relay/campaign': ({ body }) => ({
        campaign: { ...(body as object), startedAt: '2026-12-01T10:00:00.000Z', startedBy: 'root' },
      }),
    });
    await screen.findByTestId('campaign-current');
    fireEvent.click(screen.getByRole('button', { name: 'Start a new campaign' }));
    const form = within(screen.getByRole('form', { name: 'Start a campaign' }));
    fireEvent.change(form.getByLabelText(/^Campaign name/), { target: { value: 'run4' } });
    fireEvent.change(form.getByLabelText('Note'), { target: { value: 'new target' } });
    fireEvent.click(form.getByRole('button', { name: 'Start campaign' }));
    await waitFor(() => expect(screen.getByTestId('campaign-current')).toHaveTextContent('run4'));
    expect(screen.getByTestId('campaign-current')).toHaveTextContent('by root');
    expect(calls.filter((c) => c.method === 'PUT').pop()?.body).toEqual({ name: 'run4', note: 'new target' });
  });

  it.each(['viewer', 'editor'])('shows a %s everything read-only', async (role) => {
    setup(role);
    await screen.findByTestId('channel-energy_J');
    expect(screen.getByTestId('read-only-note')).toHaveTextContent(`needs the admin role (you have ${role})`);
    expect(screen.queryByRole('button', { name: /Edit channel/ })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Reset counter' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'Start a new campaign' })).not.toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'End campaign' })).not.toBeInTheDocument();
  });

  it("shows the live connection, its last message's age ticking, and the relay's counters", async () => {
    jest.useFakeTimers({ now: new Date('2026-12-01T10:00:00Z') });
    try {
      const { emit, setLive } = setup('viewer');
      await screen.findByTestId('channel-energy_J');
      expect(screen.getByTestId('live-age')).toHaveTextContent('no live message yet');
      act(() =>
        emit({
          type: 'status',
          status: {
            simulator: true,
            endpoints: [
              {
                endpoint: 'tcp://127.0.0.1:5556',
                connected: true,
                reconnects: 2,
                disconnects: 3,
                lastMessageAt: '2026-12-01T09:59:58.000000Z',
              },
            ],
            messages: 120,
            malformed: 4,
            gaps: 7,
            counters: {},
            spool: { refused: 0 },
          },
        })
      );
      expect(screen.getByTestId('live-state')).toHaveTextContent('Connected');
      expect(screen.getByTestId('relay-endpoints')).toHaveTextContent(
        'Laser: 1/1 endpoint connected (simulator), last message 2 s ago'
      );
      expect(screen.getByTestId('relay-counters')).toHaveTextContent(
        'messages 120 · rejected 4 · gaps 7 · reconnects 2 · disconnects 3'
      );
      act(() => jest.advanceTimersByTime(3000));
      expect(screen.getByTestId('live-age')).toHaveTextContent('last update 3 s ago');
      act(() => jest.advanceTimersByTime(9000));
      expect(screen.getByTestId('live-state')).toHaveTextContent('Connected, no updates');
      setLive('closed');
      expect(screen.getByTestId('live-state')).toHaveTextContent('Disconnected');
      expect(screen.getByTestId('live-age')).toHaveTextContent('last update 12 s ago');
    } finally {
      jest.useRealTimers();
    }
  });

  it('says so when the relay cannot be reached, and tries again', async () => {
    let down = true;
    const { calls } = setup('viewer', {
      'GET relay/settings': () => {
        if (down) {
          throw new TypeError('Failed to fetch');
        }
        return settings();
      },
    });
    expect(await screen.findByText('The relay cannot be reached')).toBeInTheDocument();
    expect(screen.getByText('Failed to fetch')).toBeInTheDocument();
    down = false;
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await screen.findByTestId('channel-energy_J');
    expect(calls.filter((c) => c.path === 'relay/settings')).toHaveLength(2);
  });

  it('says when there is no channel data yet', async () => {
    setup('viewer', {
      'GET relay/settings': () => settings({ channels: {}, campaign: null }),
      'GET relay/channels': () => ({ items: [] }),
    });
    expect(await screen.findByText('No channel data yet')).toBeInTheDocument();
    expect(screen.getByTestId('relay-endpoints')).toHaveTextContent('No relay status yet');
    expect(screen.getByTestId('campaign-current')).toHaveTextContent('No campaign');
    expect(screen.getByTestId('shot-counter')).toHaveTextContent('Shot counter: —');
  });

  it('fetches the settings again when the relay reports a newer version (changed elsewhere)', async () => {
    let version = 3;
    const { emit } = setup('viewer', {
      'GET relay/settings': () =>
        version === 3
          ? settings()
          : settings({
              version,
              channels: { ...settings().channels, pressure: { nickname: 'P', enabled: true, rule: null } },
            }),
    });
    await screen.findByTestId('channel-pressure');
    version = 5;
    act(() => emit({ type: 'status', status: { counters: {}, settingsVersion: 5 } }));
    expect(await screen.findByRole('heading', { name: /^P/ })).toBeInTheDocument();
    expect(within(card('pressure')).getByTestId('channel-rule')).toHaveTextContent('no threshold');
  });
});
