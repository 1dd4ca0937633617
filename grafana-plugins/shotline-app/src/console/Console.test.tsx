import React from 'react';
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';

import { ApiProblem, type ShotlineApi } from '../api/client';
import type { RelayClientOptions } from '../api/relayClient';
import { Console } from './Console';

jest.mock('./pages', () => {
  // jest.mock factories may not close over imports
  const R = require('react');
  const { useShotlineApi: useApi } = require('../api/context');
  const page = (id: string, title: string, group: string) => ({
    id,
    title,
    icon: 'edit',
    group,
    component: R.lazy(async () => ({
      default: function Probe() {
        const api = useApi();
        return R.createElement('p', { 'data-testid': 'probe' }, `${title}: ${api ? 'has api' : 'no api'}`);
      },
    })),
  });
  const PAGES = [
    page('shot-sheet', 'Shot sheet', 'lab'),
    page('live', 'Live monitor', 'lab'),
    page('relay', 'Relay settings', 'admin'),
  ];
  return { PAGES, DEFAULT_PAGE: 'shot-sheet', pageById: (id: string) => PAGES.find((p) => p.id === id) };
});

/** Tokens the fake relay knows, with who they stand for. */
const KNOWN: Record<string, { name: string; role: string }> = { 'admin-token': { name: 'admin', role: 'admin' } };

function fakeRelay() {
  const made: RelayClientOptions[] = [];
  const createApi = (options: RelayClientOptions): ShotlineApi => {
    made.push(options);
    return {
      request: jest.fn(async (_method, path) => {
        const me = KNOWN[options.token];
        if (!me) {
          options.onUnauthorized?.();
          throw new ApiProblem(401, { error: 'unknown token' });
        }
        if (path === 'me') {
          return { status: 200, body: me as never };
        }
        return { status: 200, body: {} as never };
      }),
      download: jest.fn(),
      live: jest.fn(() => () => {}),
    };
  };
  return { made, createApi };
}

async function signIn(token: string) {
  fireEvent.change(screen.getByLabelText(/API token/), { target: { value: token } });
  fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
}

beforeEach(() => {
  window.sessionStorage.clear();
  window.localStorage.clear();
  window.location.hash = '';
});

describe('Console', () => {
  it('refuses an unknown token with a message and stays on the sign-in screen', async () => {
    const { createApi } = fakeRelay();
    render(<Console createApi={createApi} />);
    await signIn('wrong');
    expect(await screen.findByText('The relay does not know this token. Check it and try again.')).toBeInTheDocument();
    expect(screen.queryByRole('navigation')).not.toBeInTheDocument();
    expect(window.sessionStorage.length).toBe(0);
  });

  it('asks for a token before calling the relay', async () => {
    const { createApi, made } = fakeRelay();
    render(<Console createApi={createApi} />);
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }));
    expect(await screen.findByText('Enter an API token.')).toBeInTheDocument();
    expect(made).toHaveLength(0);
  });

  it('signs in: who you are, the navigation, the first page with the client in context', async () => {
    const { createApi, made } = fakeRelay();
    render(<Console createApi={createApi} />);
    await signIn('admin-token');
    const nav = await screen.findByRole('navigation', { name: 'Console pages' });
    expect(nav).toHaveTextContent('Shot sheet');
    expect(nav).toHaveTextContent('Relay settings');
    expect(screen.getByTestId('console-user')).toHaveTextContent('admin (admin)');
    expect(made[0].token).toBe('admin-token');
    expect(await screen.findByTestId('probe')).toHaveTextContent('Shot sheet: has api');
    expect(screen.getByRole('heading', { level: 1, name: 'Shot sheet' })).toBeInTheDocument();
    expect(document.title).toBe('Shot sheet · Shotline console');
  });

  it('follows the hash route, and names an unknown page', async () => {
    const { createApi } = fakeRelay();
    render(<Console createApi={createApi} />);
    await signIn('admin-token');
    await screen.findByTestId('probe');
    fireEvent.click(screen.getByRole('link', { name: 'Relay settings' }));
    expect(await screen.findByText('Relay settings: has api')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: 'Relay settings' })).toHaveAttribute('aria-current', 'page');
    act(() => {
      window.location.hash = '#/nowhere';
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    });
    expect(await screen.findByText(/The console has no page "nowhere"/)).toBeInTheDocument();
  });

  it('keeps the token for the tab: a reload signs in again without asking', async () => {
    const { createApi } = fakeRelay();
    const first = render(<Console createApi={createApi} />);
    await signIn('admin-token');
    await screen.findByRole('navigation');
    expect(window.sessionStorage.getItem('shotline.console.token')).toBe('admin-token');
    first.unmount();
    render(<Console createApi={createApi} />);
    expect(await screen.findByRole('navigation')).toBeInTheDocument();
    expect(screen.queryByLabelText(/API token/)).not.toBeInTheDocument();
  });

  it('goes back to the sign-in screen with a message when the relay answers 401 later', async () => {
    const { createApi, made } = fakeRelay();
    render(<Console createApi={createApi} />);
    await signIn('admin-token');
    await screen.findByRole('navigation');
    act(() => made[0].onUnauthorized?.());
    expect(await screen.findByText(/no longer accepts your token/)).toBeInTheDocument();
    expect(screen.getByLabelText(/API token/)).toBeInTheDocument();
    expect(window.sessionStorage.getItem('shotline.console.token')).toBeNull();
  });

  it('signs out, forgetting the token', async () => {
    const { createApi } = fakeRelay();
    render(<Console createApi={createApi} />);
    await signIn('admin-token');
    fireEvent.click(await screen.findByRole('button', { name: 'Sign out' }));
    expect(await screen.findByText('You signed out.')).toBeInTheDocument();
    expect(window.sessionStorage.getItem('shotline.console.token')).toBeNull();
  });

  it('toggles the theme and remembers it', async () => {
    const { createApi } = fakeRelay();
    window.localStorage.setItem('shotline.console.theme', 'dark');
    render(<Console createApi={createApi} />);
    await signIn('admin-token');
    fireEvent.click(await screen.findByRole('button', { name: 'Switch to the light theme' }));
    expect(screen.getByRole('button', { name: 'Switch to the dark theme' })).toBeInTheDocument();
    expect(window.localStorage.getItem('shotline.console.theme')).toBe('light');
    await waitFor(() => expect(document.documentElement.style.colorScheme).toBe('light'));
  });
});
