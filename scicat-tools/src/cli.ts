/** The `shotline-scicat` command. */
import { parseArgs } from "node:util";
import type { ParseArgsConfig } from "node:util";
import { DetectError, extract } from "./extract/detect.ts";
import { CODES } from "./extract/metadata.ts";
import type { Code, ExtractResult } from "./extract/metadata.ts";
import { runBatch } from "./upload/batch.ts";
import { ConfigError, FIELDS, loadSettings, missingFields, singlePathProblems } from "./upload/config.ts";

const USAGE = `Usage:
  shotline-scicat extract <path> [--json] [--code ${CODES.join("|")}] [--wavelength <m>] [--cfg <file>] [--flags-set <n>]
  shotline-scicat upload <path...> [--config <file.json>] [--api v3|v4] [--url <url>] [--token <t> | --username <u> --password <p>]
                  [--dry-run] [--report <file>] [--no-progress] [dataset fields...]
  shotline-scicat help

Dataset fields (flag / environment / config key):
${FIELDS.map((f) => `  --${f.flag.padEnd(18)} ${(f.env ?? "").padEnd(26)} ${f.doc}`).join("\n")}
`;

export interface Io {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  env: Record<string, string | undefined>;
  isTTY: boolean;
}

const defaultIo: Io = {
  stdout: (s) => process.stdout.write(s.endsWith("\n") ? s : `${s}\n`),
  stderr: (s) => process.stderr.write(s.startsWith("\r") || s.endsWith("\n") ? s : `${s}\n`),
  env: process.env,
  isTTY: Boolean(process.stderr.isTTY),
};

class UsageError extends Error {
  override name = "UsageError";
}

function parse(argv: string[], options: ParseArgsConfig["options"]) {
  try {
    return parseArgs({ args: argv, options: options!, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

function printHuman(r: ExtractResult, io: Io): void {
  io.stdout(`code: ${r.code}${r.codeVersion ? ` ${r.codeVersion}` : ""}`);
  const fmt = (v: unknown): string => {
    if (typeof v === "object" && v !== null && !Array.isArray(v) && "value" in v) {
      const q = v as { value: unknown; unit?: string; [k: string]: unknown };
      const extra = Object.entries(q)
        .filter(([k]) => k !== "value" && k !== "unit")
        .map(([k, x]) => `${k}=${JSON.stringify(x)}`);
      return `${JSON.stringify(q.value)}${q.unit ? ` ${q.unit}` : ""}${extra.length ? `  (${extra.join(", ")})` : ""}`;
    }
    return JSON.stringify(v);
  };
  const sm = r.scientificMetadata;
  const prov = (sm["provenance"] ?? {}) as Record<string, { file: string; line: number; note?: string }>;
  for (const [k, v] of Object.entries(sm)) {
    if (k === "provenance" || k === "code" || k === "code_version") continue;
    if (Array.isArray(v)) {
      io.stdout(`${k}:`);
      v.forEach((item, i) => io.stdout(`  - ${JSON.stringify(item)}${prov[`${k}[${i}].name`] ?? prov[`${k}[${i}]`] ? `    <- ${fmtSrc(prov[`${k}[${i}].name`] ?? prov[`${k}[${i}]`]!)}` : ""}`));
    } else io.stdout(`${k}: ${fmt(v)}${prov[k] ? `    <- ${fmtSrc(prov[k])}` : ""}`);
  }
  io.stdout(`input files: ${r.inputFiles.join(", ")}`);
  if (r.warnings.length) {
    io.stdout(`warnings (${r.warnings.length}):`);
    for (const w of r.warnings) io.stdout(`  ${w}`);
  }
}

function fmtSrc(s: { file: string; line: number; note?: string }): string {
  return `${s.file}:${s.line}${s.note ? ` (${s.note})` : ""}`;
}

async function cmdExtract(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parse(argv, {
    json: { type: "boolean" },
    code: { type: "string" },
    wavelength: { type: "string" },
    cfg: { type: "string" },
    "flags-set": { type: "string" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(`extract takes exactly one <path> (got ${positionals.length})`);
  // validate the option values with the same JSON Schema as upload settings
  const settings = loadSettings({
    flags: {
      code: values.code as string | undefined,
      wavelength: values.wavelength as string | undefined,
      cfg: values.cfg as string | undefined,
      "flags-set": values["flags-set"] as string | undefined,
    },
    env: {},
  });
  const r = extract(positionals[0]!, {
    ...(settings.code ? { code: settings.code as Code } : {}),
    ...(settings.wavelength !== undefined ? { wavelength: settings.wavelength } : {}),
    ...(settings.cfg ? { cfg: settings.cfg } : {}),
    ...(settings.flagsSet !== undefined ? { flagsSet: settings.flagsSet } : {}),
  });
  if (values.json) io.stdout(JSON.stringify({ code: r.code, scientificMetadata: r.scientificMetadata, warnings: r.warnings }, null, 2));
  else printHuman(r, io);
  return 0;
}

async function cmdUpload(argv: string[], io: Io): Promise<number> {
  const options: NonNullable<ParseArgsConfig["options"]> = {
    config: { type: "string" },
    "dry-run": { type: "boolean" },
    "no-progress": { type: "boolean" },
    help: { type: "boolean", short: "h" },
  };
  for (const f of FIELDS) options[f.flag] = { type: "string" };
  const { values, positionals } = parse(argv, options);
  if (values["help"]) {
    io.stdout(USAGE);
    return 0;
  }
  if (positionals.length === 0) throw new UsageError("upload needs at least one <path>");
  const flags: Record<string, string | undefined> = {};
  for (const f of FIELDS) flags[f.flag] = values[f.flag] as string | undefined;
  const settings = loadSettings({
    flags,
    env: io.env,
    ...(typeof values["config"] === "string" ? { configFile: values["config"] } : typeof io.env["SCICAT_CONFIG"] === "string" && io.env["SCICAT_CONFIG"] ? { configFile: io.env["SCICAT_CONFIG"] } : {}),
  });
  const dryRun = Boolean(values["dry-run"]);
  const problems = [...missingFields(settings, { dryRun, paths: positionals.length }), ...singlePathProblems(settings, positionals.length)];
  if (problems.length) {
    io.stderr(`shotline-scicat upload: cannot start, fix these first:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    return 2;
  }
  const report = await runBatch({
    settings,
    paths: positionals,
    dryRun,
    log: io.stderr,
    out: io.stdout,
    progressBar: io.isTTY && !values["no-progress"],
  });
  return report.counts.failed > 0 ? 1 : 0;
}

/** Entry point; returns the exit code. */
export async function main(argv: string[], io: Io = defaultIo): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    switch (cmd) {
      case "extract":
        return await cmdExtract(rest, io);
      case "upload":
        return await cmdUpload(rest, io);
      case undefined:
      case "help":
      case "--help":
      case "-h":
        io.stdout(USAGE);
        return cmd === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command '${cmd}'`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr(`shotline-scicat: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    if (e instanceof ConfigError) {
      io.stderr(`shotline-scicat: invalid settings:\n${e.problems.map((p) => `  - ${p}`).join("\n")}`);
      return 2;
    }
    if (e instanceof DetectError) {
      io.stderr(`shotline-scicat: ${e.message}`);
      return 1;
    }
    io.stderr(`shotline-scicat: ${(e as Error).stack ?? String(e)}`);
    return 1;
  }
}
