import React from 'react';
import { act, fireEvent, render, screen } from '@testing-library/react';
import { type AppPluginMeta, PluginType } from '@grafana/data';
import { MemoryRouter } from 'react-router-dom';

import { useBackendSrv } from '../../test/backendSrv';
import type { AppSettings } from '../../constants';
import AppConfig, { type AppConfigProps } from './AppConfig';

const DATASOURCES = [
  { uid: 'shotline', name: 'Shotline', type: 'shotline-shotline-datasource', url: 'http://relay:8080' },
  { uid: 'prom', name: 'Prometheus', type: 'prometheus', url: 'http://prom:9090' },
];

// Grafana renders app pages inside its router (links to other pages need one).
const renderPage = (ui: React.ReactElement) => render(<MemoryRouter>{ui}</MemoryRouter>);

function props(jsonData: AppSettings = {}): AppConfigProps {
  const meta = {
    id: 'shotline-shotline-app',
    name: 'Shotline',
    type: PluginType.app,
    enabled: true,
    pinned: true,
    jsonData,
  } as AppPluginMeta<AppSettings>;
  return { plugin: { meta }, query: {} } as unknown as AppConfigProps;
}

describe('AppConfig', () => {
  it("shows the datasource's relay URL and what the health check says is down", async () => {
    const calls = useBackendSrv(({ url }) => {
      if (url === '/api/datasources') {
        return DATASOURCES;
      }
      if (url === '/api/datasources/uid/shotline/health') {
        throw {
          status: 400,
          data: { status: 'ERROR', message: 'relay not ready: kafka down (broker 127.0.0.1:19092 unreachable)' },
        };
      }
      throw new Error(`unexpected ${url}`);
    });
    renderPage(<AppConfig {...props()} />);

    expect(await screen.findByTestId('app-config-relay-url')).toHaveTextContent('http://relay:8080');
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: /Check relay health/ }));
    });
    expect(await screen.findByText('Relay not ready')).toBeInTheDocument();
    expect(screen.getByText('relay not ready: kafka down (broker 127.0.0.1:19092 unreachable)')).toBeInTheDocument();
    expect(calls.map((c) => c.url)).toEqual(['/api/datasources', '/api/datasources/uid/shotline/health']);
  });

  it('reports a ready relay', async () => {
    useBackendSrv(({ url }) =>
      url === '/api/datasources' ? DATASOURCES : { status: 'OK', message: 'relay ready: kafka, mongodb' }
    );
    renderPage(<AppConfig {...props({ datasourceUid: 'shotline' })} />);
    await screen.findByText('http://relay:8080');
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: /Check relay health/ }));
    });
    expect(await screen.findByText('Relay ready')).toBeInTheDocument();
    expect(screen.getByText('relay ready: kafka, mongodb')).toBeInTheDocument();
  });

  it('says when no Shotline datasource exists', async () => {
    useBackendSrv(() => DATASOURCES.slice(1));
    renderPage(<AppConfig {...props()} />);
    expect(await screen.findByText('No Shotline datasource')).toBeInTheDocument();
    expect(screen.getByTestId('app-config-relay-url')).toHaveTextContent('no Shotline datasource with uid "shotline"');
  });
});
