/**
 * PIConGPU run folders: `.param` C++ headers (include/picongpu/param/), the
 * `cmakeFlags` script (PARAM_OVERWRITES for `#ifndef` defaults) and the tbg
 * `.cfg` file (TBG_ variables with `!TBG_` substitution).
 */
import { existsSync, readFileSync, readdirSync, statSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { ExprError, evaluateText } from "./expr.ts";
import type { Num } from "./expr.ts";
import { MetadataBuilder, unitVector } from "./metadata.ts";
import type { DiagnosticEntry, ExtractResult, Source, SpeciesEntry } from "./metadata.ts";
import { PICONGPU_CONSTANTS, a0FromField } from "./units.ts";

export interface PicongpuOptions {
  /** which .cfg file to read (name or path); default: the only one, or the first */
  cfg?: string;
  /** which cmakeFlags set was built (default 0) */
  flagsSet?: number;
  codeVersion?: string;
}

interface Define {
  value: string;
  file: string;
  line: number;
}

interface Decl {
  name: string;
  type: string;
  expr: string;
  file: string;
  line: number;
}

/** Replace comments by spaces, keeping newlines and string literals. */
export function stripCppComments(src: string): string {
  let out = "";
  let i = 0;
  while (i < src.length) {
    const ch = src[i]!;
    if (ch === '"' || ch === "'") {
      let j = i + 1;
      while (j < src.length && src[j] !== ch && src[j] !== "\n") j += src[j] === "\\" ? 2 : 1;
      out += src.slice(i, j + 1);
      i = j + 1;
    } else if (src.startsWith("//", i)) {
      while (i < src.length && src[i] !== "\n") {
        out += " ";
        i++;
      }
    } else if (src.startsWith("/*", i)) {
      const end = src.indexOf("*/", i + 2);
      const stop = end < 0 ? src.length : end + 2;
      out += src.slice(i, stop).replace(/[^\n]/g, " ");
      i = stop;
    } else {
      out += ch;
      i++;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// cmakeFlags and .cfg (bash-like)

/** Parse `flags[N]="..."` sets and the PARAM_OVERWRITES of one of them. */
export function parseCmakeFlags(text: string, set: number, file: string): { defines: Map<string, Define>; sets: number[]; found: boolean } {
  const defines = new Map<string, Define>();
  const sets: number[] = [];
  let found = false;
  text.split(/\r?\n/).forEach((line, i) => {
    const m = /^\s*flags\[(\d+)\]\s*=\s*(?:"(.*)"|'(.*)'|(\S*))\s*$/.exec(line);
    if (!m) return;
    const n = Number(m[1]);
    sets.push(n);
    if (n !== set) return;
    found = true;
    const value = m[2] ?? m[3] ?? m[4] ?? "";
    const ow = /-DPARAM_OVERWRITES:LIST\s*=\s*(?:'([^']*)'|"([^"]*)"|(\S+))/.exec(value);
    if (!ow) return;
    for (const item of (ow[1] ?? ow[2] ?? ow[3] ?? "").split(";")) {
      const d = /^\s*-D([A-Za-z_]\w*)(?:=(.*))?\s*$/.exec(item);
      if (d) defines.set(d[1]!, { value: (d[2] ?? "1").trim(), file, line: i + 1 });
    }
  });
  return { defines, sets, found };
}

export interface TbgVar {
  value: string;
  line: number;
}

/** Read `TBG_name=...` assignments (quotes, multi-line quoted values, `\` continuations). */
export function parseTbgCfg(text: string): Map<string, TbgVar> {
  const vars = new Map<string, TbgVar>();
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*(?:export\s+)?(TBG_\w+)\s*=(.*)$/.exec(lines[i]!);
    if (!m) continue;
    const start = i;
    let rest = m[2]!;
    let value: string;
    const q = rest.trimStart()[0];
    if (q === '"' || q === "'") {
      rest = rest.trimStart().slice(1);
      let acc = rest;
      while (!new RegExp(`(^|[^\\\\])${q}\\s*(#.*)?$`).test(acc) && i + 1 < lines.length) acc += `\n${lines[++i]}`;
      value = acc.replace(new RegExp(`${q}\\s*(#.*)?$`), "");
    } else {
      let acc = rest.replace(/\s+#.*$/, "");
      while (acc.endsWith("\\") && i + 1 < lines.length) acc = `${acc.slice(0, -1)} ${lines[++i]!.replace(/\s+#.*$/, "")}`;
      value = acc;
    }
    vars.set(m[1]!, { value: value.replace(/\\\n/g, " ").replace(/\s+/g, " ").trim(), line: start + 1 });
  }
  return vars;
}

/** Substitute `!TBG_name` references recursively. */
export function substituteTbg(value: string, vars: Map<string, TbgVar>, depth = 0): string {
  if (depth > 20) throw new Error("TBG substitution nested too deeply (cycle?)");
  return value.replace(/!(TBG_\w+)/g, (_m, name: string) => {
    const v = vars.get(name);
    return v === undefined ? `!${name}` : substituteTbg(v.value, vars, depth + 1);
  });
}

// ---------------------------------------------------------------------------
// .param preprocessing and declarations

class ParamSet {
  readonly defines = new Map<string, Define>();
  readonly decls = new Map<string, Decl>();
  readonly texts = new Map<string, string>(); // rel file -> active text
  readonly b: MetadataBuilder;
  private readonly cache = new Map<string, Num | "pending">();

  constructor(b: MetadataBuilder) {
    this.b = b;
  }

  /** Run the preprocessor over one file and collect its declarations. */
  add(rel: string, source: string): void {
    const lines = stripCppComments(source).split("\n");
    // each frame: [active, anyBranchTaken, parentActive]
    const stack: Array<{ active: boolean; taken: boolean; parent: boolean }> = [];
    const isActive = () => stack.every((f) => f.active);
    const active: string[] = [];
    for (let i = 0; i < lines.length; i++) {
      let line = lines[i]!;
      // join continued preprocessor lines
      while (/^\s*#/.test(line) && line.endsWith("\\") && i + 1 < lines.length) {
        line = `${line.slice(0, -1)} ${lines[++i]}`;
        active.push("");
      }
      const pp = /^\s*#\s*(\w+)\s*(.*)$/.exec(line);
      if (!pp) {
        active.push(isActive() ? line : "");
        continue;
      }
      active.push("");
      const [, directive, rest] = pp as unknown as [string, string, string];
      const parent = isActive();
      switch (directive) {
        case "ifndef":
        case "ifdef": {
          const name = rest.trim().split(/\s+/)[0] ?? "";
          const defined = this.defines.has(name);
          const cond = directive === "ifdef" ? defined : !defined;
          stack.push({ active: cond, taken: cond, parent });
          break;
        }
        case "if": {
          const cond = parent ? this.condition(rest, rel, i + 1) : false;
          stack.push({ active: cond, taken: cond, parent });
          break;
        }
        case "elif": {
          const f = stack[stack.length - 1];
          if (!f) break;
          const cond = !f.taken && f.parent ? this.condition(rest, rel, i + 1) : false;
          f.active = cond;
          f.taken ||= cond;
          break;
        }
        case "else": {
          const f = stack[stack.length - 1];
          if (f) {
            f.active = !f.taken;
            f.taken = true;
          }
          break;
        }
        case "endif":
          stack.pop();
          break;
        case "define": {
          if (!parent) break;
          const d = /^([A-Za-z_]\w*)(\([^)]*\))?\s*(.*)$/.exec(rest.trim());
          if (d && !d[2]) this.defines.set(d[1]!, { value: d[3]!.trim(), file: rel, line: i + 1 });
          break;
        }
        case "undef":
          if (parent) this.defines.delete(rest.trim());
          break;
        default:
          break; // include, pragma, error
      }
    }
    const text = active.join("\n");
    this.texts.set(rel, text);
    const re = /\b(?:static\s+)?(?:constexpr|const)\s+([A-Za-z_][\w:<>]*)\s+([A-Za-z_]\w*)\s*(?:=\s*([^;{}]+?)|\{([^;{}]*)\})\s*;/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text))) {
      const name = m[2]!;
      if (this.decls.has(name)) continue; // first definition wins
      const line = text.slice(0, m.index + m[0].indexOf(name)).split("\n").length;
      this.decls.set(name, { name, type: m[1]!, expr: (m[3] ?? m[4] ?? "").trim(), file: rel, line });
    }
  }

  private condition(expr: string, rel: string, line: number): boolean {
    const replaced = expr.replace(/defined\s*\(\s*(\w+)\s*\)|defined\s+(\w+)/g, (_m, a?: string, b2?: string) => (this.defines.has((a ?? b2)!) ? "1" : "0"));
    try {
      return evaluateText(replaced, (n) => this.resolve(n) ?? { value: 0, int: true }, "cpp").value !== 0;
    } catch (e) {
      this.b.warn({ file: rel, line, expression: expr, message: `#if condition not evaluated (${(e as Error).message}); branch taken as false` });
      return false;
    }
  }

  /** Resolve a name: constexpr declarations, then macros, then constants. */
  resolve = (name: string): Num | undefined => {
    const bare = name.includes("::") ? name.slice(name.lastIndexOf("::") + 2) : name;
    const cached = this.cache.get(bare);
    if (cached === "pending") throw new ExprError(`'${bare}' is defined in terms of itself`);
    if (cached) return cached;
    const decl = this.decls.get(bare);
    const def = this.defines.get(bare);
    let text: string | undefined;
    let intType = false;
    if (decl) {
      text = decl.expr;
      intType = /^(u?int\d*_t|int|unsigned|size_t|long|short|uint\w*)$/.test(decl.type.replace(/^.*::/, ""));
    } else if (def) text = def.value;
    if (text === undefined) {
      const c = PICONGPU_CONSTANTS[bare];
      return c === undefined ? undefined : { value: c, int: Number.isInteger(c) && bare.startsWith("DIM") };
    }
    this.cache.set(bare, "pending");
    try {
      const v = evaluateText(text, this.resolve, "cpp");
      const r: Num = decl ? (intType ? { value: Math.trunc(v.value), int: true } : { value: v.value, int: false }) : v;
      this.cache.set(bare, r);
      return r;
    } catch (e) {
      this.cache.delete(bare);
      throw e;
    }
  };

  where(name: string): Source | undefined {
    const d = this.decls.get(name) ?? this.defines.get(name);
    return d ? { file: d.file, line: d.line } : undefined;
  }

  /** Source of a value, pointing at an overriding/defining macro when the declaration just forwards one. */
  origin(name: string): Source | undefined {
    // follow plain forwards (A0 = PARAM_A0; SIMDIM -> PARAM_DIMENSION) to where the value is set
    const chain: string[] = [];
    let cur = name;
    for (let i = 0; i < 10; i++) {
      const d = this.decls.get(cur);
      const next = d ? d.expr : this.defines.get(cur)?.value;
      if (next === undefined || !/^[A-Za-z_]\w*$/.test(next) || !this.has(next)) break;
      const here = this.where(cur)!;
      chain.push(`${cur} at ${here.file}:${here.line}`);
      cur = next;
    }
    const src = this.where(cur);
    if (!src || chain.length === 0) return src;
    return { ...src, note: `${cur}, used by ${chain.join(" <- ")}` };
  }

  has(name: string): boolean {
    return this.decls.has(name) || this.defines.has(name);
  }

  /** Evaluate a named value, warning (once) when it cannot be evaluated. */
  number(name: string, field: string): number | undefined {
    if (!this.has(name)) return undefined;
    try {
      return this.resolve(name)?.value;
    } catch (e) {
      const d = this.decls.get(name) ?? this.defines.get(name)!;
      const expression = "expr" in d ? d.expr : d.value;
      this.b.warn({ file: d.file, line: d.line, expression, message: `${field} not extracted: cannot evaluate ${name}: ${(e as Error).message}` });
      return undefined;
    }
  }
}

// ---------------------------------------------------------------------------

export function findParamDir(root: string): string | undefined {
  for (const p of ["include/picongpu/param", "input/include/picongpu/param"]) {
    const d = join(root, p);
    if (existsSync(d) && statSync(d).isDirectory()) return d;
  }
  return undefined;
}

function findCfg(root: string, wanted: string | undefined, b: MetadataBuilder): string | undefined {
  const dirs = ["tbg", "etc/picongpu", "input/etc/picongpu"].map((d) => join(root, d)).filter((d) => existsSync(d) && statSync(d).isDirectory());
  const all = dirs.flatMap((d) => readdirSync(d).filter((f) => f.endsWith(".cfg")).sort().map((f) => join(d, f)));
  if (wanted) {
    const direct = existsSync(wanted) ? wanted : all.find((f) => basename(f) === wanted || basename(f) === `${wanted}.cfg`);
    if (!direct) throw new Error(`--cfg ${wanted}: no such .cfg file in ${root} (found: ${all.map((f) => relative(root, f)).join(", ") || "none"})`);
    return direct;
  }
  // a tbg output folder keeps the cfg that was used in tbg/
  const used = all.find((f) => relative(root, f).startsWith("tbg"));
  if (used) return used;
  if (all.length > 1) {
    b.warn({ file: relative(root, all[0]!), line: 1, message: `${all.length} .cfg files (${all.map((f) => basename(f)).join(", ")}); reading ${basename(all[0]!)} — choose another with --cfg` });
  }
  return all[0];
}

export function extractPicongpu(root: string, options: PicongpuOptions = {}): ExtractResult {
  const b = new MetadataBuilder();
  const files: string[] = [];
  const ps = new ParamSet(b);

  // cmakeFlags first: its PARAM_OVERWRITES pre-define macros so #ifndef defaults are skipped
  const set = options.flagsSet ?? 0;
  for (const p of ["cmakeFlags", "input/cmakeFlags"]) {
    const f = join(root, p);
    if (!existsSync(f)) continue;
    const rel = relative(root, f);
    files.push(rel);
    const parsed = parseCmakeFlags(readFileSync(f, "utf8"), set, rel);
    if (!parsed.found && parsed.sets.length) b.warn({ file: rel, line: 1, message: `flags[${set}] not found (sets: ${parsed.sets.join(", ")}); no parameter overrides applied` });
    for (const [k, v] of parsed.defines) ps.defines.set(k, v);
    if (parsed.defines.size) b.set("cmake_flags_set", { value: set }, { file: rel, line: [...parsed.defines.values()][0]!.line });
    break;
  }

  const paramDir = findParamDir(root);
  if (!paramDir) b.warn({ file: ".", line: 0, message: "no include/picongpu/param directory; .param values not extracted" });
  else {
    // dimension.param first (SIMDIM is used by others), then alphabetical
    const names = readdirSync(paramDir).filter((f) => f.endsWith(".param")).sort((a, c) => (a === "dimension.param" ? -1 : c === "dimension.param" ? 1 : a.localeCompare(c)));
    for (const n of names) {
      const rel = relative(root, join(paramDir, n));
      files.push(rel);
      ps.add(rel, readFileSync(join(paramDir, n), "utf8"));
    }
  }

  // ---- dimensionality ---------------------------------------------------------
  let ndim: number | undefined;
  const dimName = ps.has("SIMDIM") ? "SIMDIM" : ps.has("PARAM_DIMENSION") ? "PARAM_DIMENSION" : undefined;
  if (dimName) {
    ndim = ps.number(dimName, "dimensionality");
    if (ndim === 2 || ndim === 3) b.set("dimensionality", { value: `${ndim}D` }, ps.origin(dimName) ?? ps.where(dimName));
  } else if (paramDir) {
    ndim = 3;
    b.set("dimensionality", { value: "3D" }, { file: relative(root, paramDir), line: 0, note: "no SIMDIM/PARAM_DIMENSION: PIConGPU defaults to DIM3" });
  }

  // ---- cell size and time step ------------------------------------------------
  const cellNames = ["CELL_WIDTH_SI", "CELL_HEIGHT_SI", "CELL_DEPTH_SI"].slice(0, ndim ?? 3);
  const cell = cellNames.map((n) => ps.number(n, "cell_size"));
  const haveCell = cell.every((c) => c !== undefined);
  if (haveCell) b.quantity("cell_size", cell, "m", ps.origin(cellNames[0]!));
  const dt = ps.number("DELTA_T_SI", "timestep");
  if (dt !== undefined) b.quantity("timestep", dt, "s", ps.origin("DELTA_T_SI"));

  // ---- tbg cfg: grid, steps, moving window, plugins ------------------------------
  const cfg = findCfg(root, options.cfg, b);
  if (!cfg) b.warn({ file: ".", line: 0, message: "no .cfg file found (etc/picongpu/*.cfg or tbg/*.cfg): grid size, steps and plugins not extracted" });
  else {
    const rel = relative(root, cfg);
    files.push(rel);
    const vars = parseTbgCfg(readFileSync(cfg, "utf8"));
    const sub = (name: string) => {
      const v = vars.get(name);
      return v === undefined ? undefined : substituteTbg(v.value, vars);
    };
    const program = sub("TBG_programParams") ?? "";
    const flagValue = (short: string, long: string): string | undefined => {
      const m = new RegExp(`(?:^|\\s)(?:${short}|${long})\\s+((?:[^-\\s][^\\s]*\\s*)+)`).exec(program);
      return m?.[1]?.trim();
    };
    const loc = (name: string, note?: string): Source => ({ file: rel, line: vars.get(name)?.line ?? 0, ...(note ? { note } : {}) });
    const gridText = sub("TBG_gridSize") ?? flagValue("-g", "--gridSize");
    if (gridText !== undefined) {
      const cells = gridText.split(/\s+/).filter(Boolean).map(Number);
      if (cells.some((x) => !Number.isInteger(x))) b.warn({ file: rel, line: vars.get("TBG_gridSize")?.line ?? 0, expression: gridText, message: "grid_cells not extracted: grid size is not a list of integers" });
      else {
        const used = ndim ? cells.slice(0, ndim) : cells;
        b.quantity("grid_cells", used, undefined, loc("TBG_gridSize", "!TBG_ substituted"));
        if (haveCell && used.length === cell.length) {
          b.quantity("domain_lower", used.map(() => 0), "m", loc("TBG_gridSize", "PIConGPU domains start at 0"));
          b.quantity("domain_upper", used.map((n, i) => n * cell[i]!), "m", loc("TBG_gridSize", "grid size × cell size"));
        }
      }
    }
    const stepsText = sub("TBG_steps") ?? flagValue("-s", "--steps");
    if (stepsText !== undefined) {
      const s = Number(stepsText.trim());
      if (Number.isInteger(s)) {
        b.quantity("steps", s, undefined, loc("TBG_steps"));
        if (dt !== undefined) b.quantity("simulated_time", s * dt, "s", loc("TBG_steps", "steps × DELTA_T_SI"));
      } else b.warn({ file: rel, line: vars.get("TBG_steps")?.line ?? 0, expression: stepsText, message: "steps not extracted: not an integer" });
    }
    const moving = /(?:^|\s)(?:-m|--moving)(?:\s|$)/.test(program);
    const mwVar = [...vars.keys()].find((k) => /movingWindow/i.test(k));
    b.set("moving_window", { value: moving }, loc(program ? "TBG_programParams" : (mwVar ?? "TBG_programParams"), moving ? "-m in program parameters" : "no -m in program parameters"));
    const diags: DiagnosticEntry[] = [];
    const re = /--([A-Za-z_][\w]*(?:\.[\w]+)*)\.period\s+(\S+)/g;
    let m: RegExpExecArray | null;
    while ((m = re.exec(program))) {
      const p = m[2]!;
      diags.push({ name: m[1]!, type: "plugin", period: /^\d+$/.test(p) ? Number(p) : p });
    }
    if (diags.length) {
      diags.forEach((_d, i) => b.source(`diagnostics[${i}]`, loc("TBG_plugins", "!TBG_ substituted")));
      b.set("diagnostics", diags, undefined);
    }
    const unresolved = /!TBG_\w+/.exec(program);
    if (unresolved) b.warn({ file: rel, line: vars.get("TBG_programParams")?.line ?? 0, expression: unresolved[0], message: "TBG variable used but not defined" });
  }

  // ---- laser ----------------------------------------------------------------
  if (ps.has("WAVE_LENGTH_SI")) {
    const profiles = [...ps.texts.values()].join("\n");
    const used = [...profiles.matchAll(/using\s+(XMin|XMax|YMin|YMax|ZMin|ZMax)\s*=\s*([^;]+);/g)];
    const allNone = used.length > 0 && used.every((u) => /\bNone\b/.test(u[2]!));
    if (allNone) {
      const w = ps.where("WAVE_LENGTH_SI")!;
      b.warn({ file: w.file, line: w.line, message: "laser parameters are defined but every incident-field boundary is None; laser_* not extracted" });
    } else {
      const wl = ps.number("WAVE_LENGTH_SI", "laser_wavelength");
      if (wl !== undefined) b.quantity("laser_wavelength", wl, "m", ps.origin("WAVE_LENGTH_SI"));
      const a0 = ps.number("A0", "laser_a0");
      const amp = a0 !== undefined && a0 !== 0 ? undefined : ps.number("AMPLITUDE_SI", "laser_a0");
      if (a0 !== undefined && a0 !== 0) b.quantity("laser_a0", a0, undefined, ps.origin("A0"));
      else if (amp !== undefined && wl !== undefined) b.quantity("laser_a0", a0FromField(Math.abs(amp), wl), undefined, { ...ps.origin("AMPLITUDE_SI")!, note: "a0 = e E λ / (2π m_e c²)" });
      const w0 = ps.number("W0_SI", "laser_waist");
      if (w0 !== undefined) b.quantity("laser_waist", w0, "m", { ...ps.origin("W0_SI")!, note: "1/e² intensity radius (= field 1/e)" });
      const durName = ps.has("PULSE_DURATION_SI") ? "PULSE_DURATION_SI" : ps.has("PULSE_LENGTH_SI") ? "PULSE_LENGTH_SI" : undefined;
      if (durName) {
        const d = ps.number(durName, "laser_duration");
        if (d !== undefined) b.laserDuration(d, "s", "intensity_sigma", durName, ps.origin(durName), 1);
      }
      laserPolarization(ps, b);
    }
  }

  // ---- species ----------------------------------------------------------------
  const species: SpeciesEntry[] = [];
  for (const [rel, text] of ps.texts) {
    for (const m of text.matchAll(/Particles\s*<\s*PMACC_CSTRING\s*\(\s*"([^"]+)"\s*\)/g)) {
      const line = text.slice(0, m.index).split("\n").length;
      const i = species.length;
      species.push({ name: m[1]! });
      b.source(`species[${i}].name`, { file: rel, line });
    }
  }
  const ppc = ps.number("TYPICAL_PARTICLES_PER_CELL", "particles_per_cell");
  const density = ps.number("BASE_DENSITY_SI", "density");
  species.forEach((s, i) => {
    if (ppc !== undefined) {
      s.particles_per_cell = { value: ppc };
      b.source(`species[${i}].particles_per_cell`, { ...ps.origin("TYPICAL_PARTICLES_PER_CELL")!, note: "TYPICAL_PARTICLES_PER_CELL" });
    }
    if (density !== undefined) {
      s.density = { value: density, unit: "m^-3", definition: "BASE_DENSITY_SI (species ratio and profile not applied)" };
      b.source(`species[${i}].density`, ps.origin("BASE_DENSITY_SI"));
    }
  });
  if (species.length) b.set("species", species, undefined);

  return b.finish("picongpu", root, files, options.codeVersion);
}

function laserPolarization(ps: ParamSet, b: MetadataBuilder): void {
  const text = [...ps.texts.entries()];
  for (const [rel, t] of text) {
    const m = /Polari[sz]ation\w*\s*(?:=|\{)\s*(?:\w+::)*(Linear|Circular|LINEAR_X|LINEAR_Y|LINEAR_Z|CIRCULAR)\b/.exec(t);
    if (!m) continue;
    const line = t.slice(0, m.index).split("\n").length;
    const kind = /circular/i.test(m[1]!) ? "circular" : "linear";
    const pol: Record<string, unknown> = { value: kind };
    const legacy = /LINEAR_([XYZ])/.exec(m[1]!);
    if (legacy) pol["direction"] = ["X", "Y", "Z"].map((a) => (a === legacy[1] ? 1 : 0));
    else if (kind === "linear") {
      const dir = ["POLARISATION_DIRECTION_X", "POLARISATION_DIRECTION_Y", "POLARISATION_DIRECTION_Z"].map((n) => ps.number(n, "laser_polarization"));
      if (dir.every((d) => d !== undefined)) pol["direction"] = unitVector(dir as number[]);
    }
    b.set("laser_polarization", pol, { file: rel, line });
    return;
  }
}
