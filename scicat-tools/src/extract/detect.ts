/**
 * Code detection for an input file or a run folder, code-version discovery
 * in run logs, and the single `extract()` entry point.
 */
import { closeSync, existsSync, openSync, readSync, readdirSync, statSync } from "node:fs";
import { basename, dirname, extname, join, resolve, sep } from "node:path";
import { CODES } from "./metadata.ts";
import type { Code, ExtractResult } from "./metadata.ts";
import { extractPicmi } from "./picmi.ts";
import { extractPicongpu, findParamDir } from "./picongpu.ts";
import { extractSmilei } from "./smilei.ts";
import { extractWarpx } from "./warpx.ts";

export interface ExtractOptions {
  /** force the code instead of detecting it */
  code?: Code;
  /** Smilei reference wavelength (m) */
  wavelength?: number;
  /** PIConGPU .cfg file */
  cfg?: string;
  /** PIConGPU cmakeFlags set */
  flagsSet?: number;
}

export interface Detection {
  code: Code;
  /** the input file (Smilei, WarpX, PICMI) or the run folder (PIConGPU) */
  input: string;
  /** the run folder */
  root: string;
}

export class DetectError extends Error {
  override name = "DetectError";
}

function head(file: string, bytes = 256 * 1024): string {
  const fd = openSync(file, "r");
  try {
    const buf = Buffer.alloc(bytes);
    const n = readSync(fd, buf, 0, bytes, 0);
    return buf.subarray(0, n).toString("utf8");
  } finally {
    closeSync(fd);
  }
}

function isText(s: string): boolean {
  return !s.includes("\u0000");
}

/** Which Python dialect a script is, if any. */
export function classifyPython(text: string): Code | undefined {
  if (/\bpicmi\b/.test(text) && /\bimport\b/.test(text)) return "picmi";
  if (/^\s*(Main|MovingWindow|LaserGaussian\w*|LaserPlanar1D|DiagScalar|DiagFields)\s*\(/m.test(text)) return "smilei";
  // Smilei < 3 namelists: top-level parameters and blocks
  if (/^\s*(sim_length|sim_time)\s*=/m.test(text) && /^\s*Species\s*\(/m.test(text)) return "smilei";
  return undefined;
}

const WARPX_KEY = /^\s*(amr\.|geometry\.|warpx\.|max_step\s*=|particles\.|lasers\.|diagnostics\.|algo\.|my_constants\.)/m;

/** Looks like a WarpX/AMReX inputs file. */
export function looksLikeWarpx(text: string): boolean {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() && !l.trim().startsWith("#"));
  if (lines.length === 0) return false;
  const kv = lines.filter((l) => /^\s*[A-Za-z_][\w.]*(\([^)]*\))?\s*=/.test(l)).length;
  return kv / lines.length > 0.8 && WARPX_KEY.test(text);
}

function classifyFile(file: string): Code | undefined {
  const ext = extname(file);
  if (ext === ".param" || ext === ".cfg") return undefined;
  let text: string;
  try {
    text = head(file);
  } catch {
    return undefined;
  }
  if (!isText(text)) return undefined;
  if (ext === ".py") return classifyPython(text);
  if (looksLikeWarpx(text)) return "warpx";
  return undefined;
}

/** The run folder of a PIConGPU file given directly (walk up to the folder holding include/ or etc/). */
function picongpuRootOf(path: string): string | undefined {
  let dir = statSync(path).isDirectory() ? path : dirname(path);
  for (let i = 0; i < 8; i++) {
    if (findParamDir(dir) || existsSync(join(dir, "cmakeFlags"))) return dir;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return undefined;
}

export function detect(path: string, forced?: Code): Detection {
  const abs = resolve(path);
  if (!existsSync(abs)) throw new DetectError(`${path}: no such file or folder`);
  const st = statSync(abs);
  if (st.isFile()) {
    const ext = extname(abs);
    if (forced === "picongpu" || ext === ".param" || (ext === ".cfg" && abs.includes(`${sep}picongpu${sep}`))) {
      const root = picongpuRootOf(abs);
      if (!root) throw new DetectError(`${path}: a PIConGPU file outside a run folder (no include/picongpu/param or cmakeFlags above it)`);
      return { code: "picongpu", input: root, root };
    }
    const code = forced ?? classifyFile(abs);
    if (!code) throw new DetectError(`${path}: not a recognised Smilei namelist, WarpX inputs file or PICMI script (use --code to force one of ${CODES.join(", ")})`);
    return { code, input: abs, root: dirname(abs) };
  }
  // a folder
  if (forced === "picongpu" || findParamDir(abs) || existsSync(join(abs, "cmakeFlags")) || existsSync(join(abs, "etc", "picongpu"))) {
    return { code: "picongpu", input: abs, root: abs };
  }
  const candidates: Array<{ file: string; code: Code; rank: number }> = [];
  for (const name of readdirSync(abs).sort()) {
    const f = join(abs, name);
    let s;
    try {
      s = statSync(f);
    } catch {
      continue;
    }
    if (!s.isFile() || s.size > 5 * 1024 * 1024) continue;
    const code = classifyFile(f);
    if (!code || (forced && code !== forced)) continue;
    // prefer what WarpX wrote for the run, then files named like inputs
    const rank = name === "warpx_used_inputs" ? 0 : /^inputs/.test(name) ? 1 : name === "smilei.py" ? 1 : 2;
    candidates.push({ file: f, code, rank });
  }
  candidates.sort((a, b) => a.rank - b.rank);
  const best = candidates[0];
  if (!best) throw new DetectError(`${path}: no Smilei namelist, WarpX inputs file, PICMI script or PIConGPU setup found in this folder`);
  const sameRank = candidates.filter((c) => c.rank === best.rank);
  if (sameRank.length > 1 && new Set(sameRank.map((c) => c.code)).size > 1) {
    throw new DetectError(`${path}: several kinds of input found (${sameRank.map((c) => `${basename(c.file)}: ${c.code}`).join(", ")}); pass the file itself or --code`);
  }
  return { code: best.code, input: best.file, root: abs };
}

const VERSION_PATTERNS: Record<Code, RegExp[]> = {
  smilei: [/Version\s*:\s*(v?\d+\.\d+[\w.\-+]*)/, /Smilei\s+(v\d+\.\d+[\w.\-+]*)/],
  warpx: [/WarpX \((\d[\w.\-+]*)\)/, /WarpX\s+v(?:ersion)?\s*:?\s*(\d[\w.\-+]*)/i],
  picongpu: [/PIConGPU(?:\s+version)?\s*:?\s+v?(\d+\.\d+[\w.\-+]*)/i],
  picmi: [/WarpX \((\d[\w.\-+]*)\)/, /PIConGPU(?:\s+version)?\s*:?\s+v?(\d+\.\d+[\w.\-+]*)/i],
};

/** Look for the code's version in small log files of the run folder. */
export function findCodeVersion(root: string, code: Code): string | undefined {
  const candidates: string[] = [];
  const scan = (dir: string, depth: number) => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const n of names) {
      const f = join(dir, n);
      let s;
      try {
        s = statSync(f);
      } catch {
        continue;
      }
      if (s.isDirectory() && depth > 0 && (n === "simOutput" || n === "output" || n === "logs")) scan(f, depth - 1);
      else if (s.isFile() && s.size < 20 * 1024 * 1024 && /(\.(log|out|txt|err)$|^output$|^stdout$|^smilei\.log$)/.test(n)) candidates.push(f);
    }
  };
  scan(root, 2);
  for (const f of candidates.slice(0, 50)) {
    let text: string;
    try {
      text = head(f, 64 * 1024);
    } catch {
      continue;
    }
    for (const re of VERSION_PATTERNS[code]) {
      const m = re.exec(text);
      if (m) return m[1];
    }
  }
  return undefined;
}

/** Detect the code and extract metadata. */
export function extract(path: string, options: ExtractOptions = {}): ExtractResult {
  const d = detect(path, options.code);
  const codeVersion = findCodeVersion(d.root, d.code);
  const common = codeVersion ? { codeVersion } : {};
  switch (d.code) {
    case "smilei":
      return extractSmilei(d.input, d.root, { ...common, ...(options.wavelength !== undefined ? { wavelength: options.wavelength } : {}) });
    case "warpx":
      return extractWarpx(d.input, d.root, common);
    case "picongpu":
      return extractPicongpu(d.root, { ...common, ...(options.cfg !== undefined ? { cfg: options.cfg } : {}), ...(options.flagsSet !== undefined ? { flagsSet: options.flagsSet } : {}) });
    case "picmi":
      return extractPicmi(d.input, d.root, common);
  }
}
