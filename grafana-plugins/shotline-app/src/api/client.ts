// The one way the shared components (forms, monitor, editors) talk to the
// relay-service. Two hosts implement it: the console (relayClient.ts: fetch +
// the relay's WebSocket, with the user's own token) and Grafana
// (grafanaClient.ts: the datasource's Go backend, which forwards the Grafana
// user). Components never import @grafana/runtime or call fetch themselves,
// so the same component runs in both.

/** A field-level refusal as the relay reports it: `{ field, message }`. */
export interface FieldProblem {
  field: string;
  message: string;
}

/** A non-2xx answer from the relay: its status, message, field details and whole body (a 409 carries the current entry). */
export class ApiProblem extends Error {
  readonly status: number;
  readonly details: FieldProblem[];
  readonly body: unknown;
  readonly etag?: string;

  constructor(status: number, body: unknown, etag?: string) {
    const b = (body && typeof body === 'object' ? body : {}) as { error?: unknown; details?: unknown };
    super(typeof b.error === 'string' ? b.error : `the relay answered ${status}`);
    this.name = 'ApiProblem';
    this.status = status;
    this.body = body;
    this.etag = etag;
    this.details = Array.isArray(b.details)
      ? b.details.filter((d): d is FieldProblem => !!d && typeof d.field === 'string' && typeof d.message === 'string')
      : [];
  }
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** sent as If-Match: `"<revision>"` for entry changes */
  ifMatch?: string;
}

export interface ApiReply<T> {
  status: number;
  body: T;
  /** the ETag header, when the relay sent one (entries: `"<revision>"`) */
  etag?: string;
}

/** The relay's live feed (`/api/v1/live`): one message per stored shot, channel values (rate-limited) and relay status. */
export type LiveStream = 'shots' | 'channels' | 'status';

/** One message of the live feed, as the relay sends it (relay-service/src/live/hub.ts). */
export type LiveMessage =
  | { type: 'shot'; shot: Record<string, unknown> }
  | { type: 'channels'; at: string; values: Record<string, unknown> }
  | { type: 'status'; status: Record<string, unknown> };

export type LiveState = 'connecting' | 'open' | 'closed';

export interface ShotlineApi {
  /**
   * A JSON request to the relay's `/api/v1/<path>` (path without the prefix,
   * e.g. `sheets/ions/entries`). Resolves on 2xx; rejects with ApiProblem
   * otherwise, or with an Error when the relay cannot be reached.
   */
  request<T>(method: HttpMethod, path: string, options?: RequestOptions): Promise<ApiReply<T>>;
  /**
   * A file the relay produces (CSV/JSON export): the bytes and the file name it
   * suggests. With a body it is a POST of that JSON (the search export takes
   * its query as a body), else a GET.
   */
  download(path: string, query?: RequestOptions['query'], body?: unknown): Promise<{ blob: Blob; filename: string }>;
  /** Follows the live feed until the returned function is called; reconnects by itself. */
  live(
    streams: LiveStream[],
    onMessage: (message: LiveMessage) => void,
    onState?: (state: LiveState) => void
  ): () => void;
}
