// The console's ShotlineApi: the relay-service's HTTP API and live WebSocket,
// called straight from the browser with the user's own API token.
import {
  ApiProblem,
  type ApiReply,
  type HttpMethod,
  type LiveMessage,
  type LiveState,
  type LiveStream,
  type RequestOptions,
  type ShotlineApi,
} from './client';

export interface RelayClientOptions {
  /** where the relay answers, e.g. `https://relay.lab:8080`; empty: the page's own origin (the console is served by the relay) */
  baseUrl?: string;
  token: string;
  /** called on every 401: the token is unknown or was revoked */
  onUnauthorized?: () => void;
  /** injectable for tests; default: the browser's */
  fetch?: typeof fetch;
  WebSocket?: typeof WebSocket;
  /** reconnect delays of the live feed: the first, and the ceiling it doubles up to */
  backoff?: { initialMs: number; maxMs: number };
  random?: () => number;
}

const DEFAULT_BACKOFF = { initialMs: 500, maxMs: 15_000 };
const LIVE_TYPES = new Set(['shot', 'channels', 'status']);

export function relayClient(options: RelayClientOptions): ShotlineApi {
  const { baseUrl = '', token, onUnauthorized } = options;
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const base = baseUrl.replace(/\/+$/, '');

  async function send(
    method: HttpMethod,
    path: string,
    query: RequestOptions['query'],
    init: RequestInit
  ): Promise<Response> {
    const url = `${base}/api/v1/${path.replace(/^\/+/, '')}${queryString(query)}`;
    let response: Response;
    try {
      response = await doFetch(url, {
        ...init,
        method,
        headers: { authorization: `Bearer ${token}`, ...init.headers },
      });
    } catch (err) {
      throw new Error(`the relay cannot be reached (${method} ${url}): ${(err as Error).message}`);
    }
    if (!response.ok) {
      const etag = response.headers.get('etag') ?? undefined;
      const body = await readBody(response);
      if (response.status === 401) {
        onUnauthorized?.();
      }
      throw new ApiProblem(response.status, body, etag);
    }
    return response;
  }

  return {
    async request<T>(method: HttpMethod, path: string, opts: RequestOptions = {}): Promise<ApiReply<T>> {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (opts.body !== undefined) {
        headers['content-type'] = 'application/json';
      }
      if (opts.ifMatch !== undefined) {
        headers['if-match'] = quoteRevision(opts.ifMatch);
      }
      const response = await send(method, path, opts.query, {
        headers,
        ...(opts.body !== undefined && { body: JSON.stringify(opts.body) }),
      });
      const etag = response.headers.get('etag') ?? undefined;
      return { status: response.status, body: (await readBody(response)) as T, ...(etag !== undefined && { etag }) };
    },

    async download(path, query, body) {
      const response =
        body === undefined
          ? await send('GET', path, query, {})
          : await send('POST', path, query, {
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify(body),
            });
      const fallback = path.split('?')[0].split('/').filter(Boolean).pop() ?? 'download';
      return {
        blob: await response.blob(),
        filename: filenameOf(response.headers.get('content-disposition')) ?? fallback,
      };
    },

    live(streams: LiveStream[], onMessage: (message: LiveMessage) => void, onState?: (state: LiveState) => void) {
      const Socket = options.WebSocket ?? WebSocket;
      const backoff = options.backoff ?? DEFAULT_BACKOFF;
      const random = options.random ?? Math.random;
      const url = `${liveBase(base)}/api/v1/live?streams=${encodeURIComponent(streams.join(','))}&token=${encodeURIComponent(token)}`;
      let socket: WebSocket | undefined;
      let timer: ReturnType<typeof setTimeout> | undefined;
      let failures = 0;
      let stopped = false;

      const connect = () => {
        onState?.('connecting');
        const ws = new Socket(url);
        socket = ws;
        ws.onopen = () => {
          failures = 0;
          onState?.('open');
        };
        ws.onmessage = (event: MessageEvent) => {
          const message = parseLive(event.data);
          if (message) {
            onMessage(message);
          }
        };
        ws.onclose = () => {
          if (socket !== ws || stopped) {
            return;
          }
          onState?.('closed');
          // Doubling with full jitter, so many consoles do not reconnect in step after a relay restart.
          const ceiling = Math.min(backoff.maxMs, backoff.initialMs * 2 ** failures);
          failures += 1;
          timer = setTimeout(connect, ceiling / 2 + (random() * ceiling) / 2);
        };
      };

      connect();
      return () => {
        stopped = true;
        clearTimeout(timer);
        const ws = socket;
        socket = undefined;
        if (ws && ws.readyState !== 2 && ws.readyState !== 3) {
          ws.close(1000);
        }
        onState?.('closed');
      };
    },
  };
}

function queryString(query: RequestOptions['query']): string {
  if (!query) {
    return '';
  }
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) {
      params.append(key, String(value));
    }
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The relay's ETags are `"<revision>"`; callers may pass the bare revision or the ETag itself. */
function quoteRevision(revision: string): string {
  return /^(W\/)?".*"$/.test(revision) ? revision : `"${revision}"`;
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) {
    return undefined;
  }
  if ((response.headers.get('content-type') ?? '').includes('json')) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

/** `attachment; filename="a.csv"` or RFC 6266's `filename*=UTF-8''a%20b.csv` (preferred when both are there). */
export function filenameOf(disposition: string | null): string | undefined {
  if (!disposition) {
    return undefined;
  }
  const extended = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(disposition);
  if (extended) {
    try {
      return decodeURIComponent(extended[2].trim());
    } catch {
      // a malformed escape: fall back to the plain parameter
    }
  }
  const plain = /filename\s*=\s*("((?:[^"\\]|\\.)*)"|[^;]+)/i.exec(disposition);
  if (!plain) {
    return undefined;
  }
  return plain[2] !== undefined ? plain[2].replace(/\\(.)/g, '$1') : plain[1].trim();
}

function liveBase(base: string): string {
  if (/^https?:\/\//i.test(base)) {
    return base.replace(/^http/i, 'ws');
  }
  const { protocol, host } = window.location;
  return `${protocol === 'https:' ? 'wss:' : 'ws:'}//${host}${base}`;
}

function parseLive(data: unknown): LiveMessage | undefined {
  if (typeof data !== 'string') {
    return undefined;
  }
  try {
    const message = JSON.parse(data);
    // `hello` (the streams granted) and anything newer than this client are not LiveMessages.
    return message && LIVE_TYPES.has(message.type) ? (message as LiveMessage) : undefined;
  } catch {
    return undefined;
  }
}
