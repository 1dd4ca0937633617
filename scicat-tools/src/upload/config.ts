/**
 * Upload settings from flags, environment and a JSON config file (in that
 * order of precedence), each validated with JSON Schema (ajv). Errors name
 * the field, where it was set, and the reason.
 */
import { readFileSync } from "node:fs";
import { Ajv } from "ajv";
import type { ErrorObject } from "ajv";
import addFormatsModule from "ajv-formats";
import { CODES } from "../extract/metadata.ts";
import type { Code } from "../extract/metadata.ts";

export type ApiVersion = "v3" | "v4";

export interface UploadSettings {
  url?: string;
  api: ApiVersion;
  token?: string;
  username?: string;
  password?: string;
  type: "derived" | "raw";
  owner?: string;
  ownerGroup?: string;
  accessGroups: string[];
  contactEmail?: string;
  investigator?: string;
  inputDatasets: string[];
  usedSoftware: string[];
  creationLocation?: string;
  sourceFolder?: string;
  creationTime?: string;
  datasetName?: string;
  description?: string;
  keywords: string[];
  license?: string;
  shotUids: string[];
  campaign?: string;
  wavelength?: number;
  code?: Code;
  cfg?: string;
  flagsSet?: number;
  report: string;
}

type Kind = "string" | "list" | "number" | "integer";

export interface FieldSpec {
  key: keyof UploadSettings;
  flag: string;
  env?: string;
  kind: Kind;
  doc: string;
  schema?: Record<string, unknown>;
  secret?: boolean;
}

const EMAIL_LIST = "^[^@\\s;]+@[^@\\s;]+\\.[^@\\s;]+(\\s*;\\s*[^@\\s;]+@[^@\\s;]+\\.[^@\\s;]+)*$";

export const FIELDS: readonly FieldSpec[] = [
  { key: "url", flag: "url", env: "SCICAT_URL", kind: "string", doc: "SciCat backend base URL, e.g. https://scicat.example.org (the tool appends /api/v3 or /api/v4)", schema: { pattern: "^https?://[^\\s]+$" } },
  { key: "api", flag: "api", env: "SCICAT_API", kind: "string", doc: "API version: v3 or v4 (default v3)", schema: { enum: ["v3", "v4"] } },
  { key: "token", flag: "token", env: "SCICAT_TOKEN", kind: "string", doc: "access token (instead of username/password)", secret: true },
  { key: "username", flag: "username", env: "SCICAT_USERNAME", kind: "string", doc: "functional account for POST /auth/login" },
  { key: "password", flag: "password", env: "SCICAT_PASSWORD", kind: "string", doc: "password for --username", secret: true },
  { key: "type", flag: "type", env: "SCICAT_DATASET_TYPE", kind: "string", doc: "dataset type: derived (default) or raw", schema: { enum: ["derived", "raw"] } },
  { key: "owner", flag: "owner", env: "SCICAT_OWNER", kind: "string", doc: "owner (person); required by API v3" },
  { key: "ownerGroup", flag: "owner-group", env: "SCICAT_OWNER_GROUP", kind: "string", doc: "owning group (required)" },
  { key: "accessGroups", flag: "access-groups", env: "SCICAT_ACCESS_GROUPS", kind: "list", doc: "groups with read access (comma-separated)" },
  { key: "contactEmail", flag: "contact-email", env: "SCICAT_CONTACT_EMAIL", kind: "string", doc: "contact e-mail, or several separated by ';' (required)", schema: { pattern: EMAIL_LIST } },
  { key: "investigator", flag: "investigator", env: "SCICAT_INVESTIGATOR", kind: "string", doc: "who ran the simulation (required; v4: principalInvestigators)" },
  { key: "inputDatasets", flag: "input-datasets", env: "SCICAT_INPUT_DATASETS", kind: "list", doc: "pids of input datasets (comma-separated; default none)" },
  { key: "usedSoftware", flag: "used-software", env: "SCICAT_USED_SOFTWARE", kind: "list", doc: "extra software entries; the code name and version found are always added" },
  { key: "creationLocation", flag: "creation-location", env: "SCICAT_CREATION_LOCATION", kind: "string", doc: "creation location (required for raw datasets)" },
  { key: "sourceFolder", flag: "source-folder", env: "SCICAT_SOURCE_FOLDER", kind: "string", doc: "source folder (default: the run folder's absolute path; one path only)", schema: { pattern: "^/" } },
  { key: "creationTime", flag: "creation-time", env: "SCICAT_CREATION_TIME", kind: "string", doc: "ISO 8601 date-time (default: newest file modification time)", schema: { format: "date-time" } },
  { key: "datasetName", flag: "dataset-name", env: "SCICAT_DATASET_NAME", kind: "string", doc: "dataset name (default: last two segments of the source folder; one path only)" },
  { key: "description", flag: "description", env: "SCICAT_DESCRIPTION", kind: "string", doc: "free-text description (default: generated from the code and folder)" },
  { key: "keywords", flag: "keywords", env: "SCICAT_KEYWORDS", kind: "list", doc: "extra keywords (comma-separated)" },
  { key: "license", flag: "license", env: "SCICAT_LICENSE", kind: "string", doc: "license name" },
  { key: "shotUids", flag: "shot-uids", env: "SCICAT_SHOT_UIDS", kind: "list", doc: "experiment shot uids this run belongs to (comma-separated)" },
  { key: "campaign", flag: "campaign", env: "SCICAT_CAMPAIGN", kind: "string", doc: "experiment campaign" },
  { key: "wavelength", flag: "wavelength", env: "SCICAT_WAVELENGTH", kind: "number", doc: "Smilei reference wavelength in metres", schema: { exclusiveMinimum: 0 } },
  { key: "code", flag: "code", kind: "string", doc: `force the code: ${CODES.join(", ")}`, schema: { enum: [...CODES] } },
  { key: "cfg", flag: "cfg", kind: "string", doc: "PIConGPU .cfg file to read" },
  { key: "flagsSet", flag: "flags-set", kind: "integer", doc: "PIConGPU cmakeFlags set that was built (default 0)", schema: { minimum: 0 } },
  { key: "report", flag: "report", env: "SCICAT_REPORT", kind: "string", doc: "JSON report path (default shotline-scicat-report.json)" },
];

export class ConfigError extends Error {
  override name = "ConfigError";
  readonly problems: string[];
  constructor(problems: string[]) {
    super(problems.join("\n"));
    this.problems = problems;
  }
}

function schemaFor(field: FieldSpec): Record<string, unknown> {
  const base: Record<string, unknown> =
    field.kind === "list"
      ? { type: "array", items: { type: "string", minLength: 1 } }
      : field.kind === "number"
        ? { type: "number" }
        : field.kind === "integer"
          ? { type: "integer" }
          : { type: "string", minLength: 1 };
  return { ...base, ...(field.schema ?? {}), description: field.doc };
}

export const SETTINGS_SCHEMA = {
  $id: "https://shotline.invalid/scicat-tools/config.schema.json",
  title: "shotline-scicat upload configuration",
  type: "object",
  additionalProperties: false,
  properties: Object.fromEntries([["$schema", { type: "string" }], ...FIELDS.map((f) => [f.key, schemaFor(f)])]),
} as const;

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = new Ajv({ allErrors: true, strict: true });
addFormats(ajv);
const validateSettings = ajv.compile(SETTINGS_SCHEMA);

const byKey = new Map(FIELDS.map((f) => [f.key as string, f]));

function describeError(e: ErrorObject, label: (key: string) => string): string {
  if (e.keyword === "additionalProperties") {
    const extra = (e.params as { additionalProperty: string }).additionalProperty;
    return `${label(extra)}: unknown field (known fields: ${FIELDS.map((f) => f.key).join(", ")})`;
  }
  const key = e.instancePath.split("/")[1] ?? "";
  const field = byKey.get(key);
  let reason = e.message ?? "is invalid";
  if (e.keyword === "pattern" && key === "contactEmail") reason = "must be an e-mail address (several separated by ';')";
  else if (e.keyword === "pattern" && key === "url") reason = "must be an http:// or https:// URL";
  else if (e.keyword === "pattern" && key === "sourceFolder") reason = "must be an absolute path";
  else if (e.keyword === "enum") reason = `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(", ")}`;
  else if (e.keyword === "format" && key === "creationTime") reason = "must be an ISO 8601 date-time with time zone, e.g. 2024-05-01T12:00:00Z";
  const where = e.instancePath.split("/").slice(2).join("/");
  void field;
  return `${label(key)}${where ? `[${where}]` : ""}: ${reason}`;
}

function check(obj: Record<string, unknown>, label: (key: string) => string): string[] {
  if (validateSettings(obj)) return [];
  return (validateSettings.errors ?? []).map((e) => describeError(e, label));
}

function convert(field: FieldSpec, raw: string): unknown {
  switch (field.kind) {
    case "list":
      return raw
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
    case "number":
    case "integer": {
      const n = Number(raw.trim());
      return raw.trim() === "" || Number.isNaN(n) ? raw : n;
    }
    default:
      return raw;
  }
}

export interface SettingsSources {
  flags: Record<string, string | undefined>;
  env: Record<string, string | undefined>;
  configFile?: string;
}

/** Merge and validate flags > environment > config file. Throws ConfigError listing every problem. */
export function loadSettings(src: SettingsSources): UploadSettings {
  const problems: string[] = [];
  let fromFile: Record<string, unknown> = {};
  if (src.configFile) {
    let text: string;
    try {
      text = readFileSync(src.configFile, "utf8");
    } catch (e) {
      throw new ConfigError([`config file ${src.configFile}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`]);
    }
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("the top level must be a JSON object");
      fromFile = parsed as Record<string, unknown>;
    } catch (e) {
      throw new ConfigError([`config file ${src.configFile}: not valid JSON (${(e as Error).message})`]);
    }
    problems.push(...check(fromFile, (k) => `config file ${src.configFile}: "${k}"`));
  }
  const fromEnv: Record<string, unknown> = {};
  const fromFlags: Record<string, unknown> = {};
  for (const f of FIELDS) {
    const e = f.env ? src.env[f.env] : undefined;
    if (e !== undefined && e !== "") fromEnv[f.key] = convert(f, e);
    const fl = src.flags[f.flag];
    if (fl !== undefined) fromFlags[f.key] = convert(f, fl);
  }
  problems.push(...check(fromEnv, (k) => `environment ${byKey.get(k)?.env ?? k}`));
  problems.push(...check(fromFlags, (k) => `--${byKey.get(k)?.flag ?? k}`));
  if (problems.length) throw new ConfigError(problems);
  const merged = { ...fromFile, ...fromEnv, ...fromFlags } as Partial<UploadSettings> & { $schema?: string };
  delete merged.$schema;
  return {
    api: "v3",
    type: "derived",
    accessGroups: [],
    inputDatasets: [],
    usedSoftware: [],
    keywords: [],
    shotUids: [],
    report: "shotline-scicat-report.json",
    ...merged,
  } as UploadSettings;
}

/** Where a field can be set, for error messages. */
export function whereToSet(key: keyof UploadSettings): string {
  const f = byKey.get(key);
  if (!f) return key;
  return [`--${f.flag}`, f.env, `"${f.key}" in the --config file`].filter(Boolean).join(", ");
}

/** Every required field that is missing, with where to set it. */
export function missingFields(s: UploadSettings, opts: { dryRun: boolean; paths: number }): string[] {
  const missing: Array<keyof UploadSettings> = [];
  if (!opts.dryRun && !s.url) missing.push("url");
  if (!s.ownerGroup) missing.push("ownerGroup");
  if (!s.contactEmail) missing.push("contactEmail");
  if (s.api === "v3" && !s.owner) missing.push("owner");
  if (!s.investigator) missing.push("investigator");
  if (s.type === "raw" && !s.creationLocation) missing.push("creationLocation");
  const out = missing.map((k) => `${k}: set ${whereToSet(k)}`);
  if (!opts.dryRun && !s.token && !(s.username && s.password)) {
    out.push(`token or username+password: set --token / SCICAT_TOKEN, or --username and --password / SCICAT_USERNAME and SCICAT_PASSWORD (or in the --config file)`);
  }
  return out;
}

/** Settings that only make sense for a single run folder. */
export function singlePathProblems(s: UploadSettings, paths: number): string[] {
  if (paths <= 1) return [];
  return (["sourceFolder", "datasetName"] as const).filter((k) => s[k] !== undefined).map((k) => `${k}: can only be set when uploading one folder (got ${paths}); leave it unset to derive it per folder`);
}
