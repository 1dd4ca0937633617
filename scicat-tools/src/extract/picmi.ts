/**
 * PICMI scripts (picmistandard; front-ends `pywarpx.picmi`, `picongpu.picmi`).
 * SI units throughout. Code-prefixed arguments (`warpx_*`, `picongpu_*`, ...)
 * are kept under `code_specific_arguments`.
 */
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { evaluateText } from "./expr.ts";
import { MetadataBuilder, unitVector } from "./metadata.ts";
import type { DiagnosticEntry, ExtractResult, SpeciesEntry } from "./metadata.ts";
import { asNumber, callsNamed, evaluatePython, isCall, param, toJson } from "./python-eval.ts";
import type { PyArg, PyCall, PyScript } from "./python-eval.ts";
import { PyReader } from "./pyfields.ts";
import { M_E, M_P, M_U, Q_E, WARPX_CONSTANTS, a0FromField, yeeCourantTimestep } from "./units.ts";

export interface PicmiOptions {
  codeVersion?: string;
}

const PARTICLE_TYPES: Record<string, { charge: number; mass: number }> = {
  electron: { charge: -Q_E, mass: M_E },
  positron: { charge: Q_E, mass: M_E },
  proton: { charge: Q_E, mass: M_P },
  "anti-proton": { charge: -Q_E, mass: M_P },
};
/** standard atomic weights (u) of elements common in laser-plasma targets */
const ATOMIC_MASS: Record<string, number> = { H: 1.008, He: 4.0026, Li: 6.94, Be: 9.0122, C: 12.011, N: 14.007, O: 15.999, Al: 26.982, Si: 28.085, Ar: 39.948, Ti: 47.867, Cu: 63.546, Ag: 107.87, Au: 196.97 };

const CODE_PREFIX = /^(warpx|picongpu|fbpic|smilei|pypic|warp)_/;

/** Which PIC code's PICMI front-end the script imports. */
export function picmiBackend(script: PyScript): string | undefined {
  for (const imp of script.imports) {
    const m = /^(pywarpx|picongpu|fbpic|pywarp)\b/.exec(imp);
    if (m) return m[1] === "pywarpx" ? "warpx" : m[1] === "pywarp" ? "warp" : m[1]!;
  }
  return undefined;
}

export function extractPicmi(file: string, root: string, options: PicmiOptions = {}): ExtractResult {
  const rel = relative(root, file) || file;
  const script = evaluatePython(readFileSync(file, "utf8"), rel);
  const b = new MetadataBuilder();
  for (const w of script.warnings) b.warn(w);
  const backend = picmiBackend(script);
  if (backend) b.set("picmi_backend", { value: backend }, undefined);
  extractFromScript(script, b, rel);
  return b.finish("picmi", root, [rel], options.codeVersion);
}

const short = (callee: string) => callee.split(".").pop()!;

function extractFromScript(script: PyScript, b: MetadataBuilder, rel: string): void {
  const r = new PyReader(b, rel);
  const sims = callsNamed(script, /^Simulation$/);
  const sim = sims[sims.length - 1];
  if (!sim) b.warn({ file: rel, line: 1, message: "no picmi.Simulation(...) found" });

  // ---- grid -------------------------------------------------------------------
  const solver = sim && isCall(param(sim, "solver")?.value) ? (param(sim, "solver")!.value as PyCall) : callsNamed(script, /Solver$/)[0];
  const solverGrid = solver && isCall(param(solver, "grid", 0)?.value) ? (param(solver, "grid", 0)!.value as PyCall) : undefined;
  const grid = solverGrid ?? callsNamed(script, /^(Cartesian[123]DGrid|CylindricalGrid)$/)[0];
  let cell: number[] | undefined;
  let dims: string | undefined;
  if (grid) {
    const kind = short(grid.callee);
    dims = kind === "CylindricalGrid" ? "RZ" : kind.replace(/^Cartesian(\d)DGrid$/, "$1D");
    b.set("dimensionality", { value: dims }, r.src(grid, kind));
    const axes = kind === "CylindricalGrid" ? ["r", "z"] : kind === "Cartesian1DGrid" ? ["z"] : kind === "Cartesian2DGrid" ? ["x", "y"] : ["x", "y", "z"];
    const vector = (listName: string, per: (a: string) => string, field: string): { value: number[]; arg: PyArg } | undefined => {
      const listArg = param(grid, listName);
      if (listArg) {
        const v = r.numbers(field, listArg);
        return v ? { value: v, arg: listArg } : undefined;
      }
      const args = axes.map((a) => param(grid, per(a)));
      if (args.every((a) => a !== undefined)) {
        const v = args.map((a) => r.number(field, a));
        if (v.every((x) => x !== undefined)) return { value: v as number[], arg: args[0]! };
      }
      return undefined;
    };
    const cells = vector("number_of_cells", (a) => `n${a}`, "grid_cells");
    const lo = vector("lower_bound", (a) => `${a}min`, "domain_lower");
    const hi = vector("upper_bound", (a) => `${a}max`, "domain_upper");
    if (cells) b.quantity("grid_cells", cells.value, undefined, r.src(cells.arg));
    if (lo) b.quantity("domain_lower", lo.value, "m", r.src(lo.arg));
    if (hi) b.quantity("domain_upper", hi.value, "m", r.src(hi.arg));
    if (cells && lo && hi && cells.value.length === lo.value.length && hi.value.length === lo.value.length) {
      cell = cells.value.map((n, i) => (hi.value[i]! - lo.value[i]!) / n);
      b.quantity("cell_size", cell, "m", r.src(cells.arg, "(upper_bound - lower_bound) / number_of_cells"));
    }
    const mwv = param(grid, "moving_window_velocity");
    const mwz = param(grid, "moving_window_zvelocity");
    const v = mwv ? asNumbersQuiet(mwv) : mwz ? asNumbersQuiet(mwz) : undefined;
    if (v) b.set("moving_window", { value: v.some((x) => x !== 0) }, r.src((mwv ?? mwz)!));
  }

  // ---- time step and steps ------------------------------------------------------
  let dt: number | undefined;
  const dtArg = sim && param(sim, "time_step_size");
  dt = r.number("timestep", dtArg);
  if (dt !== undefined) b.quantity("timestep", dt, "s", r.src(dtArg!));
  else if (solver && cell) {
    const cflArg = param(solver, "cfl");
    const cfl = r.number("timestep", cflArg);
    const method = solver.kwargs["method"]?.value;
    if (cfl !== undefined && (method === undefined || method === "Yee")) {
      dt = cfl * yeeCourantTimestep(cell);
      b.quantity("timestep", dt, "s", r.src(cflArg!, "cfl × Yee limit 1/(c sqrt(Σ 1/Δx²))"));
    } else if (cfl !== undefined) {
      r.missing("timestep", cflArg!, `time step for solver method '${String(method)}' is not derived from the cfl`);
    }
  }
  const maxStepsArg = sim && param(sim, "max_steps");
  let steps = r.number("steps", maxStepsArg);
  let stepsSrc = maxStepsArg ? r.src(maxStepsArg) : undefined;
  if (steps === undefined && sim) {
    const stepCall = script.calls.find((c) => c.callee === "step" && c.receiver === sim);
    const nArg = stepCall && param(stepCall, "nsteps", 0);
    steps = r.number("steps", nArg);
    if (steps !== undefined) stepsSrc = r.src(nArg!, "sim.step(...)");
  }
  const maxTimeArg = sim && param(sim, "max_time");
  const maxTime = r.number("simulated_time", maxTimeArg);
  if (steps === undefined && maxTime !== undefined && dt !== undefined) {
    steps = Math.ceil(maxTime / dt - 1e-9);
    stepsSrc = r.src(maxTimeArg!, "ceil(max_time / time_step_size)");
  }
  if (steps !== undefined) b.quantity("steps", steps, undefined, stepsSrc);
  if (steps !== undefined && dt !== undefined) b.quantity("simulated_time", steps * dt, "s", { ...stepsSrc!, note: "steps × timestep" });
  else if (maxTime !== undefined) b.quantity("simulated_time", maxTime, "s", r.src(maxTimeArg!));

  if (!b.has("moving_window")) {
    const mwArg = sim && Object.entries(sim.kwargs).find(([k]) => /moving_window/.test(k));
    if (mwArg) b.set("moving_window", { value: mwArg[1].value !== null && mwArg[1].value !== false && mwArg[1].value !== 0 }, r.src(mwArg[1], mwArg[0]));
    else b.set("moving_window", { value: false }, { file: rel, line: grid?.line ?? 0, note: "no moving window velocity on the grid" });
  }

  // ---- laser ---------------------------------------------------------------------
  const lasers = callsNamed(script, /Laser$/).filter((c) => !/Injector/.test(c.callee));
  if (lasers.length > 1) b.warn({ file: rel, line: lasers[1]!.line, message: `${lasers.length} lasers; laser_* describe the first one (line ${lasers[0]!.line})` });
  const laser = lasers[0];
  if (laser) {
    b.set("laser_type", { value: short(laser.callee) }, r.src(laser));
    const wlArg = param(laser, "wavelength", 0);
    const wl = r.number("laser_wavelength", wlArg);
    if (wl !== undefined) b.quantity("laser_wavelength", wl, "m", r.src(wlArg!));
    const waistArg = param(laser, "waist", 1);
    const waist = r.number("laser_waist", waistArg);
    if (waist !== undefined) b.quantity("laser_waist", waist, "m", r.src(waistArg!, "field 1/e radius"));
    const durArg = param(laser, "duration", 2);
    const dur = r.number("laser_duration", durArg);
    if (dur !== undefined) b.laserDuration(dur, "s", "field_1e_halfwidth", "duration", r.src(durArg!), 1);
    const a0Arg = param(laser, "a0");
    const e0Arg = param(laser, "E0");
    const a0 = r.number("laser_a0", a0Arg);
    const e0 = r.number("laser_a0", e0Arg);
    if (a0 !== undefined) b.quantity("laser_a0", a0, undefined, r.src(a0Arg!));
    else if (e0 !== undefined && wl !== undefined) b.quantity("laser_a0", a0FromField(e0, wl), undefined, r.src(e0Arg!, "a0 = e E0 λ / (2π m_e c²)"));
    const polArg = param(laser, "polarization_direction");
    const pol = r.numbers("laser_polarization", polArg);
    if (pol) {
      const dir = unitVector(pol);
      if (dir) b.set("laser_polarization", { value: "linear", direction: dir }, r.src(polArg!));
    }
  }

  // ---- species ---------------------------------------------------------------------
  const species: SpeciesEntry[] = [];
  const layouts = new Map<PyCall, { arg: PyArg; layout: PyCall }>();
  for (const c of script.calls) {
    if (c.callee !== "add_species" || !c.receiver) continue;
    const sp = param(c, "species", 0);
    const layout = param(c, "layout", 1);
    if (sp && isCall(sp.value) && layout && isCall(layout.value)) layouts.set(sp.value, { arg: layout, layout: layout.value });
  }
  const speciesCalls = callsNamed(script, /^(Species|MultiSpecies)$/).filter((c) => short(c.callee) === "Species");
  for (const sp of speciesCalls) {
    const i = species.length;
    const nameArg = param(sp, "name");
    const typeArg = param(sp, "particle_type");
    const name = (typeof nameArg?.value === "string" ? nameArg.value : undefined) ?? (typeof typeArg?.value === "string" ? typeArg.value : `species_${i}`);
    const entry: SpeciesEntry = { name };
    b.source(`species[${i}].name`, r.src(nameArg ?? sp));
    const type = typeof typeArg?.value === "string" ? typeArg.value : undefined;
    if (type) entry["particle_type"] = type;
    const chargeStateArg = param(sp, "charge_state");
    const chargeState = r.number(`species '${name}' charge_state`, chargeStateArg);
    const chargeArg = param(sp, "charge");
    const massArg = param(sp, "mass");
    const charge = r.number(`species '${name}' charge`, chargeArg);
    const mass = r.number(`species '${name}' mass`, massArg);
    const known = type ? PARTICLE_TYPES[type] : undefined;
    if (charge !== undefined) {
      entry.charge = { value: charge, unit: "C" };
      b.source(`species[${i}].charge`, r.src(chargeArg!));
    } else if (known) {
      entry.charge = { value: known.charge, unit: "C" };
      b.source(`species[${i}].charge`, r.src(typeArg!, `particle_type '${type}'`));
    } else if (chargeState !== undefined) {
      entry.charge = { value: chargeState * Q_E, unit: "C" };
      b.source(`species[${i}].charge`, r.src(chargeStateArg!, "charge_state × e"));
    }
    if (mass !== undefined) {
      entry.mass = { value: mass, unit: "kg" };
      b.source(`species[${i}].mass`, r.src(massArg!));
    } else if (known) {
      entry.mass = { value: known.mass, unit: "kg" };
      b.source(`species[${i}].mass`, r.src(typeArg!, `particle_type '${type}'`));
    } else if (type && ATOMIC_MASS[type] !== undefined) {
      entry.mass = { value: ATOMIC_MASS[type]! * M_U, unit: "kg" };
      b.source(`species[${i}].mass`, r.src(typeArg!, `standard atomic weight of ${type}`));
    }
    const distArg = param(sp, "initial_distribution");
    if (distArg && isCall(distArg.value)) {
      const dist = distArg.value;
      const kind = short(dist.callee);
      const densArg = param(dist, "density", 0);
      if (kind === "UniformDistribution" && densArg) {
        const n = r.number(`species '${name}' density`, densArg);
        if (n !== undefined) {
          entry.density = { value: n, unit: "m^-3", profile: "uniform" };
          b.source(`species[${i}].density`, r.src(densArg));
        }
      } else if (kind === "AnalyticDistribution") {
        const exprArg = param(dist, "density_expression", 0);
        if (exprArg && typeof exprArg.value === "string") {
          const expr = exprArg.value;
          const vars = new Map<string, number>();
          for (const [k, a] of Object.entries(dist.kwargs)) {
            const n = asNumber(a.value);
            if (n !== undefined) vars.set(k, n);
          }
          try {
            const v = evaluateText(expr, (n) => {
              const x = vars.get(n) ?? WARPX_CONSTANTS[n];
              return x === undefined ? undefined : { value: x, int: false };
            }, "warpx").value;
            entry.density = { value: v, unit: "m^-3", profile: "analytic" };
            b.source(`species[${i}].density`, r.src(exprArg));
          } catch (e) {
            entry.density_expression = expr;
            b.source(`species[${i}].density_expression`, r.src(exprArg));
            r.missing(`species '${name}' density`, exprArg, `density_expression depends on position (${(e as Error).message}); expression kept`);
          }
        }
      } else {
        entry["distribution"] = kind;
      }
    } else if (distArg) r.missing(`species '${name}' density`, distArg, "initial_distribution is not a picmi distribution");
    const lay = layouts.get(sp);
    if (lay) {
      const kind = short(lay.layout.callee);
      if (kind === "GriddedLayout") {
        const a = param(lay.layout, "n_macroparticle_per_cell", 0);
        const n = r.numbers(`species '${name}' particles_per_cell`, a);
        if (n) {
          entry.particles_per_cell = { value: n.reduce((p, x) => p * x, 1), each_dim: n, layout: kind };
          b.source(`species[${i}].particles_per_cell`, r.src(a!, "product of n_macroparticle_per_cell"));
        }
      } else if (kind === "PseudoRandomLayout") {
        const a = param(lay.layout, "n_macroparticles_per_cell", 0);
        const n = r.number(`species '${name}' particles_per_cell`, a);
        if (n !== undefined) {
          entry.particles_per_cell = { value: n, layout: kind };
          b.source(`species[${i}].particles_per_cell`, r.src(a!));
        }
      }
    }
    species.push(entry);
  }
  if (species.length) b.set("species", species, undefined);

  // ---- diagnostics ---------------------------------------------------------------------
  const diags: DiagnosticEntry[] = [];
  for (const d of callsNamed(script, /Diagnostic$/)) {
    const nameArg = param(d, "name");
    const entry: DiagnosticEntry = { name: typeof nameArg?.value === "string" ? nameArg.value : short(d.callee), type: short(d.callee) };
    const periodArg = param(d, "period");
    if (periodArg) {
      const j = toJson(periodArg.value);
      if (typeof j === "number" || typeof j === "string" || Array.isArray(j)) entry.period = j as number | string | unknown[];
      else r.missing(`diagnostics '${entry.name}' period`, periodArg, "not a literal");
    }
    b.source(`diagnostics[${diags.length}]`, r.src(d));
    diags.push(entry);
  }
  if (diags.length) b.set("diagnostics", diags, undefined);

  // ---- code-specific arguments -------------------------------------------------------------
  const codeArgs: Record<string, Record<string, unknown>> = {};
  for (const c of script.calls) {
    for (const [k, a] of Object.entries(c.kwargs)) {
      if (!CODE_PREFIX.test(k)) continue;
      const group = snake(c.receiver ? `${short(isCall(c.receiver) ? c.receiver.callee : "")}_${c.callee}` : short(c.callee));
      const j = toJson(a.value);
      (codeArgs[group] ??= {})[k] = j === undefined ? { expression: a.text } : j;
      b.source(`code_specific_arguments.${group}.${k}`, r.src(a));
    }
  }
  if (Object.keys(codeArgs).length) b.set("code_specific_arguments", codeArgs, undefined);
}

function asNumbersQuiet(a: PyArg): number[] | undefined {
  const j = toJson(a.value);
  if (typeof j === "number") return [j];
  if (Array.isArray(j) && j.every((x) => typeof x === "number")) return j as number[];
  return undefined;
}

function snake(s: string): string {
  return s
    .replace(/([a-z])([A-Z])/g, "$1_$2")
    .replace(/([0-9A-Z])([A-Z][a-z])/g, "$1_$2")
    .replace(/[^A-Za-z0-9]+/g, "_")
    .toLowerCase();
}
