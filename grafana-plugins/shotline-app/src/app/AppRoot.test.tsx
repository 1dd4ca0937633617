import React from 'react';
import { render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import type { AppRootProps } from '@grafana/data';

import type { ShotlineApi } from '../api/client';
import type { AppSettings } from '../constants';
import { AppRoot } from './AppRoot';

jest.mock('./pages', () => {
  // jest.mock factories may not close over imports
  const R = require('react');
  const { useShotlineApi: useApi } = require('../api/context');
  const page = (path: string, title: string) => ({
    path,
    title,
    component: R.lazy(async () => ({
      default: function Probe() {
        const api = useApi() as { uid: string };
        return R.createElement('p', null, `${title} on ${api.uid}`);
      },
    })),
  });
  return { APP_PAGES: [page('shot-sheet', 'Shot sheet'), page('audit', 'Audit log')] };
});

function renderAt(path: string, jsonData: AppSettings = {}) {
  const createApi = jest.fn((uid: string) => ({ uid }) as unknown as ShotlineApi);
  const props = {
    meta: { jsonData },
    basename: '/a/shotline-shotline-app',
    onNavChanged: jest.fn(),
    query: {},
    path: '',
  } as unknown as AppRootProps<AppSettings>;
  render(
    <MemoryRouter initialEntries={[path]} future={{ v7_startTransition: true, v7_relativeSplatPath: true }}>
      <AppRoot {...props} createApi={createApi} />
    </MemoryRouter>
  );
  return createApi;
}

describe('AppRoot', () => {
  it('shows a shared component on its route, with the client of the configured datasource', async () => {
    const createApi = renderAt('/audit', { datasourceUid: 'lab-relay' });
    expect(await screen.findByText('Audit log on lab-relay')).toBeInTheDocument();
    expect(createApi).toHaveBeenCalledWith('lab-relay');
  });

  it('uses the provisioned datasource when none is configured', async () => {
    renderAt('/shot-sheet');
    expect(await screen.findByText('Shot sheet on shotline')).toBeInTheDocument();
  });

  it('shows the overview at the root and on unknown routes', async () => {
    renderAt('/');
    expect(await screen.findByText(/dashboards below are provisioned/)).toBeInTheDocument();
  });
});
