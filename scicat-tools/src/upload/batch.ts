/**
 * Uploading one or many run folders: extraction, payloads, the SciCat
 * calls (isValid → create → origdatablock, or update / unchanged), progress,
 * summary table and JSON report. One failing folder never stops the rest.
 */
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { extract } from "../extract/detect.ts";
import type { ExtractResult } from "../extract/metadata.ts";
import { ScicatClient } from "./client.ts";
import type { UploadSettings } from "./config.ts";
import { buildPayloads, changedFields, isSubset, listFiles } from "./dataset.ts";

export type Status = "created" | "updated" | "unchanged" | "failed" | "dry-run";

export interface FolderResult {
  path: string;
  status: Status;
  pid?: string;
  code?: string;
  sourceFolder?: string;
  datasetName?: string;
  message?: string;
  changed?: string[];
  warnings: string[];
  payloads?: { dataset: Record<string, unknown>; origdatablock: Record<string, unknown> };
}

export interface BatchOptions {
  settings: UploadSettings;
  paths: string[];
  dryRun: boolean;
  /** where progress and the summary go (stderr by default) */
  log: (line: string) => void;
  /** where dry-run payloads go (stdout by default) */
  out: (text: string) => void;
  /** draw a progress bar (TTY) instead of one line per folder */
  progressBar: boolean;
  /** for tests: a client to use instead of building one */
  client?: ScicatClient;
}

export interface BatchReport {
  startedAt: string;
  finishedAt: string;
  api: string;
  url?: string;
  dryRun: boolean;
  counts: Record<Status, number>;
  results: FolderResult[];
}

function extractFor(path: string, s: UploadSettings): ExtractResult {
  return extract(path, {
    ...(s.code ? { code: s.code } : {}),
    ...(s.wavelength !== undefined ? { wavelength: s.wavelength } : {}),
    ...(s.cfg ? { cfg: s.cfg } : {}),
    ...(s.flagsSet !== undefined ? { flagsSet: s.flagsSet } : {}),
  });
}

/** Upload one folder; never throws (errors become a failed result). */
export async function uploadOne(path: string, s: UploadSettings, client: ScicatClient | undefined, dryRun: boolean): Promise<FolderResult> {
  const result: FolderResult = { path, status: "failed", warnings: [] };
  try {
    const ex = extractFor(path, s);
    result.code = ex.code;
    result.warnings = ex.warnings;
    const folder = resolve(ex.root);
    const files = await listFiles(folder);
    const { dataset, origdatablock, checksum } = buildPayloads({ extract: ex, settings: s, files, folder });
    result.sourceFolder = dataset["sourceFolder"] as string;
    result.datasetName = dataset["datasetName"] as string;
    if (dryRun || !client) {
      result.status = "dry-run";
      result.payloads = { dataset, origdatablock };
      return result;
    }

    // an existing dataset for this folder?
    const existing = await client.findDatasets({ sourceFolder: dataset["sourceFolder"] });
    const checksumOf = (d: Record<string, unknown>) => ((d["scientificMetadata"] as Record<string, { value?: unknown }> | undefined)?.["input_checksum"]?.value as string | undefined) ?? undefined;
    let match = existing.find((d) => checksumOf(d) === checksum) ?? (existing.length === 1 ? existing[0] : undefined);
    if (!match && existing.length > 1) {
      match = [...existing].sort((a, b) => String(b["createdAt"] ?? "").localeCompare(String(a["createdAt"] ?? "")))[0];
      result.warnings.push(`${existing.length} datasets have sourceFolder ${String(dataset["sourceFolder"])} and none has this input checksum; updating the newest (${String(match?.["pid"])})`);
    }

    if (match) {
      const pid = String(match["pid"]);
      result.pid = pid;
      const changes = changedFields(dataset, match);
      const changed = Object.keys(changes);
      if (changed.length) await client.patchDataset(pid, changes);
      const blocks = await client.findOrigDatablocks(pid);
      const wantedBlock = { ...origdatablock, datasetId: pid };
      let blockChanged = false;
      if (blocks.length === 0) {
        await client.createOrigDatablock(wantedBlock);
        blockChanged = true;
      } else if (!isSubset(origdatablock["dataFileList"], blocks[0]!["dataFileList"]) || blocks[0]!["size"] !== origdatablock["size"]) {
        const id = String(blocks[0]!["_id"] ?? blocks[0]!["id"]);
        await client.patchOrigDatablock(id, { size: origdatablock["size"], dataFileList: origdatablock["dataFileList"], chkAlg: "sha256" });
        blockChanged = true;
      }
      if (blockChanged) changed.push("origdatablock");
      result.status = changed.length ? "updated" : "unchanged";
      if (changed.length) result.changed = changed;
      result.message = changed.length
        ? `updated ${changed.join(", ")}${checksumOf(match) !== checksum ? " (inputs changed)" : ""}`
        : "up to date";
      return result;
    }

    const valid = await client.isValid(dataset);
    if (!valid.valid) {
      result.message = `SciCat says the dataset is not valid${valid.error ? `: ${valid.error}` : ""}`;
      return result;
    }
    const created = await client.createDataset(dataset);
    const pid = String(created["pid"]);
    result.pid = pid;
    try {
      await client.createOrigDatablock({ ...origdatablock, datasetId: pid });
    } catch (e) {
      // do not leave a dataset without its file list behind; a re-run will create both
      let rollback = "dataset removed again";
      try {
        await client.deleteDataset(pid);
      } catch (e2) {
        rollback = `and removing the dataset failed too (${(e2 as Error).message}); remove ${pid} by hand`;
      }
      delete result.pid;
      result.message = `origdatablock not created: ${(e as Error).message}; ${rollback}`;
      return result;
    }
    result.status = "created";
    result.message = `created ${pid}`;
    return result;
  } catch (e) {
    result.status = "failed";
    result.message = (e as Error).message;
    return result;
  }
}

function bar(done: number, total: number, label: string): string {
  const width = 24;
  const filled = total ? Math.round((done / total) * width) : width;
  return `\r[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${done}/${total} ${label}`.padEnd(80);
}

export function summaryTable(results: FolderResult[]): string {
  const rows = results.map((r) => [r.status, r.path, r.pid ?? "", r.message ?? ""]);
  const head = ["status", "folder", "pid", "details"];
  const widths = head.map((h, i) => Math.min(60, Math.max(h.length, ...rows.map((row) => row[i]!.length))));
  const fmt = (row: string[]) => row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]!))).join("  ");
  const counts = countStatuses(results);
  const total = `${counts.created} created, ${counts.updated} updated, ${counts.unchanged} unchanged, ${counts.failed} failed${counts["dry-run"] ? `, ${counts["dry-run"]} dry-run` : ""}`;
  return [fmt(head), fmt(widths.map((w) => "-".repeat(w))), ...rows.map(fmt), "", total].join("\n");
}

export function countStatuses(results: FolderResult[]): Record<Status, number> {
  const c: Record<Status, number> = { created: 0, updated: 0, unchanged: 0, failed: 0, "dry-run": 0 };
  for (const r of results) c[r.status]++;
  return c;
}

/** Run the batch; returns the report (exit code: any failed → 1). */
export async function runBatch(opts: BatchOptions): Promise<BatchReport> {
  const { settings: s, paths, dryRun, log } = opts;
  const startedAt = new Date().toISOString();
  const results: FolderResult[] = [];
  let client = opts.client;
  let loginError: string | undefined;
  if (!dryRun && !client) {
    client = new ScicatClient({ url: s.url!, api: s.api, ...(s.token ? { token: s.token } : {}) });
    if (!s.token && s.username && s.password) {
      try {
        await client.login(s.username, s.password);
      } catch (e) {
        loginError = `login as ${s.username} failed: ${(e as Error).message}`;
      }
    }
  }
  for (let i = 0; i < paths.length; i++) {
    const p = paths[i]!;
    if (opts.progressBar) log(bar(i, paths.length, p));
    const r = loginError ? { path: p, status: "failed" as const, message: loginError, warnings: [] } : await uploadOne(p, s, client, dryRun);
    results.push(r);
    if (opts.progressBar) log(bar(i + 1, paths.length, p));
    else log(`[${i + 1}/${paths.length}] ${p}: ${r.status}${r.message ? ` — ${r.message}` : ""}`);
    if (dryRun && r.payloads) opts.out(JSON.stringify({ path: p, code: r.code, dataset: r.payloads.dataset, origdatablock: r.payloads.origdatablock, warnings: r.warnings }, null, 2));
  }
  if (opts.progressBar) log("\n");
  log(summaryTable(results));
  const report: BatchReport = {
    startedAt,
    finishedAt: new Date().toISOString(),
    api: s.api,
    ...(s.url ? { url: s.url } : {}),
    dryRun,
    counts: countStatuses(results),
    results: results.map(({ payloads: _p, ...rest }) => rest),
  };
  writeFileSync(s.report, `${JSON.stringify(report, null, 2)}\n`);
  log(`report written to ${s.report}`);
  return report;
}
