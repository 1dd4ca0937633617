// The ShotlineApi inside Grafana: the Shotline datasource's Go backend
// forwards resources/relay/<path> to the relay's /api/v1/<path> with its
// service token, as the signed-in Grafana user (pkg/plugin/proxy.go), and
// streams the relay's live messages on ds/<uid>/events (pkg/plugin/events.go).
// The browser never holds a relay token.
import { lastValueFrom } from 'rxjs';
import {
  isLiveChannelMessageEvent,
  isLiveChannelStatusEvent,
  LiveChannelConnectionState,
  LiveChannelScope,
  type LiveChannelAddress,
} from '@grafana/data';
import { getBackendSrv, getGrafanaLiveSrv, isFetchError, type FetchResponse } from '@grafana/runtime';

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
import { filenameOf } from './relayClient';

/** The live path of the datasource that carries the relay's raw messages. */
export const EVENTS_PATH = 'events';

const STREAM_OF_TYPE: Record<string, LiveStream> = { shot: 'shots', channels: 'channels', status: 'status' };

export function grafanaClient(datasourceUid: string): ShotlineApi {
  const base = `/api/datasources/uid/${encodeURIComponent(datasourceUid)}/resources/relay/`;

  async function send<T>(
    method: HttpMethod,
    path: string,
    options: RequestOptions,
    responseType: 'json' | 'blob'
  ): Promise<FetchResponse<T>> {
    const headers: Record<string, string> = {};
    if (options.ifMatch !== undefined) {
      headers['If-Match'] = /^(W\/)?".*"$/.test(options.ifMatch) ? options.ifMatch : `"${options.ifMatch}"`;
    }
    try {
      return await lastValueFrom(
        getBackendSrv().fetch<T>({
          url: base + path.replace(/^\/+/, ''),
          method,
          params: definedOnly(options.query),
          data: options.body,
          headers,
          responseType,
          // the components show the relay's refusals themselves, next to the field they name
          showErrorAlert: false,
          showSuccessAlert: false,
        })
      );
    } catch (err) {
      if (isFetchError(err)) {
        if (!err.status) {
          throw new Error(
            `Grafana cannot be reached (${method} ${path}): ${err.statusText ?? err.message ?? 'no answer'}`
          );
        }
        throw new ApiProblem(err.status, await errorBody(err.data));
      }
      throw err;
    }
  }

  return {
    async request<T>(method: HttpMethod, path: string, options: RequestOptions = {}): Promise<ApiReply<T>> {
      const res = await send<T>(method, path, options, 'json');
      const etag = res.headers?.get('etag') ?? undefined;
      return { status: res.status, body: res.data, ...(etag && { etag }) };
    },

    async download(path, query, body) {
      const res = await send<Blob>(body === undefined ? 'GET' : 'POST', path, { query, body }, 'blob');
      const fallback = path.split('/').filter(Boolean).pop() ?? 'download';
      return { blob: res.data, filename: filenameOf(res.headers?.get('content-disposition') ?? null) ?? fallback };
    },

    live(streams: LiveStream[], onMessage: (message: LiveMessage) => void, onState?: (state: LiveState) => void) {
      const wanted = new Set(streams);
      const address: LiveChannelAddress = {
        scope: LiveChannelScope.DataSource,
        stream: datasourceUid,
        // eslint-disable-next-line @typescript-eslint/no-deprecated -- Grafanas before 12.4 name the member `namespace`
        namespace: datasourceUid,
        path: EVENTS_PATH,
      };
      onState?.('connecting');
      const subscription = getGrafanaLiveSrv()
        .getStream<EventFrame>(address)
        .subscribe({
          next: (event) => {
            if (isLiveChannelStatusEvent(event)) {
              onState?.(stateOf(event.state));
              return;
            }
            if (!isLiveChannelMessageEvent(event)) {
              return;
            }
            for (const text of event.message?.data?.values?.[0] ?? []) {
              const message = parseEvent(text);
              if (message && wanted.has(STREAM_OF_TYPE[message.type])) {
                onMessage(message);
              }
            }
          },
          error: () => onState?.('closed'),
          complete: () => onState?.('closed'),
        });
      return () => {
        subscription.unsubscribe();
        onState?.('closed');
      };
    },
  };
}

/** A frame of the events stream as Grafana Live delivers it: one string field, one relay message a row. */
interface EventFrame {
  data?: { values?: unknown[][] };
}

function stateOf(state: LiveChannelConnectionState): LiveState {
  switch (state) {
    case LiveChannelConnectionState.Connected:
      return 'open';
    case LiveChannelConnectionState.Pending:
    case LiveChannelConnectionState.Connecting:
      return 'connecting';
    default:
      return 'closed';
  }
}

function parseEvent(text: unknown): LiveMessage | undefined {
  if (typeof text !== 'string') {
    return undefined;
  }
  try {
    const message = JSON.parse(text);
    return message && typeof message.type === 'string' && message.type in STREAM_OF_TYPE
      ? (message as LiveMessage)
      : undefined;
  } catch {
    return undefined;
  }
}

function definedOnly(query: RequestOptions['query']): Record<string, string | number | boolean> | undefined {
  if (!query) {
    return undefined;
  }
  const out: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) {
      out[key] = value;
    }
  }
  return out;
}

/** A refused download arrives as a Blob; the relay's `{ error, details }` is inside it. */
async function errorBody(data: unknown): Promise<unknown> {
  if (typeof Blob !== 'undefined' && data instanceof Blob) {
    try {
      const text = await blobText(data);
      try {
        return JSON.parse(text);
      } catch {
        return text;
      }
    } catch {
      return undefined;
    }
  }
  return data;
}

function blobText(blob: Blob): Promise<string> {
  if (typeof blob.text === 'function') {
    return blob.text();
  }
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsText(blob);
  });
}
