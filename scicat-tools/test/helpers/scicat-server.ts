/**
 * A small SciCat stand-in for tests, written for these tests with node:http.
 * It enforces the documented rules of the endpoints the tool uses:
 * - POST /api/v3/auth/login with username/password returns an access token;
 *   every other route needs `Authorization: Bearer <token>` (401 otherwise);
 * - dataset DTOs per API version: required fields, field types, and unknown
 *   top-level fields refused with 400 (whitelist + forbidNonWhitelisted);
 * - POST /datasets/isValid answers { valid, error? } without creating;
 * - origdatablocks need an existing dataset and files with path/size/time;
 * - scientificMetadata entries { value, unit } get valueSI/unitSI.
 */
import { createServer } from "node:http";
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { randomUUID } from "node:crypto";

type Json = Record<string, unknown>;

const OWNABLE = ["ownerGroup", "accessGroups", "instrumentGroup"];
const COMMON = [
  "owner",
  "ownerEmail",
  "orcidOfOwner",
  "contactEmail",
  "sourceFolder",
  "sourceFolderHost",
  "size",
  "packedSize",
  "numberOfFiles",
  "numberOfFilesArchived",
  "creationTime",
  "validationStatus",
  "keywords",
  "description",
  "datasetName",
  "classification",
  "license",
  "isPublished",
  "techniques",
  "sharedWith",
  "relationships",
  "datasetlifecycle",
  "scientificMetadata",
  "scientificMetadataSchema",
  "scientificMetadataValid",
  "comment",
  "dataQualityMetrics",
  "runNumber",
];
const V3_RAW = ["principalInvestigator", "startTime", "endTime", "creationLocation", "dataFormat", "proposalId", "sampleId", "instrumentId"];
const V3_DERIVED = ["investigator", "inputDatasets", "usedSoftware", "jobParameters", "jobLogData"];
const V4_EXTRA = ["principalInvestigators", "startTime", "endTime", "creationLocation", "dataFormat", "proposalIds", "sampleIds", "instrumentIds", "inputDatasets", "usedSoftware", "jobParameters", "jobLogData"];

const STRING_FIELDS = new Set(["owner", "ownerGroup", "contactEmail", "sourceFolder", "datasetName", "description", "investigator", "principalInvestigator", "creationLocation", "license", "type", "dataFormat", "pid"]);
const STRING_ARRAYS = new Set(["accessGroups", "keywords", "inputDatasets", "usedSoftware", "principalInvestigators", "proposalIds", "sampleIds", "instrumentIds", "sharedWith"]);
const INT_FIELDS = new Set(["size", "numberOfFiles", "packedSize", "numberOfFilesArchived"]);

/** SI conversion of a few unit strings, as SciCat's unit library would do. */
const SI: Record<string, [number, string]> = {
  m: [1, "m"],
  um: [1e-6, "m"],
  µm: [1e-6, "m"],
  nm: [1e-9, "m"],
  s: [1, "s"],
  fs: [1e-15, "s"],
  ps: [1e-12, "s"],
  "m^-3": [1, "m^-3"],
  "cm^-3": [1e6, "m^-3"],
  J: [1, "J"],
  kg: [1, "kg"],
  C: [1, "C"],
};

export interface Fault {
  status: number;
  body?: unknown;
}

export interface RequestRecord {
  method: string;
  path: string;
  authorized: boolean;
  body?: unknown;
}

export class TestScicat {
  readonly datasets = new Map<string, Json>();
  readonly origdatablocks = new Map<string, Json>();
  readonly requests: RequestRecord[] = [];
  readonly tokens = new Set<string>(["static-test-token"]);
  users: Record<string, string> = { ingestor: "s3cret" };
  /** return a fault to make a request fail */
  fault: ((method: string, path: string, body: unknown) => Fault | undefined) | undefined;
  private server: Server | undefined;
  url = "";

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((e) => this.send(res, 500, { statusCode: 500, message: String(e) }));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  private send(res: ServerResponse, status: number, body: unknown): void {
    const text = body === undefined ? "" : JSON.stringify(body);
    res.writeHead(status, { "content-type": "application/json" });
    res.end(text);
  }

  private badRequest(res: ServerResponse, messages: string[]): void {
    this.send(res, 400, { statusCode: 400, message: messages, error: "Bad Request" });
  }

  private async body(req: IncomingMessage): Promise<unknown> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    if (!text) return undefined;
    return JSON.parse(text);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://x");
    const method = req.method ?? "GET";
    let body: unknown;
    try {
      body = await this.body(req);
    } catch {
      return this.badRequest(res, ["body is not valid JSON"]);
    }
    const auth = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    const authorized = auth !== undefined && this.tokens.has(auth);
    this.requests.push({ method, path: url.pathname, authorized, body });

    const fault = this.fault?.(method, url.pathname, body);
    if (fault) return this.send(res, fault.status, fault.body ?? { statusCode: fault.status, message: "injected fault" });

    if (method === "POST" && url.pathname === "/api/v3/auth/login") {
      const b = body as { username?: string; password?: string } | undefined;
      if (!b?.username || !b.password || this.users[b.username] !== b.password) return this.send(res, 401, { statusCode: 401, message: "Unauthorized" });
      const token = randomUUID().replace(/-/g, "");
      this.tokens.add(token);
      return this.send(res, 201, { access_token: token, id: token, expires_in: 3600, ttl: 3600, created: new Date().toISOString(), userId: b.username });
    }
    const m = /^\/api\/(v3|v4)\/(datasets|origdatablocks)(?:\/([^/]+))?(?:\/([^/]+))?$/.exec(url.pathname);
    if (!m) return this.send(res, 404, { statusCode: 404, message: `Cannot ${method} ${url.pathname}` });
    if (!authorized) return this.send(res, 401, { statusCode: 401, message: "Unauthorized" });
    const version = m[1] as "v3" | "v4";
    const collection = m[2]!;
    const id = m[3] ? decodeURIComponent(m[3]) : undefined;

    if (collection === "datasets") {
      if (method === "POST" && id === "isValid") {
        const errs = this.datasetErrors(version, body, { partial: false, whitelist: false });
        return this.send(res, 200, errs.length ? { valid: false, error: errs.join("; ") } : { valid: true });
      }
      if (method === "POST" && !id) {
        const errs = this.datasetErrors(version, body, { partial: false, whitelist: true });
        if (errs.length) return this.badRequest(res, errs);
        const b = body as Json;
        const pid = typeof b["pid"] === "string" ? b["pid"] : `20.500.12269/${randomUUID()}`;
        if (this.datasets.has(pid)) return this.send(res, 409, { statusCode: 409, message: `A dataset with pid ${pid} already exists!` });
        const now = new Date().toISOString();
        const ds: Json = { ...b, pid, createdAt: now, updatedAt: now, createdBy: "ingestor", version: "4.0.0" };
        if (!ds["datasetName"]) ds["datasetName"] = String(ds["sourceFolder"]).split("/").filter(Boolean).slice(-2).join("/");
        ds["scientificMetadata"] = withSI(ds["scientificMetadata"]);
        this.datasets.set(pid, ds);
        return this.send(res, 201, ds);
      }
      if (method === "GET" && !id) {
        const where = parseWhere(url.searchParams.get("filter"));
        if (where === null) return this.badRequest(res, ["filter is not valid JSON"]);
        return this.send(res, 200, [...this.datasets.values()].filter((d) => matches(d, where)));
      }
      if (!id) return this.send(res, 404, { statusCode: 404, message: "Not Found" });
      const ds = this.datasets.get(id);
      if (method === "GET") return ds ? this.send(res, 200, ds) : this.send(res, 404, { statusCode: 404, message: "Dataset not found" });
      if (method === "PATCH") {
        if (!ds) return this.send(res, 404, { statusCode: 404, message: "Dataset not found" });
        const errs = this.datasetErrors(version, body, { partial: true, whitelist: true });
        if (errs.length) return this.badRequest(res, errs);
        const b = body as Json;
        Object.assign(ds, b, { updatedAt: new Date().toISOString() });
        if ("scientificMetadata" in b) ds["scientificMetadata"] = withSI(b["scientificMetadata"]);
        return this.send(res, 200, ds);
      }
      if (method === "DELETE") {
        if (!ds) return this.send(res, 404, { statusCode: 404, message: "Dataset not found" });
        this.datasets.delete(id);
        for (const [k, o] of this.origdatablocks) if (o["datasetId"] === id) this.origdatablocks.delete(k);
        return this.send(res, 200, ds);
      }
    }

    if (collection === "origdatablocks") {
      if (method === "POST" && !id) {
        const errs = origErrors(body, false);
        if (errs.length) return this.badRequest(res, errs);
        const b = body as Json;
        if (!this.datasets.has(String(b["datasetId"]))) return this.send(res, 404, { statusCode: 404, message: `Dataset ${String(b["datasetId"])} not found` });
        const _id = randomUUID();
        const o: Json = { ...b, _id, createdAt: new Date().toISOString() };
        this.origdatablocks.set(_id, o);
        return this.send(res, 201, o);
      }
      if (method === "GET" && !id) {
        const where = parseWhere(url.searchParams.get("filter"));
        if (where === null) return this.badRequest(res, ["filter is not valid JSON"]);
        return this.send(res, 200, [...this.origdatablocks.values()].filter((d) => matches(d, where)));
      }
      if (method === "PATCH" && id) {
        const o = this.origdatablocks.get(id);
        if (!o) return this.send(res, 404, { statusCode: 404, message: "OrigDatablock not found" });
        const errs = origErrors(body, true);
        if (errs.length) return this.badRequest(res, errs);
        Object.assign(o, body as Json, { updatedAt: new Date().toISOString() });
        return this.send(res, 200, o);
      }
    }
    return this.send(res, 404, { statusCode: 404, message: `Cannot ${method} ${url.pathname}` });
  }

  datasetErrors(version: "v3" | "v4", body: unknown, opts: { partial: boolean; whitelist: boolean }): string[] {
    if (typeof body !== "object" || body === null || Array.isArray(body)) return ["body must be an object"];
    const b = body as Json;
    const errs: string[] = [];
    const type = b["type"];
    if (!opts.partial && type !== "raw" && type !== "derived") errs.push("type must be one of the following values: raw, derived");
    const allowed = new Set(["pid", "type", "version", ...OWNABLE, ...COMMON, ...(version === "v3" ? (type === "raw" ? V3_RAW : V3_DERIVED) : V4_EXTRA)]);
    if (opts.partial && version === "v3") for (const f of [...V3_RAW, ...V3_DERIVED]) allowed.add(f);
    if (opts.whitelist) for (const k of Object.keys(b)) if (!allowed.has(k)) errs.push(`property ${k} should not exist`);
    if (!opts.partial) {
      const required = version === "v3" ? ["ownerGroup", "owner", "contactEmail", "sourceFolder", "creationTime"] : ["ownerGroup", "contactEmail", "sourceFolder", "creationTime", "datasetName"];
      if (version === "v3" && type === "derived") required.push("investigator", "inputDatasets", "usedSoftware");
      if (version === "v3" && type === "raw") required.push("principalInvestigator", "creationLocation");
      for (const r of required) if (b[r] === undefined || b[r] === null) errs.push(`${r} should not be null or undefined`);
    }
    for (const [k, v] of Object.entries(b)) {
      if (v === undefined) continue;
      if (STRING_FIELDS.has(k) && typeof v !== "string") errs.push(`${k} must be a string`);
      if (STRING_ARRAYS.has(k) && !(Array.isArray(v) && v.every((x) => typeof x === "string"))) errs.push(`each value in ${k} must be a string`);
      if (INT_FIELDS.has(k) && !Number.isInteger(v)) errs.push(`${k} must be an integer number`);
    }
    if (b["sourceFolder"] === "") errs.push("sourceFolder should not be empty");
    if (typeof b["contactEmail"] === "string" && !b["contactEmail"].split(";").every((e) => /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(e.trim()))) errs.push("contactEmail must be an email or a list of emails separated by ;");
    if ("creationTime" in b && (typeof b["creationTime"] !== "string" || Number.isNaN(Date.parse(b["creationTime"] as string)))) errs.push("creationTime must be a valid ISO 8601 date string");
    if ("scientificMetadata" in b && (typeof b["scientificMetadata"] !== "object" || b["scientificMetadata"] === null || Array.isArray(b["scientificMetadata"]))) errs.push("scientificMetadata must be an object");
    return errs;
  }
}

function origErrors(body: unknown, partial: boolean): string[] {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return ["body must be an object"];
  const b = body as Json;
  const errs: string[] = [];
  const allowed = new Set(["datasetId", "ownerGroup", "accessGroups", "instrumentGroup", "size", "chkAlg", "dataFileList"]);
  for (const k of Object.keys(b)) if (!allowed.has(k)) errs.push(`property ${k} should not exist`);
  if (!partial) for (const r of ["datasetId", "ownerGroup", "size", "dataFileList"]) if (b[r] === undefined) errs.push(`${r} should not be null or undefined`);
  if ("size" in b && !Number.isInteger(b["size"])) errs.push("size must be an integer number");
  if ("dataFileList" in b) {
    const list = b["dataFileList"];
    if (!Array.isArray(list)) errs.push("dataFileList must be an array");
    else
      list.forEach((f: unknown, i) => {
        const o = f as Json;
        for (const r of ["path", "size", "time"]) if (o?.[r] === undefined) errs.push(`dataFileList.${i}.${r} should not be null or undefined`);
        for (const k of Object.keys(o ?? {})) if (!["path", "size", "time", "chk", "uid", "gid", "perm"].includes(k)) errs.push(`dataFileList.${i}.property ${k} should not exist`);
      });
  }
  return errs;
}

function withSI(sm: unknown): unknown {
  if (typeof sm !== "object" || sm === null) return sm;
  const out: Json = {};
  for (const [k, v] of Object.entries(sm as Json)) {
    if (typeof v === "object" && v !== null && "value" in v && "unit" in v) {
      const e = v as { value: unknown; unit: unknown };
      const conv = typeof e.unit === "string" ? SI[e.unit] : undefined;
      if (conv) {
        const [f, unitSI] = conv;
        const valueSI = typeof e.value === "number" ? e.value * f : Array.isArray(e.value) && e.value.every((x) => typeof x === "number") ? e.value.map((x: number) => x * f) : undefined;
        out[k] = valueSI === undefined ? v : { ...e, valueSI, unitSI };
        continue;
      }
    }
    out[k] = v;
  }
  return out;
}

function parseWhere(filter: string | null): Json | null {
  if (!filter) return {};
  try {
    const f = JSON.parse(filter) as { where?: Json };
    return f.where ?? {};
  } catch {
    return null;
  }
}

function get(o: unknown, path: string): unknown {
  return path.split(".").reduce<unknown>((x, k) => (typeof x === "object" && x !== null ? (x as Json)[k] : undefined), o);
}

function matches(d: Json, where: Json): boolean {
  return Object.entries(where).every(([k, v]) => JSON.stringify(get(d, k)) === JSON.stringify(v));
}
