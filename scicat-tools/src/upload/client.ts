/** A small SciCat REST client (API v3 and v4) over fetch. */
import type { ApiVersion } from "./config.ts";

export class ScicatHttpError extends Error {
  override name = "ScicatHttpError";
  readonly status: number;
  readonly body: unknown;
  constructor(method: string, path: string, status: number, body: unknown) {
    super(`${method} ${path} → HTTP ${status}: ${ScicatHttpError.reason(body)}`);
    this.status = status;
    this.body = body;
  }

  static reason(body: unknown): string {
    if (typeof body === "object" && body !== null) {
      const m = (body as { message?: unknown }).message;
      if (Array.isArray(m)) return m.join("; ");
      if (typeof m === "string") return m;
      const e = (body as { error?: unknown }).error;
      if (typeof e === "string") return e;
    }
    if (typeof body === "string" && body) return body.slice(0, 300);
    return "no details";
  }
}

export interface ClientOptions {
  url: string;
  api: ApiVersion;
  token?: string;
  timeoutMs?: number;
}

export class ScicatClient {
  readonly base: string;
  readonly api: ApiVersion;
  token: string | undefined;
  private readonly timeoutMs: number;

  constructor(opts: ClientOptions) {
    this.base = opts.url.replace(/\/+$/, "").replace(/\/api(\/v\d)?$/, "");
    this.api = opts.api;
    this.token = opts.token;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
  }

  private async request(method: string, path: string, body?: unknown, auth = true): Promise<unknown> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (body !== undefined) headers["content-type"] = "application/json";
    if (auth && this.token) headers["authorization"] = `Bearer ${this.token}`;
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw new Error(`${method} ${this.base}${path}: ${cause?.code ?? cause?.message ?? (e as Error).message}`);
    }
    const text = await res.text();
    let parsed: unknown = text;
    if (text) {
      try {
        parsed = JSON.parse(text);
      } catch {
        // keep text
      }
    } else parsed = undefined;
    if (!res.ok) throw new ScicatHttpError(method, path, res.status, parsed);
    return parsed;
  }

  private v(path: string): string {
    return `/api/${this.api}${path}`;
  }

  /** POST /api/v3/auth/login; stores and returns the access token. */
  async login(username: string, password: string): Promise<string> {
    const r = (await this.request("POST", "/api/v3/auth/login", { username, password }, false)) as { access_token?: string; id?: string };
    const token = r?.access_token ?? r?.id;
    if (!token) throw new Error("login succeeded but the response holds no access_token");
    this.token = token;
    return token;
  }

  async isValid(dataset: Record<string, unknown>): Promise<{ valid: boolean; error?: string }> {
    return (await this.request("POST", this.v("/datasets/isValid"), dataset)) as { valid: boolean; error?: string };
  }

  async findDatasets(where: Record<string, unknown>): Promise<Array<Record<string, unknown>>> {
    const filter = encodeURIComponent(JSON.stringify({ where }));
    const r = await this.request("GET", this.v(`/datasets?filter=${filter}`));
    return Array.isArray(r) ? (r as Array<Record<string, unknown>>) : [];
  }

  async createDataset(dataset: Record<string, unknown>): Promise<Record<string, unknown>> {
    return (await this.request("POST", this.v("/datasets"), dataset)) as Record<string, unknown>;
  }

  async patchDataset(pid: string, changes: Record<string, unknown>): Promise<Record<string, unknown>> {
    return (await this.request("PATCH", this.v(`/datasets/${encodeURIComponent(pid)}`), changes)) as Record<string, unknown>;
  }

  async deleteDataset(pid: string): Promise<void> {
    await this.request("DELETE", this.v(`/datasets/${encodeURIComponent(pid)}`));
  }

  async findOrigDatablocks(datasetId: string): Promise<Array<Record<string, unknown>>> {
    const filter = encodeURIComponent(JSON.stringify({ where: { datasetId } }));
    const r = await this.request("GET", this.v(`/origdatablocks?filter=${filter}`));
    return Array.isArray(r) ? (r as Array<Record<string, unknown>>) : [];
  }

  async createOrigDatablock(block: Record<string, unknown>): Promise<Record<string, unknown>> {
    return (await this.request("POST", this.v("/origdatablocks"), block)) as Record<string, unknown>;
  }

  async patchOrigDatablock(id: string, changes: Record<string, unknown>): Promise<Record<string, unknown>> {
    return (await this.request("PATCH", this.v(`/origdatablocks/${encodeURIComponent(id)}`), changes)) as Record<string, unknown>;
  }
}
