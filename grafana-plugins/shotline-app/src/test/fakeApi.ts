import {
  ApiProblem,
  type ApiReply,
  type HttpMethod,
  type LiveMessage,
  type RequestOptions,
  type ShotlineApi,
} from '../api/client';

type Handler = (options: RequestOptions, path: string) => ApiReply<unknown> | unknown;

/**
 * An in-memory ShotlineApi for component tests: routes are `"METHOD path"`
 * keys (path may end in `*` to match a prefix); a handler returns the body
 * (status 200) or a full ApiReply, or throws an ApiProblem. Every call is
 * recorded; `emit` delivers a live message to current subscribers.
 */
export function fakeApi(routes: Record<string, Handler>) {
  const calls: Array<{ method: HttpMethod; path: string } & RequestOptions> = [];
  const listeners = new Set<(m: LiveMessage) => void>();
  const find = (method: HttpMethod, path: string): Handler | undefined =>
    routes[`${method} ${path}`] ??
    Object.entries(routes).find(([k]) => k.endsWith('*') && `${method} ${path}`.startsWith(k.slice(0, -1)))?.[1];

  const api: ShotlineApi = {
    async request<T>(method: HttpMethod, path: string, options: RequestOptions = {}) {
      calls.push({ method, path, ...options });
      const handler = find(method, path);
      if (!handler) {
        throw new ApiProblem(404, { error: `fakeApi: no route ${method} ${path}` });
      }
      const out = handler(options, path);
      const reply =
        out && typeof out === 'object' && 'status' in out && 'body' in out
          ? (out as ApiReply<T>)
          : { status: 200, body: out as T };
      return reply as ApiReply<T>;
    },
    async download(path, query, body) {
      const method: HttpMethod = body === undefined ? 'GET' : 'POST';
      calls.push({ method, path, query, body });
      const handler = find(method, path);
      const out = handler ? handler({ query, body }, path) : '';
      return {
        blob: new Blob([typeof out === 'string' ? out : JSON.stringify(out)]),
        filename: path.split('/').pop() ?? 'export',
      };
    },
    live(_streams, onMessage, onState) {
      listeners.add(onMessage);
      onState?.('open');
      return () => listeners.delete(onMessage);
    },
  };
  return { api, calls, emit: (m: LiveMessage) => listeners.forEach((l) => l(m)) };
}
