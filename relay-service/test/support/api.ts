// Calling the HTTP API with a token, for tests. `ADMIN_TOKEN` is what test
// Shotlines get as SHOTLINE_ADMIN_TOKEN.

export const ADMIN_TOKEN = 'shotline-test-admin-token-0123456789';

export function auth(token: string = ADMIN_TOKEN): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

export interface Answer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A client for one base URL and one identity (headers sent with every request). */
export class ApiClient {
  readonly base: string;
  readonly headers: Record<string, string>;

  constructor(base: string, headers: Record<string, string> = auth()) {
    this.base = base;
    this.headers = headers;
  }

  /** The same client with another token (and e.g. X-Grafana-User / X-Grafana-Role). */
  as(token: string, extra: Record<string, string> = {}): ApiClient {
    return new ApiClient(this.base, { ...auth(token), ...extra });
  }

  /** The same client without any token. */
  anonymous(): ApiClient {
    return new ApiClient(this.base, {});
  }

  async request<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer<T>> {
    const init: RequestInit = { method, headers: { ...this.headers, ...headers } };
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
      (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
    }
    const res = await fetch(`${this.base}${path}`, init);
    const text = await res.text();
    let parsed: unknown = null;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  get<T = any>(path: string, headers?: Record<string, string>) {
    return this.request<T>('GET', path, undefined, headers);
  }

  post<T = any>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>('POST', path, body, headers);
  }

  put<T = any>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>('PUT', path, body, headers);
  }

  patch<T = any>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>('PATCH', path, body, headers);
  }

  delete<T = any>(path: string, headers?: Record<string, string>) {
    return this.request<T>('DELETE', path, undefined, headers);
  }
}
