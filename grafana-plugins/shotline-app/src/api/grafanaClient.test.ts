import { Subject, of, throwError } from 'rxjs';
import { LiveChannelConnectionState, LiveChannelEventType, type LiveChannelAddress } from '@grafana/data';
import type { BackendSrvRequest } from '@grafana/runtime';

import { ApiProblem, type LiveMessage, type LiveState } from './client';
import { grafanaClient } from './grafanaClient';

const fetchMock = jest.fn();
const getStream = jest.fn();

jest.mock('@grafana/runtime', () => ({
  ...jest.requireActual('@grafana/runtime'),
  getBackendSrv: () => ({ fetch: fetchMock }),
  getGrafanaLiveSrv: () => ({ getStream }),
}));

const headers = (h: Record<string, string>) => ({ get: (name: string) => h[name.toLowerCase()] ?? null });

beforeEach(() => {
  fetchMock.mockReset();
  getStream.mockReset();
});

describe('grafanaClient.request', () => {
  it("goes through the datasource's relay proxy with the query, body and If-Match, and reads the ETag", async () => {
    fetchMock.mockReturnValue(of({ status: 200, data: { id: 'e1', revision: 4 }, headers: headers({ etag: '"4"' }) }));
    const api = grafanaClient('shot line');
    const reply = await api.request('PATCH', 'sheets/ions/entries/e1', {
      query: { dryRun: true, skip: undefined },
      body: { fields: {} },
      ifMatch: '3',
    });
    const options: BackendSrvRequest = fetchMock.mock.calls[0][0];
    expect(options).toMatchObject({
      url: '/api/datasources/uid/shot%20line/resources/relay/sheets/ions/entries/e1',
      method: 'PATCH',
      params: { dryRun: true },
      data: { fields: {} },
      headers: { 'If-Match': '"3"' },
      showErrorAlert: false,
    });
    expect(reply).toEqual({ status: 200, body: { id: 'e1', revision: 4 }, etag: '"4"' });
  });

  it('turns a refusal into ApiProblem with the relay body (a 409 carries the current entry)', async () => {
    const body = { error: 'changed meanwhile', current: { id: 'e1', revision: 5 } };
    fetchMock.mockReturnValue(throwError(() => ({ status: 409, data: body, config: {} })));
    const problem = await grafanaClient('ds')
      .request('PUT', 'sheets/ions/entries/e1', { body: {} })
      .catch((e) => e);
    expect(problem).toBeInstanceOf(ApiProblem);
    expect(problem.status).toBe(409);
    expect(problem.body).toEqual(body);
    expect(problem.message).toBe('changed meanwhile');
  });

  it('says Grafana cannot be reached when there is no answer', async () => {
    fetchMock.mockReturnValue(
      throwError(() => ({ status: 0, statusText: 'Network Error', data: undefined, config: {} }))
    );
    await expect(grafanaClient('ds').request('GET', 'me')).rejects.toThrow(
      'Grafana cannot be reached (GET me): Network Error'
    );
  });
});

describe('grafanaClient.download', () => {
  it('asks for a blob and takes the file name from Content-Disposition', async () => {
    const blob = new Blob(['a,b\n']);
    fetchMock.mockReturnValue(
      of({ status: 200, data: blob, headers: headers({ 'content-disposition': 'attachment; filename="ions.csv"' }) })
    );
    const got = await grafanaClient('ds').download('search/export', { format: 'csv' });
    expect(fetchMock.mock.calls[0][0]).toMatchObject({ responseType: 'blob', params: { format: 'csv' } });
    expect(got).toEqual({ blob, filename: 'ions.csv' });
  });

  it('POSTs a body when one is given (the search export takes its query as the body)', async () => {
    fetchMock.mockReturnValue(of({ status: 200, data: new Blob(['[]']), headers: headers({}) }));
    await grafanaClient('ds').download('search/export', { format: 'json' }, { sheet: 'ions' });
    expect(fetchMock.mock.calls[0][0]).toMatchObject({
      method: 'POST',
      url: '/api/datasources/uid/ds/resources/relay/search/export',
      params: { format: 'json' },
      data: { sheet: 'ions' },
      responseType: 'blob',
    });
  });
});

describe('grafanaClient.live', () => {
  it("follows ds/<uid>/events, passing on the requested streams' messages and the connection state", () => {
    const events = new Subject<unknown>();
    getStream.mockReturnValue(events);
    const messages: LiveMessage[] = [];
    const states: LiveState[] = [];
    const stop = grafanaClient('shotline').live(
      ['shots', 'status'],
      (m) => messages.push(m),
      (s) => states.push(s)
    );

    const address: LiveChannelAddress = getStream.mock.calls[0][0];
    expect(address).toMatchObject({ scope: 'ds', stream: 'shotline', path: 'events' });
    events.next({
      type: LiveChannelEventType.Status,
      state: LiveChannelConnectionState.Connected,
      id: 'x',
      timestamp: 1,
    });
    const shot = { type: 'shot', shot: { shotNumber: 1 } };
    const channels = { type: 'channels', at: 'now', values: { e: 1 } };
    const status = { type: 'status', status: { relay: 'ok' } };
    events.next({
      type: LiveChannelEventType.Message,
      message: {
        schema: { fields: [{ name: 'message' }] },
        data: { values: [[JSON.stringify(shot), JSON.stringify(channels)]] },
      },
    });
    events.next({
      type: LiveChannelEventType.Message,
      message: { data: { values: [[JSON.stringify(status), 'not json']] } },
    });
    expect(messages).toEqual([shot, status]);
    expect(states).toEqual(['connecting', 'open']);

    events.next({
      type: LiveChannelEventType.Status,
      state: LiveChannelConnectionState.Disconnected,
      id: 'x',
      timestamp: 2,
    });
    expect(states.at(-1)).toBe('closed');
    stop();
    expect(events.observed).toBe(false);
  });
});
