import { of } from 'rxjs';
import { type BackendSrv, type BackendSrvRequest, setBackendSrv } from '@grafana/runtime';

export interface Call {
  method: string;
  url: string;
  params?: unknown;
  data?: unknown;
}

type Handler = (call: Call) => unknown;

/**
 * Grafana's HTTP API as the plugin's components see it (getBackendSrv()),
 * answering from `handler`; every call is recorded. A handler that throws
 * answers like a failed request (`{ status, data: { message } }`).
 */
export function useBackendSrv(handler: Handler): Call[] {
  const calls: Call[] = [];
  const answer = async (call: Call) => {
    calls.push(call);
    return handler(call);
  };
  const srv = {
    get: (url: string, params?: unknown) => answer({ method: 'GET', url, params }),
    post: (url: string, data?: unknown) => answer({ method: 'POST', url, data }),
    fetch: (options: BackendSrvRequest) => {
      const call = { method: options.method ?? 'GET', url: options.url, params: options.params, data: options.data };
      calls.push(call);
      return of({ data: handler(call), status: 200, ok: true });
    },
  } as unknown as BackendSrv;
  setBackendSrv(srv);
  return calls;
}
