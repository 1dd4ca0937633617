import { ApiProblem, type LiveMessage, type LiveState } from './client';
import { filenameOf, relayClient } from './relayClient';

interface Call {
  url: string;
  init: RequestInit;
}

/** A fetch answering from a list, recording what it was asked. */
function fakeFetch(...answers: Array<{ status: number; body?: unknown; headers?: Record<string, string> } | Error>) {
  const calls: Call[] = [];
  const fn = jest.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
    calls.push({ url: String(url), init: init ?? {} });
    const answer = answers.shift();
    if (!answer) {
      throw new Error('unexpected request');
    }
    if (answer instanceof Error) {
      throw answer;
    }
    const headers = new Map(Object.entries({ 'content-type': 'application/json', ...answer.headers }));
    const text =
      answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
    return {
      ok: answer.status >= 200 && answer.status < 300,
      status: answer.status,
      headers: { get: (name: string) => headers.get(name.toLowerCase()) ?? null },
      text: async () => text,
      blob: async () => new Blob([text], { type: headers.get('content-type') }),
    } as unknown as Response;
  });
  return { fetch: fn as unknown as typeof fetch, calls };
}

const headersOf = (call: Call) => call.init.headers as Record<string, string>;

describe('relayClient.request', () => {
  it('calls /api/v1/<path> with the token, the query and a JSON body, and reads the ETag', async () => {
    const { fetch, calls } = fakeFetch({ status: 200, body: { id: 'e1', revision: 3 }, headers: { etag: '"3"' } });
    const api = relayClient({ baseUrl: 'https://relay.lab:8080/', token: 'tok', fetch });
    const reply = await api.request('PATCH', 'sheets/ions/entries/e1', {
      query: { dryRun: true, skip: undefined, limit: 5 },
      body: { fields: { note: 'x' } },
      ifMatch: '2',
    });
    expect(calls[0].url).toBe('https://relay.lab:8080/api/v1/sheets/ions/entries/e1?dryRun=true&limit=5');
    expect(calls[0].init.method).toBe('PATCH');
    expect(headersOf(calls[0])).toMatchObject({
      authorization: 'Bearer tok',
      'content-type': 'application/json',
      'if-match': '"2"',
    });
    expect(JSON.parse(String(calls[0].init.body))).toEqual({ fields: { note: 'x' } });
    expect(reply).toEqual({ status: 200, body: { id: 'e1', revision: 3 }, etag: '"3"' });
  });

  it('keeps an If-Match that is already an ETag, and sends no body or content type on a GET', async () => {
    const { fetch, calls } = fakeFetch({ status: 200, body: [] }, { status: 204 });
    const api = relayClient({ token: 't', fetch });
    await api.request('GET', '/sheets');
    expect(calls[0].url).toBe('/api/v1/sheets');
    expect(calls[0].init.body).toBeUndefined();
    expect(headersOf(calls[0])['content-type']).toBeUndefined();
    const deleted = await api.request('DELETE', 'sheets/a/presets/p', { ifMatch: '"7"' });
    expect(headersOf(calls[1])['if-match']).toBe('"7"');
    expect(deleted).toEqual({ status: 204, body: undefined });
  });

  it('rejects with ApiProblem carrying status, field details and the whole 409 body', async () => {
    const current = { id: 'e1', revision: 4, fields: { note: 'theirs' } };
    const { fetch } = fakeFetch(
      {
        status: 400,
        body: {
          error: 'invalid body: fields.energy must be >= 0',
          details: [{ field: 'fields.energy', message: 'must be >= 0' }],
        },
      },
      { status: 409, body: { error: 'changed meanwhile', current }, headers: { etag: '"4"' } }
    );
    const api = relayClient({ token: 't', fetch });
    const bad = await api.request('POST', 'sheets/a/entries', { body: {} }).catch((e) => e);
    expect(bad).toBeInstanceOf(ApiProblem);
    expect(bad.status).toBe(400);
    expect(bad.message).toBe('invalid body: fields.energy must be >= 0');
    expect(bad.details).toEqual([{ field: 'fields.energy', message: 'must be >= 0' }]);
    const conflict = await api.request('PATCH', 'sheets/a/entries/e1', { body: {}, ifMatch: '3' }).catch((e) => e);
    expect(conflict.status).toBe(409);
    expect(conflict.body).toEqual({ error: 'changed meanwhile', current });
    expect(conflict.etag).toBe('"4"');
  });

  it('tells the host about a 401 (the token stopped working)', async () => {
    const onUnauthorized = jest.fn();
    const { fetch } = fakeFetch(
      { status: 401, body: { error: 'unknown token' } },
      { status: 403, body: { error: 'needs admin' } }
    );
    const api = relayClient({ token: 't', fetch, onUnauthorized });
    await expect(api.request('GET', 'me')).rejects.toMatchObject({ status: 401, message: 'unknown token' });
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
    await expect(api.request('DELETE', 'tokens/x')).rejects.toMatchObject({ status: 403 });
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });

  it('says the relay cannot be reached when fetch fails, and keeps a non-JSON error body', async () => {
    const { fetch } = fakeFetch(new TypeError('Failed to fetch'), {
      status: 502,
      body: 'Bad Gateway',
      headers: { 'content-type': 'text/plain' },
    });
    const api = relayClient({ token: 't', fetch });
    await expect(api.request('GET', 'me')).rejects.toThrow(
      'the relay cannot be reached (GET /api/v1/me): Failed to fetch'
    );
    const problem = await api.request('GET', 'me').catch((e) => e);
    expect(problem).toBeInstanceOf(ApiProblem);
    expect(problem.status).toBe(502);
    expect(problem.body).toBe('Bad Gateway');
    expect(problem.message).toBe('the relay answered 502');
  });
});

describe('relayClient.download', () => {
  it('returns the bytes and the file name of Content-Disposition', async () => {
    const { fetch, calls } = fakeFetch({
      status: 200,
      body: 'shot,energy\n1,2\n',
      headers: { 'content-type': 'text/csv', 'content-disposition': 'attachment; filename="ions-2026.csv"' },
    });
    const api = relayClient({ token: 't', fetch });
    const { blob, filename } = await api.download('search/export', { format: 'csv', sheet: 'ions' });
    expect(calls[0].url).toBe('/api/v1/search/export?format=csv&sheet=ions');
    expect(headersOf(calls[0]).authorization).toBe('Bearer t');
    expect(filename).toBe('ions-2026.csv');
    // jsdom's Blob cannot be read back as text: its size and type stand for the bytes
    expect(blob.size).toBe('shot,energy\n1,2\n'.length);
    expect(blob.type).toBe('text/csv');
  });

  it('POSTs a body as JSON when one is given (the search export takes its query as the body)', async () => {
    const { fetch, calls } = fakeFetch({
      status: 200,
      body: '[]',
      headers: { 'content-disposition': 'attachment; filename="ions.json"' },
    });
    const api = relayClient({ token: 't', fetch });
    const { filename } = await api.download('search/export', { format: 'json' }, { sheet: 'ions', text: 'drift' });
    expect(calls[0].url).toBe('/api/v1/search/export?format=json');
    expect(calls[0].init.method).toBe('POST');
    expect(headersOf(calls[0])['content-type']).toBe('application/json');
    expect(JSON.parse(String(calls[0].init.body))).toEqual({ sheet: 'ions', text: 'drift' });
    expect(filename).toBe('ions.json');
  });

  it('falls back to the last path segment, and rejects with ApiProblem on an error', async () => {
    const { fetch } = fakeFetch(
      { status: 200, body: '[]' },
      { status: 400, body: { error: 'bad query', details: [{ field: 'q', message: 'unknown field x' }] } }
    );
    const api = relayClient({ token: 't', fetch });
    expect((await api.download('search/export.json')).filename).toBe('export.json');
    await expect(api.download('search/export')).rejects.toMatchObject({
      status: 400,
      details: [{ field: 'q', message: 'unknown field x' }],
    });
  });
});

describe('filenameOf', () => {
  it.each([
    ['attachment; filename="a b.csv"', 'a b.csv'],
    ['attachment; filename=plain.json', 'plain.json'],
    ['attachment; filename="fallback.csv"; filename*=UTF-8\'\'%C3%A9nergie%20shots.csv', 'énergie shots.csv'],
    ['attachment; filename="quo\\"te.csv"', 'quo"te.csv'],
    ['inline', undefined],
    [null, undefined],
  ])('%s → %s', (header, name) => {
    expect(filenameOf(header)).toBe(name);
  });
});

class FakeSocket {
  static instances: FakeSocket[] = [];
  readyState = 0;
  url: string;
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: (() => void) | null = null;
  onerror: (() => void) | null = null;
  close = jest.fn(() => {
    this.readyState = 3;
  });
  constructor(url: string) {
    this.url = url;
    FakeSocket.instances.push(this);
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  drop() {
    this.readyState = 3;
    this.onclose?.();
  }
}

describe('relayClient.live', () => {
  beforeEach(() => {
    FakeSocket.instances = [];
    jest.useFakeTimers();
  });
  afterEach(() => jest.useRealTimers());

  const live = (baseUrl = '') => {
    const messages: LiveMessage[] = [];
    const states: LiveState[] = [];
    const api = relayClient({
      baseUrl,
      token: 'to ken',
      WebSocket: FakeSocket as unknown as typeof WebSocket,
      backoff: { initialMs: 100, maxMs: 1000 },
      random: () => 1,
    });
    const stop = api.live(
      ['shots', 'status'],
      (m) => messages.push(m),
      (s) => states.push(s)
    );
    return { messages, states, stop };
  };

  it("connects to the page's own origin with the streams and the token, and passes on feed messages", () => {
    const { messages, states } = live();
    const socket = FakeSocket.instances[0];
    expect(socket.url).toBe(`ws://${window.location.host}/api/v1/live?streams=shots%2Cstatus&token=to%20ken`);
    socket.open();
    socket.onmessage?.({ data: JSON.stringify({ type: 'hello', streams: ['shots'] }) });
    socket.onmessage?.({ data: JSON.stringify({ type: 'shot', shot: { shotNumber: 7 } }) });
    socket.onmessage?.({ data: 'not json' });
    socket.onmessage?.({ data: JSON.stringify({ type: 'status', status: { relay: 'ok' } }) });
    expect(messages).toEqual([
      { type: 'shot', shot: { shotNumber: 7 } },
      { type: 'status', status: { relay: 'ok' } },
    ]);
    expect(states).toEqual(['connecting', 'open']);
  });

  it('uses wss:// for an https relay', () => {
    live('https://relay.lab');
    expect(FakeSocket.instances[0].url).toMatch(/^wss:\/\/relay\.lab\/api\/v1\/live\?/);
  });

  it('reconnects after a drop with a doubling delay, reset once a connection opens', () => {
    const { states } = live();
    FakeSocket.instances[0].drop();
    expect(states).toEqual(['connecting', 'closed']);
    jest.advanceTimersByTime(99);
    expect(FakeSocket.instances).toHaveLength(1);
    jest.advanceTimersByTime(1);
    expect(FakeSocket.instances).toHaveLength(2);
    FakeSocket.instances[1].drop();
    jest.advanceTimersByTime(199);
    expect(FakeSocket.instances).toHaveLength(2);
    jest.advanceTimersByTime(1);
    expect(FakeSocket.instances).toHaveLength(3);
    FakeSocket.instances[2].open();
    FakeSocket.instances[2].drop();
    jest.advanceTimersByTime(100);
    expect(FakeSocket.instances).toHaveLength(4);
    expect(states).toEqual([
      'connecting',
      'closed',
      'connecting',
      'closed',
      'connecting',
      'open',
      'closed',
      'connecting',
    ]);
  });

  it('caps the delay and stops for good when asked', () => {
    const { stop, states } = live();
    for (let i = 0; i < 6; i++) {
      FakeSocket.instances[i].drop();
      jest.advanceTimersByTime(1000);
    }
    expect(FakeSocket.instances).toHaveLength(7);
    stop();
    expect(FakeSocket.instances[6].close).toHaveBeenCalledWith(1000);
    FakeSocket.instances[6].drop();
    jest.advanceTimersByTime(10_000);
    expect(FakeSocket.instances).toHaveLength(7);
    expect(states.at(-1)).toBe('closed');
  });
});
