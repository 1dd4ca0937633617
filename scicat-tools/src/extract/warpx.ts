/**
 * WarpX inputs files (AMReX ParmParse): `key = value [value ...]`, `#`
 * comments, `FILE = other` includes (relative to the including file),
 * `my_constants.name = expr`, and expressions evaluated by WarpX's parser.
 * The last definition of a key wins, as with ParmParse queries.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import { ExprError, evaluateText } from "./expr.ts";
import type { Num } from "./expr.ts";
import { MetadataBuilder, dimensionalityFromCount, unitVector } from "./metadata.ts";
import type { DiagnosticEntry, ExtractResult, Source, SpeciesEntry } from "./metadata.ts";
import { C, M_E, M_P, Q_E, WARPX_CONSTANTS, a0FromField, yeeCourantTimestep } from "./units.ts";

export interface WarpxEntry {
  key: string;
  raw: string;
  tokens: string[];
  file: string;
  line: number;
}

export interface WarpxOptions {
  codeVersion?: string;
}

/** Split a value into tokens; double-quoted strings stay one token. */
export function splitTokens(value: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(value))) out.push(m[1] ?? m[2]!);
  return out;
}

function stripComment(line: string): string {
  let inQuote = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (ch === '"') inQuote = !inQuote;
    else if (ch === "#" && !inQuote) return line.slice(0, i);
  }
  return line;
}

export function readWarpxInputs(file: string, root: string, b: MetadataBuilder, files: string[] = [], stack: string[] = []): WarpxEntry[] {
  const abs = resolve(file);
  const rel = relative(root, abs) || abs;
  if (stack.includes(abs)) {
    b.warn({ file: rel, line: 1, message: `include cycle: ${[...stack, abs].map((f) => relative(root, f)).join(" -> ")}` });
    return [];
  }
  if (!files.includes(rel)) files.push(rel);
  const entries: WarpxEntry[] = [];
  const lines = readFileSync(abs, "utf8").split(/\r?\n/);
  lines.forEach((rawLine, i) => {
    const line = stripComment(rawLine).trim();
    if (!line) return;
    const m = /^([A-Za-z_][\w.]*(?:\([^)]*\))?)\s*=\s*(.*)$/.exec(line);
    if (!m) {
      b.warn({ file: rel, line: i + 1, expression: line, message: "line is not 'key = value'; ignored" });
      return;
    }
    const key = m[1]!;
    const raw = m[2]!.trim();
    if (key === "FILE") {
      const target = resolve(dirname(abs), splitTokens(raw)[0] ?? "");
      if (!existsSync(target)) {
        b.warn({ file: rel, line: i + 1, expression: raw, message: "included file not found" });
        return;
      }
      entries.push(...readWarpxInputs(target, root, b, files, [...stack, abs]));
      return;
    }
    entries.push({ key, raw, tokens: splitTokens(raw), file: rel, line: i + 1 });
  });
  return entries;
}

const SPECIES_TYPES: Record<string, { charge: number; mass: number }> = {
  electron: { charge: -Q_E, mass: M_E },
  positron: { charge: Q_E, mass: M_E },
  proton: { charge: Q_E, mass: M_P },
  photon: { charge: 0, mass: 0 },
};

export function extractWarpx(file: string, root: string, options: WarpxOptions = {}): ExtractResult {
  const b = new MetadataBuilder();
  const files: string[] = [];
  const entries = readWarpxInputs(file, root, b, files);
  const w = new WarpxInputs(entries, b);
  extractFromInputs(w, b);
  return b.finish("warpx", root, files, options.codeVersion);
}

/** Key lookup and expression evaluation over a parsed inputs file. */
export class WarpxInputs {
  readonly entries: WarpxEntry[];
  readonly b: MetadataBuilder;
  private readonly last = new Map<string, WarpxEntry>();
  private readonly constants = new Map<string, Num | "pending" | "failed">();

  constructor(entries: WarpxEntry[], b: MetadataBuilder) {
    this.entries = entries;
    this.b = b;
    for (const e of entries) this.last.set(e.key, e);
  }

  get(key: string): WarpxEntry | undefined {
    return this.last.get(key);
  }

  src(e: WarpxEntry, note?: string): Source {
    const s: Source = { file: e.file, line: e.line };
    if (note) s.note = note;
    return s;
  }

  private resolveName = (name: string): Num | undefined => {
    const cached = this.constants.get(name);
    if (cached === "pending") throw new ExprError(`my_constants.${name} refers to itself`);
    if (cached === "failed") throw new ExprError(`my_constants.${name} could not be evaluated`);
    if (cached) return cached;
    const e = this.last.get(`my_constants.${name}`);
    if (!e) {
      const v = WARPX_CONSTANTS[name];
      return v === undefined ? undefined : { value: v, int: false };
    }
    this.constants.set(name, "pending");
    try {
      const v = evaluateText(e.tokens.join(" "), this.resolveName, "warpx");
      this.constants.set(name, v);
      return v;
    } catch (err) {
      this.constants.set(name, "failed");
      this.b.warn({ file: e.file, line: e.line, expression: e.raw, message: `cannot evaluate my_constants.${name}: ${(err as Error).message}` });
      throw new ExprError(`my_constants.${name} could not be evaluated`);
    }
  };

  /** Evaluate one token of a key (an expression); warns on failure. */
  evalToken(e: WarpxEntry, token: string, field: string): number | undefined {
    try {
      return evaluateText(token, this.resolveName, "warpx").value;
    } catch (err) {
      this.b.warn({ file: e.file, line: e.line, expression: token, message: `${field} not extracted: cannot evaluate ${e.key}: ${(err as Error).message}` });
      return undefined;
    }
  }

  number(key: string, field: string): { value: number; entry: WarpxEntry } | undefined {
    const e = this.get(key);
    if (!e) return undefined;
    const v = this.evalToken(e, e.tokens.join(" "), field);
    return v === undefined ? undefined : { value: v, entry: e };
  }

  numbers(key: string, field: string): { value: number[]; entry: WarpxEntry } | undefined {
    const e = this.get(key);
    if (!e) return undefined;
    const out: number[] = [];
    for (const t of e.tokens) {
      const v = this.evalToken(e, t, field);
      if (v === undefined) return undefined;
      out.push(v);
    }
    return { value: out, entry: e };
  }

  string(key: string): { value: string; entry: WarpxEntry } | undefined {
    const e = this.get(key);
    return e ? { value: e.tokens.join(" "), entry: e } : undefined;
  }

  bool(key: string): { value: boolean; entry: WarpxEntry } | undefined {
    const e = this.get(key);
    if (!e) return undefined;
    const t = (e.tokens[0] ?? "").toLowerCase();
    if (t === "true") return { value: true, entry: e };
    if (t === "false") return { value: false, entry: e };
    const n = this.evalToken(e, e.tokens.join(" "), e.key);
    return n === undefined ? undefined : { value: n !== 0, entry: e };
  }

  names(key: string): { value: string[]; entry: WarpxEntry } | undefined {
    const e = this.get(key);
    return e ? { value: e.tokens, entry: e } : undefined;
  }
}

function extractFromInputs(w: WarpxInputs, b: MetadataBuilder): void {
  // ---- geometry -------------------------------------------------------------
  const dimsE = w.string("geometry.dims");
  const coordSys = w.string("geometry.coord_sys");
  const nCell = w.numbers("amr.n_cell", "grid_cells");
  let dims: string | undefined;
  if (dimsE) {
    const v = dimsE.value.toUpperCase();
    dims = v === "RZ" ? "RZ" : dimensionalityFromCount(Number(v));
    if (!dims) b.warn({ file: dimsE.entry.file, line: dimsE.entry.line, expression: dimsE.value, message: "unknown geometry.dims" });
    else b.set("dimensionality", { value: dims }, w.src(dimsE.entry));
  } else if (coordSys && (coordSys.value === "1" || coordSys.value.toUpperCase() === "RZ")) {
    dims = "RZ";
    b.set("dimensionality", { value: dims }, w.src(coordSys.entry, "geometry.coord_sys = 1 (cylindrical)"));
  } else if (nCell) {
    dims = dimensionalityFromCount(nCell.value.length);
    if (dims) b.set("dimensionality", { value: dims }, w.src(nCell.entry, "number of amr.n_cell values"));
  }
  if (nCell) b.quantity("grid_cells", nCell.value, undefined, w.src(nCell.entry));
  const lo = w.numbers("geometry.prob_lo", "domain_lower");
  const hi = w.numbers("geometry.prob_hi", "domain_upper");
  if (lo) b.quantity("domain_lower", lo.value, "m", w.src(lo.entry));
  if (hi) b.quantity("domain_upper", hi.value, "m", w.src(hi.entry));
  let cell: number[] | undefined;
  if (lo && hi && nCell && lo.value.length === nCell.value.length && hi.value.length === nCell.value.length) {
    cell = nCell.value.map((n, i) => (hi.value[i]! - lo.value[i]!) / n);
    b.quantity("cell_size", cell, "m", w.src(nCell.entry, "(prob_hi - prob_lo) / n_cell"));
  }

  // ---- time step ------------------------------------------------------------
  let dt: number | undefined;
  const constDt = w.number("warpx.const_dt", "timestep");
  if (constDt) {
    dt = constDt.value;
    b.quantity("timestep", dt, "s", w.src(constDt.entry));
  } else if (cell) {
    const cflE = w.number("warpx.cfl", "timestep");
    const cfl = cflE?.value ?? 0.999;
    const solverE = w.string("algo.maxwell_solver");
    const solver = (solverE?.value ?? "yee").toLowerCase();
    let limit: number | undefined;
    let formula = "";
    if (solver === "yee" && dims === "RZ") {
      // WarpX's semi-analytic RZ limit: 1/(c sqrt((1+α_m)/dr² + 1/dz²)), α_m by number of azimuthal modes
      const ALPHA = [0.2105, 1.0, 3.5234, 8.5104, 15.5059, 24.5037];
      const modesE = w.number("warpx.n_rz_azimuthal_modes", "timestep");
      const modes = modesE?.value ?? 1;
      const alpha = ALPHA[modes - 1];
      if (alpha === undefined) {
        b.warn({ file: modesE!.entry.file, line: modesE!.entry.line, expression: modesE!.entry.raw, message: `timestep not derived for ${modes} azimuthal modes; set warpx.const_dt` });
      } else {
        limit = 1 / (C * Math.sqrt((1 + alpha) / cell[0]! ** 2 + 1 / cell[1]! ** 2));
        formula = `RZ Yee limit 1/(c sqrt(${1 + alpha}/dr² + 1/dz²)) for ${modes} azimuthal mode(s)`;
      }
    } else if (solver === "yee") {
      limit = yeeCourantTimestep(cell);
      formula = "Yee limit 1/(c sqrt(Σ 1/Δx²))";
    } else if (solver === "ckc") {
      limit = Math.min(...cell) / C;
      formula = "CKC limit min(Δx)/c";
    } else if (solver === "psatd") {
      limit = (dims === "RZ" ? cell[1]! : Math.min(...cell)) / C;
      formula = dims === "RZ" ? "PSATD Δz/c" : "PSATD min(Δx)/c";
    } else {
      b.warn({ file: solverE!.entry.file, line: solverE!.entry.line, expression: solverE!.value, message: `timestep not derived for Maxwell solver '${solver}'; set warpx.const_dt` });
    }
    if (limit !== undefined) {
      dt = cfl * limit;
      const where = cflE ? w.src(cflE.entry, `cfl × ${formula}`) : { ...w.src(nCell!.entry), note: `WarpX default cfl 0.999 × ${formula}` };
      b.quantity("timestep", dt, "s", where);
    }
  }
  const maxStep = w.number("max_step", "steps");
  const stopTime = w.number("stop_time", "simulated_time");
  let steps = maxStep?.value;
  let stepsSource = maxStep ? w.src(maxStep.entry) : undefined;
  if (stopTime && dt) {
    const byTime = Math.ceil(stopTime.value / dt - 1e-9);
    if (steps === undefined || byTime < steps) {
      steps = byTime;
      stepsSource = w.src(stopTime.entry, "ceil(stop_time / timestep)");
    }
  }
  if (steps !== undefined) b.quantity("steps", steps, undefined, stepsSource);
  if (steps !== undefined && dt !== undefined) b.quantity("simulated_time", steps * dt, "s", { ...stepsSource!, note: "steps × timestep" });
  else if (stopTime) b.quantity("simulated_time", stopTime.value, "s", w.src(stopTime.entry));

  const mw = w.bool("warpx.do_moving_window");
  b.set("moving_window", { value: mw?.value ?? false }, mw ? w.src(mw.entry) : { file: w.entries[0]?.file ?? "", line: 0, note: "warpx.do_moving_window not set (default 0)" });

  // ---- laser ----------------------------------------------------------------
  const laserNames = w.names("lasers.names");
  if (laserNames && laserNames.value.length > 1) {
    b.warn({ file: laserNames.entry.file, line: laserNames.entry.line, message: `${laserNames.value.length} lasers; laser_* describe the first one (${laserNames.value[0]})` });
  }
  const ln = laserNames?.value[0];
  if (ln) {
    const wl = w.number(`${ln}.wavelength`, "laser_wavelength");
    if (wl) b.quantity("laser_wavelength", wl.value, "m", w.src(wl.entry));
    const a0 = w.number(`${ln}.a0`, "laser_a0");
    const eMax = w.number(`${ln}.e_max`, "laser_a0");
    if (a0) b.quantity("laser_a0", a0.value, undefined, w.src(a0.entry));
    else if (eMax && wl) b.quantity("laser_a0", a0FromField(eMax.value, wl.value), undefined, w.src(eMax.entry, "a0 = e E_max λ / (2π m_e c²)"));
    const waist = w.number(`${ln}.profile_waist`, "laser_waist");
    if (waist) b.quantity("laser_waist", waist.value, "m", w.src(waist.entry, "field 1/e radius"));
    const dur = w.number(`${ln}.profile_duration`, "laser_duration");
    if (dur) b.laserDuration(dur.value, "s", "field_1e_halfwidth", `${ln}.profile_duration`, w.src(dur.entry), 1);
    const pol = w.numbers(`${ln}.polarization`, "laser_polarization");
    if (pol) {
      const dir = unitVector(pol.value);
      b.set("laser_polarization", dir ? { value: "linear", direction: dir } : { value: "unknown" }, w.src(pol.entry));
    }
    const prof = w.string(`${ln}.profile`);
    if (prof) b.set("laser_type", { value: prof.value }, w.src(prof.entry));
  }

  // ---- species ----------------------------------------------------------------
  const speciesNames = w.names("particles.species_names");
  const species: SpeciesEntry[] = [];
  for (const name of speciesNames?.value ?? []) {
    const i = species.length;
    const entry: SpeciesEntry = { name };
    b.source(`species[${i}].name`, w.src(speciesNames!.entry));
    const each = w.numbers(`${name}.num_particles_per_cell_each_dim`, `species '${name}' particles_per_cell`);
    const total = w.number(`${name}.num_particles_per_cell`, `species '${name}' particles_per_cell`);
    if (each) {
      entry.particles_per_cell = { value: each.value.reduce((p, x) => p * x, 1), each_dim: each.value };
      b.source(`species[${i}].particles_per_cell`, w.src(each.entry, "product of num_particles_per_cell_each_dim"));
    } else if (total) {
      entry.particles_per_cell = { value: total.value };
      b.source(`species[${i}].particles_per_cell`, w.src(total.entry));
    }
    const profile = w.string(`${name}.profile`);
    const dens = w.number(`${name}.density`, `species '${name}' density`);
    if (profile && profile.value.toLowerCase() === "parse_density_function") {
      const fn = w.entries.filter((e) => e.key.startsWith(`${name}.density_function`)).pop();
      if (fn) {
        b.warn({ file: fn.file, line: fn.line, expression: fn.raw, message: `species '${name}' density is a function of position; its expression is kept, no peak value is evaluated` });
        entry.density_function = fn.tokens.join(" ");
        b.source(`species[${i}].density_function`, w.src(fn));
      }
    } else if (dens) {
      entry.density = { value: dens.value, unit: "m^-3" };
      if (profile) entry.density["profile"] = profile.value;
      b.source(`species[${i}].density`, w.src(dens.entry));
    }
    const type = w.string(`${name}.species_type`);
    const charge = w.number(`${name}.charge`, `species '${name}' charge`);
    const mass = w.number(`${name}.mass`, `species '${name}' mass`);
    const known = type ? SPECIES_TYPES[type.value.toLowerCase()] : undefined;
    if (type) entry["species_type"] = type.value;
    if (charge) {
      entry.charge = { value: charge.value, unit: "C" };
      b.source(`species[${i}].charge`, w.src(charge.entry));
    } else if (known) {
      entry.charge = { value: known.charge, unit: "C" };
      b.source(`species[${i}].charge`, w.src(type!.entry, `species_type ${type!.value}`));
    }
    if (mass) {
      entry.mass = { value: mass.value, unit: "kg" };
      b.source(`species[${i}].mass`, w.src(mass.entry));
    } else if (known) {
      entry.mass = { value: known.mass, unit: "kg" };
      b.source(`species[${i}].mass`, w.src(type!.entry, `species_type ${type!.value}`));
    }
    species.push(entry);
  }
  if (species.length) b.set("species", species, undefined);

  // ---- diagnostics -------------------------------------------------------------
  const diags: DiagnosticEntry[] = [];
  const addDiags = (listKey: string, typeKey: string, fallbackType: string) => {
    const names = w.names(listKey);
    for (const name of names?.value ?? []) {
      const d: DiagnosticEntry = { name, type: w.string(`${name}.${typeKey}`)?.value ?? fallbackType };
      const iv = w.get(`${name}.intervals`);
      if (iv) {
        const text = iv.tokens.join(" ");
        const n = /^[^:,]+$/.test(text) ? w.evalToken(iv, text, `diagnostics '${name}' period`) : undefined;
        d.period = n ?? text;
      }
      b.source(`diagnostics[${diags.length}]`, w.src(iv ?? names!.entry));
      diags.push(d);
    }
  };
  addDiags("diagnostics.diags_names", "diag_type", "Full");
  addDiags("warpx.reduced_diags_names", "type", "reduced");
  if (diags.length) b.set("diagnostics", diags, undefined);
}
