/**
 * Building SciCat dataset and origdatablock payloads from extracted metadata
 * and upload settings, for API v3 and v4.
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { basename, dirname, join, relative, sep } from "node:path";
import type { ExtractResult } from "../extract/metadata.ts";
import type { ApiVersion, UploadSettings } from "./config.ts";

export interface FileEntry {
  /** path relative to the source folder, with forward slashes */
  path: string;
  size: number;
  /** modification time, ISO 8601 */
  time: string;
  /** sha256 hex digest */
  chk: string;
}

const SKIP_DIRS = new Set([".git", ".svn", "node_modules", "__pycache__"]);

async function sha256(file: string): Promise<string> {
  const h = createHash("sha256");
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest("hex");
}

/** Every regular file under `root` (sorted), with size, mtime and checksum. */
export async function listFiles(root: string): Promise<FileEntry[]> {
  const out: FileEntry[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const full = join(dir, e.name);
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) await walk(full);
      } else if (e.isFile()) {
        const s = await stat(full);
        out.push({ path: relative(root, full).split(sep).join("/"), size: s.size, time: s.mtime.toISOString(), chk: await sha256(full) });
      }
    }
  };
  await walk(root);
  return out;
}

/** Checksum of the input files the extractor read (paths and contents). */
export function inputChecksum(files: FileEntry[], inputFiles: string[]): string {
  const wanted = new Set(inputFiles.map((f) => f.split(sep).join("/")));
  const h = createHash("sha256");
  for (const f of files.filter((x) => wanted.has(x.path)).sort((a, b) => (a.path < b.path ? -1 : 1))) h.update(`${f.path}\0${f.chk}\n`);
  return `sha256:${h.digest("hex")}`;
}

const CODE_LABEL: Record<string, string> = { smilei: "Smilei", warpx: "WarpX", picongpu: "PIConGPU", picmi: "PICMI" };

export function softwareEntry(ex: ExtractResult): string {
  const backend = (ex.scientificMetadata["picmi_backend"] as { value?: string } | undefined)?.value;
  const label = ex.code === "picmi" && backend ? `${CODE_LABEL[backend] ?? backend} (PICMI)` : CODE_LABEL[ex.code]!;
  return ex.codeVersion ? `${label} ${ex.codeVersion}` : label;
}

/** SciCat's default dataset name: the last two segments of the source folder. */
export function defaultDatasetName(sourceFolder: string): string {
  const parts = sourceFolder.split("/").filter(Boolean);
  return parts.slice(-2).join("/") || sourceFolder;
}

export interface BuildInput {
  extract: ExtractResult;
  settings: UploadSettings;
  files: FileEntry[];
  /** the run folder on disk */
  folder: string;
}

export interface Payloads {
  dataset: Record<string, unknown>;
  /** origdatablock without datasetId (added once the pid is known) */
  origdatablock: Record<string, unknown>;
  checksum: string;
}

export function buildPayloads(input: BuildInput): Payloads {
  const { extract: ex, settings: s, files, folder } = input;
  const api: ApiVersion = s.api;
  const sourceFolder = (s.sourceFolder ?? folder).replace(/\/+$/, "") || "/";
  const newest = files.reduce((t, f) => (f.time > t ? f.time : t), "");
  const creationTime = s.creationTime ? new Date(s.creationTime).toISOString() : newest || new Date(0).toISOString();
  const checksum = inputChecksum(files, ex.inputFiles);
  const software = [softwareEntry(ex), ...s.usedSoftware.filter((x) => x !== softwareEntry(ex))];
  const keywords = [
    "simulation",
    ex.code,
    ...(ex.code === "picmi" && ex.scientificMetadata["picmi_backend"] ? [String((ex.scientificMetadata["picmi_backend"] as { value: string }).value)] : []),
    ...(s.campaign ? [`campaign:${s.campaign}`] : []),
    ...s.shotUids.map((u) => `shot:${u}`),
    ...s.keywords,
  ].filter((k, i, all) => all.indexOf(k) === i);

  const scientificMetadata: Record<string, unknown> = {
    ...ex.scientificMetadata,
    input_checksum: { value: checksum },
    input_files: { value: ex.inputFiles },
  };
  if (ex.warnings.length) scientificMetadata["extraction_warnings"] = { value: ex.warnings };
  if (s.shotUids.length) scientificMetadata["experiment_shot_uids"] = { value: s.shotUids };
  if (s.campaign) scientificMetadata["campaign"] = { value: s.campaign };
  if (s.type === "raw") scientificMetadata["used_software"] = { value: software };

  const dataset: Record<string, unknown> = {
    type: s.type,
    ownerGroup: s.ownerGroup,
    accessGroups: s.accessGroups,
    contactEmail: s.contactEmail,
    sourceFolder,
    creationTime,
    datasetName: s.datasetName ?? defaultDatasetName(sourceFolder),
    description: s.description ?? `${softwareEntry(ex)} simulation in ${basename(sourceFolder)} (${basename(dirname(sourceFolder))})`,
    keywords,
    size: files.reduce((n, f) => n + f.size, 0),
    numberOfFiles: files.length,
    scientificMetadata,
  };
  if (s.owner) dataset["owner"] = s.owner;
  if (s.license) dataset["license"] = s.license;
  if (s.type === "derived") {
    if (api === "v3") dataset["investigator"] = s.investigator;
    else dataset["principalInvestigators"] = s.investigator ? [s.investigator] : [];
    dataset["inputDatasets"] = s.inputDatasets;
    dataset["usedSoftware"] = software;
  } else {
    if (api === "v3") dataset["principalInvestigator"] = s.investigator;
    else dataset["principalInvestigators"] = s.investigator ? [s.investigator] : [];
    dataset["creationLocation"] = s.creationLocation;
    dataset["dataFormat"] = `${softwareEntry(ex)} input`;
  }
  for (const k of Object.keys(dataset)) if (dataset[k] === undefined) delete dataset[k];

  const origdatablock: Record<string, unknown> = {
    ownerGroup: s.ownerGroup,
    accessGroups: s.accessGroups,
    size: files.reduce((n, f) => n + f.size, 0),
    chkAlg: "sha256",
    dataFileList: files.map((f) => ({ path: f.path, size: f.size, time: f.time, chk: f.chk })),
  };
  return { dataset, origdatablock, checksum };
}

/**
 * True if every key of `wanted` is present in `actual` with the same value
 * (recursively). Extra keys in `actual` (pid, timestamps, valueSI/unitSI
 * added by the server) are ignored.
 */
export function isSubset(wanted: unknown, actual: unknown): boolean {
  if (wanted === actual) return true;
  if (typeof wanted === "number" && typeof actual === "number") return wanted === actual || Math.abs(wanted - actual) <= 1e-12 * Math.max(Math.abs(wanted), Math.abs(actual));
  if (Array.isArray(wanted)) return Array.isArray(actual) && wanted.length === actual.length && wanted.every((w, i) => isSubset(w, actual[i]));
  if (typeof wanted === "object" && wanted !== null) {
    if (typeof actual !== "object" || actual === null || Array.isArray(actual)) return false;
    return Object.entries(wanted).every(([k, v]) => isSubset(v, (actual as Record<string, unknown>)[k]));
  }
  if (typeof wanted === "string" && typeof actual === "string") {
    // the server may normalise date-times (e.g. drop milliseconds)
    const dw = Date.parse(wanted);
    const da = Date.parse(actual);
    return /^\d{4}-\d\d-\d\dT/.test(wanted) && !Number.isNaN(dw) && dw === da;
  }
  return false;
}

/** Top-level dataset fields that differ from what exists. */
export function changedFields(wanted: Record<string, unknown>, existing: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(wanted)) {
    if (k === "type") continue;
    if (!isSubset(v, existing[k])) out[k] = v;
  }
  return out;
}
