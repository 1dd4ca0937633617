/**
 * Smilei namelists (Python executed by Smilei; here only evaluated).
 * Units are normalized to the reference angular frequency ω_r: lengths in
 * c/ω_r, times in 1/ω_r, densities in n_c, masses in m_e, charges in e.
 */
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import { MetadataBuilder, unitVector } from "./metadata.ts";
import type { DiagnosticEntry, ExtractResult, SpeciesEntry } from "./metadata.ts";
import { callsNamed, evaluatePython, isCall, isList, param, toJson } from "./python-eval.ts";
import type { PyArg, PyCall, PyScript } from "./python-eval.ts";
import { PyReader } from "./pyfields.ts";
import { C, M_E, Q_E, criticalDensity, referenceFromWavelength, smileiLength, smileiTime } from "./units.ts";
import type { SmileiReference } from "./units.ts";

export interface SmileiOptions {
  /** reference wavelength λ_r in metres (the `--wavelength` option) */
  wavelength?: number;
  codeVersion?: string;
}

const GEOMETRY: Record<string, "1D" | "2D" | "3D" | "RZ"> = {
  "1Dcartesian": "1D",
  "2Dcartesian": "2D",
  "3Dcartesian": "3D",
  AMcylindrical: "RZ",
  // Smilei < 4.0 namelists
  "1d3v": "1D",
  "2d3v": "2D",
  "3d3v": "3D",
};

export function extractSmilei(file: string, root: string, options: SmileiOptions = {}): ExtractResult {
  const rel = relative(root, file) || file;
  const script = evaluatePython(readFileSync(file, "utf8"), rel);
  const b = new MetadataBuilder();
  for (const w of script.warnings) b.warn(w);
  extractFromScript(script, b, rel, options);
  return b.finish("smilei", root, [rel], options.codeVersion);
}

function extractFromScript(script: PyScript, b: MetadataBuilder, rel: string, options: SmileiOptions): void {
  const r = new PyReader(b, rel);
  const mains = callsNamed(script, /^Main$/);
  const main = mains[mains.length - 1] ?? legacyMain(script);
  if (!main) {
    b.warn({ file: rel, line: 1, message: "no Main(...) block found; grid and time step not extracted" });
  }

  // ---- reference frequency -------------------------------------------------
  let ref: SmileiReference | undefined;
  let refSource: string | undefined;
  const omegaArg = main && param(main, "reference_angular_frequency_SI");
  const lambdaArg = main && param(main, "wavelength_SI");
  const omegaSI = r.number("reference_angular_frequency_SI", omegaArg);
  const lambdaSI = r.number("wavelength_SI", lambdaArg);
  if (omegaSI !== undefined && omegaSI > 0) {
    ref = { omega: omegaSI };
    refSource = `reference_angular_frequency_SI at ${rel}:${omegaArg!.line}`;
  } else if (lambdaSI !== undefined && lambdaSI > 0) {
    ref = referenceFromWavelength(lambdaSI);
    refSource = `wavelength_SI at ${rel}:${lambdaArg!.line}`;
  }
  if (options.wavelength !== undefined) {
    const fromOption = referenceFromWavelength(options.wavelength);
    if (ref && Math.abs(fromOption.omega - ref.omega) / ref.omega > 1e-9) {
      b.warn({
        file: rel,
        line: (omegaArg ?? lambdaArg)!.line,
        message: `--wavelength ${options.wavelength} m overrides the namelist's reference (λ_r = ${((2 * Math.PI * C) / ref.omega).toExponential(6)} m)`,
      });
    }
    ref = fromOption;
    refSource = `--wavelength ${options.wavelength} m`;
  }
  if (!ref) {
    b.warn({
      file: rel,
      line: main?.line ?? 1,
      message: "reference frequency unknown (no reference_angular_frequency_SI in Main and no --wavelength): lengths, times and densities stay in Smilei's normalized units",
    });
  } else {
    b.quantity("reference_wavelength", (2 * Math.PI * C) / ref.omega, "m", main ? r.src(omegaArg ?? lambdaArg ?? main, refSource) : { file: rel, line: 0, note: refSource });
  }
  const L = ref ? smileiLength(ref) : undefined;
  const T = ref ? smileiTime(ref) : undefined;
  const lengthUnit = ref ? "m" : "c/omega_r";
  const timeUnit = ref ? "s" : "1/omega_r";
  const len = (x: number) => (L === undefined ? x : x * L);
  const time = (x: number) => (T === undefined ? x : x * T);
  const note = (what: string) => (ref ? `${what} × ${what === "length" ? "c/ω_r" : what === "time" ? "1/ω_r" : "n_c"} from ${refSource}` : "normalized");

  // ---- grid ----------------------------------------------------------------
  let dims: "1D" | "2D" | "3D" | "RZ" | undefined;
  let cell: number[] | undefined;
  let dt: number | undefined;
  let simTime: number | undefined;
  if (main) {
    const geomArg = param(main, ["geometry", "dim"]);
    const geom = r.string("dimensionality", geomArg);
    if (geom !== undefined) {
      dims = GEOMETRY[geom];
      if (dims) b.set("dimensionality", { value: dims }, r.src(geomArg!));
      else b.warn({ file: rel, line: geomArg!.line, expression: geomArg!.text, message: `unknown Smilei geometry '${geom}'` });
    }
    const cellArg = param(main, "cell_length");
    cell = r.numbers("cell_size", cellArg);
    const cellsArg = param(main, "number_of_cells");
    const lengthArg = param(main, ["grid_length", "sim_length"]);
    let cells = r.numbers("grid_cells", cellsArg);
    let length = r.numbers("domain_upper", lengthArg);
    if (cell) b.quantity("cell_size", cell.map(len), lengthUnit, r.src(cellArg!, note("length")));
    if (!cells && length && cell && length.length === cell.length) {
      cells = length.map((l, i) => Math.round(l / cell![i]!));
      b.quantity("grid_cells", cells, undefined, r.src(lengthArg!, "grid_length / cell_length"));
    } else if (cells) b.quantity("grid_cells", cells, undefined, r.src(cellsArg!));
    if (!length && cells && cell && cells.length === cell.length) {
      length = cells.map((n, i) => n * cell![i]!);
    }
    if (length) {
      b.quantity("domain_lower", length.map(() => 0), lengthUnit, r.src(lengthArg ?? cellsArg ?? main, "Smilei domains start at 0"));
      b.quantity("domain_upper", length.map(len), lengthUnit, r.src(lengthArg ?? cellsArg ?? main, lengthArg ? note("length") : "number_of_cells × cell_length"));
    }

    const dtArg = param(main, "timestep");
    const cflArg = param(main, "timestep_over_CFL");
    dt = r.number("timestep", dtArg);
    if (dt !== undefined) b.quantity("timestep", time(dt), timeUnit, r.src(dtArg!, note("time")));
    else {
      const f = r.number("timestep", cflArg);
      if (f !== undefined && cell) {
        dt = f / Math.sqrt(cell.reduce((s, d) => s + 1 / (d * d), 0));
        b.quantity("timestep", time(dt), timeUnit, r.src(cflArg!, `timestep_over_CFL × Courant limit 1/sqrt(Σ 1/Δx²)${ref ? `; ${note("time")}` : ""}`));
      }
    }
    const stepsArg = param(main, "number_of_timesteps");
    const simTimeArg = param(main, ["simulation_time", "sim_time"]);
    simTime = r.number("simulated_time", simTimeArg);
    const nSteps = r.number("steps", stepsArg);
    if (nSteps !== undefined) {
      b.quantity("steps", nSteps, undefined, r.src(stepsArg!));
      if (simTime === undefined && dt !== undefined) simTime = nSteps * dt;
    } else if (simTime !== undefined && dt !== undefined && dt > 0) {
      const raw = simTime / dt;
      const steps = Math.abs(raw - Math.round(raw)) < 1e-6 * Math.max(1, raw) ? Math.round(raw) : Math.floor(raw);
      b.quantity("steps", steps, undefined, r.src(simTimeArg!, "simulation_time / timestep"));
    }
    if (simTime !== undefined) {
      b.quantity("simulated_time", time(simTime), timeUnit, r.src(simTimeArg ?? stepsArg!, simTimeArg ? note("time") : "number_of_timesteps × timestep"));
    }
  }

  // ---- moving window -------------------------------------------------------
  const mw = callsNamed(script, /^MovingWindow$/)[0];
  b.set("moving_window", { value: mw !== undefined }, mw ? r.src(mw) : { file: rel, line: 0, note: "no MovingWindow(...) block" });

  // ---- laser ---------------------------------------------------------------
  const lasers = callsNamed(script, /^Laser/);
  if (lasers.length > 1) {
    b.warn({ file: rel, line: lasers[1]!.line, message: `${lasers.length} lasers defined; laser_* describe the first one (line ${lasers[0]!.line})` });
  }
  const laser = lasers[0];
  if (laser) {
    b.set("laser_type", { value: laser.callee }, r.src(laser));
    const omegaArg = param(laser, "omega");
    const omega = omegaArg ? r.number("laser_wavelength", omegaArg) : 1;
    if (omega !== undefined && omega > 0) {
      const lambdaNorm = (2 * Math.PI) / omega;
      b.quantity("laser_wavelength", len(lambdaNorm), lengthUnit, omegaArg ? r.src(omegaArg, `2π/omega; ${note("length")}`) : r.src(laser, `omega defaults to 1; ${note("length")}`));
    }
    let a0 = r.number("laser_a0", param(laser, "a0"));
    const a0Arg = param(laser, "a0");
    if (a0 !== undefined) b.quantity("laser_a0", a0, undefined, r.src(a0Arg!));
    const waistArg = param(laser, "waist");
    const waist = r.number("laser_waist", waistArg);
    if (waist !== undefined) b.quantity("laser_waist", len(waist), lengthUnit, r.src(waistArg!, `field 1/e radius; ${note("length")}`));

    // polarization
    if (laser.callee === "Laser") {
      const envArg = param(laser, "space_envelope");
      if (envArg && isList(envArg.value)) {
        const [by, bz] = envArg.value.items.map((v) => (typeof v === "number" ? v : undefined));
        if (by !== undefined && bz !== undefined) {
          if (a0 === undefined) {
            a0 = Math.max(Math.abs(by), Math.abs(bz));
            b.quantity("laser_a0", a0, undefined, r.src(envArg, "largest space_envelope amplitude"));
          }
          const kind = by !== 0 && bz !== 0 ? "elliptical" : "linear";
          // for propagation along x, B_y drives E_z and B_z drives E_y
          const e = unitVector([0, bz, by]);
          b.set("laser_polarization", { value: kind, ...(kind === "linear" && e ? { direction: e } : {}) }, r.src(envArg));
        } else r.missing("laser_polarization", envArg, "space_envelope amplitudes are not numbers");
      }
    } else {
      const phiArg = param(laser, "polarization_phi");
      const ellArg = param(laser, "ellipticity");
      const phi = phiArg ? r.number("laser_polarization", phiArg) : 0;
      const ell = ellArg ? r.number("laser_polarization", ellArg) : 0;
      if (phi !== undefined && ell !== undefined) {
        const kind = ell === 0 ? "linear" : Math.abs(ell) === 1 ? "circular" : "elliptical";
        const pol: Record<string, unknown> = { value: kind };
        if (kind === "linear") pol["direction"] = unitVector([0, Math.cos(phi), Math.sin(phi)]);
        if (kind === "elliptical") pol["ellipticity"] = ell;
        b.set("laser_polarization", pol, r.src(phiArg ?? ellArg ?? laser, phiArg || ellArg ? undefined : "Smilei defaults polarization_phi=0, ellipticity=0"));
      }
    }

    // duration
    const envArg = param(laser, "time_envelope");
    if (envArg) laserDuration(envArg, simTime, b, r, T);
  }

  // ---- species -------------------------------------------------------------
  const species: SpeciesEntry[] = [];
  const nc = ref ? criticalDensity(ref.omega) : undefined;
  for (const sp of callsNamed(script, /^Species$/)) {
    const i = species.length;
    const nameArg = param(sp, ["name", "species_type"]);
    const name = r.string(`species[${i}].name`, nameArg) ?? `species_${i}`;
    const entry: SpeciesEntry = { name };
    b.source(`species[${i}].name`, nameArg ? r.src(nameArg) : r.src(sp));
    const ppcArg = param(sp, ["particles_per_cell", "n_part_per_cell"]);
    const ppc = r.number(`species '${name}' particles_per_cell`, ppcArg);
    if (ppc !== undefined) {
      entry.particles_per_cell = { value: ppc };
      b.source(`species[${i}].particles_per_cell`, r.src(ppcArg!));
    }
    const chargeArg = param(sp, "charge");
    const charge = r.number(`species '${name}' charge`, chargeArg);
    if (charge !== undefined) {
      entry.charge = { value: charge * Q_E, unit: "C", normalized: { value: charge, unit: "e" } };
      b.source(`species[${i}].charge`, r.src(chargeArg!, "× e"));
    }
    const massArg = param(sp, "mass");
    const mass = r.number(`species '${name}' mass`, massArg);
    if (mass !== undefined) {
      entry.mass = { value: mass * M_E, unit: "kg", normalized: { value: mass, unit: "m_e" } };
      b.source(`species[${i}].mass`, r.src(massArg!, "× m_e"));
    }
    const densArg = param(sp, ["number_density", "nb_density", "charge_density"]);
    if (densArg) {
      const peak = profilePeak(densArg, `species '${name}' density`, r);
      if (peak) {
        let value = peak.value;
        let how = peak.profile ? `peak of ${peak.profile}(...)` : "";
        if (sp.kwargs["charge_density"] && !sp.kwargs["number_density"] && !sp.kwargs["nb_density"]) {
          if (charge === undefined || charge === 0) {
            r.missing(`species '${name}' density`, densArg, "charge_density given without a non-zero charge");
            value = NaN;
          } else {
            value = value / Math.abs(charge);
            how = `${how ? `${how}; ` : ""}charge_density / |charge|`;
          }
        }
        if (!Number.isNaN(value)) {
          entry.density = { value: nc === undefined ? value : value * nc, unit: nc === undefined ? "n_c" : "m^-3" };
          if (peak.profile) entry.density["profile"] = peak.profile;
          if (nc !== undefined) entry.density["normalized"] = { value, unit: "n_c" };
          b.source(`species[${i}].density`, r.src(densArg, [how, note("density")].filter(Boolean).join("; ")));
        }
      }
    }
    species.push(entry);
  }
  if (species.length) b.set("species", species, undefined);
  if (species.some((s) => s.density?.unit === "n_c")) {
    b.warn({ file: rel, line: main?.line ?? 1, message: "species densities stay in units of the critical density n_c (reference frequency unknown)" });
  }

  // ---- diagnostics ---------------------------------------------------------
  const diags: DiagnosticEntry[] = [];
  for (const d of callsNamed(script, /^Diag/)) {
    const i = diags.length;
    const nameArg = param(d, "name");
    let name = typeof nameArg?.value === "string" ? nameArg.value : d.callee;
    if (d.callee === "DiagTrackParticles") {
      const spArg = param(d, "species");
      if (typeof spArg?.value === "string") name = `${d.callee}(${spArg.value})`;
    }
    const entry: DiagnosticEntry = { name, type: d.callee };
    const everyArg = param(d, "every");
    if (everyArg) {
      const j = toJson(everyArg.value);
      if (typeof j === "number" || Array.isArray(j)) entry.period = j as number | unknown[];
      else r.missing(`diagnostics '${name}' period`, everyArg, "not a number or list");
    }
    diags.push(entry);
    b.source(`diagnostics[${i}]`, r.src(d));
  }
  if (diags.length) b.set("diagnostics", diags, undefined);
}

/** Smilei 1.x/2.x namelists set the main parameters as top-level variables. */
const LEGACY_MAIN_NAMES = ["dim", "geometry", "cell_length", "sim_length", "grid_length", "number_of_cells", "timestep", "timestep_over_CFL", "sim_time", "simulation_time", "number_of_timesteps", "wavelength_SI", "reference_angular_frequency_SI"];

function legacyMain(script: PyScript): PyCall | undefined {
  const kwargs: Record<string, PyArg> = {};
  for (const n of LEGACY_MAIN_NAMES) {
    const bnd = script.scope.get(n);
    if (bnd) kwargs[n] = { value: bnd.value, line: bnd.line, text: bnd.text };
  }
  if (!kwargs["dim"] && !kwargs["sim_length"] && !kwargs["sim_time"]) return undefined;
  const first = Math.min(...Object.values(kwargs).map((a) => a.line));
  return { kind: "call", callee: "Main", args: [], kwargs, line: first, text: "top-level variables (Smilei < 3 namelist)" };
}

/** Peak value of a Smilei spatial profile (a number or a profile call). */
function profilePeak(arg: PyArg, field: string, r: PyReader): { value: number; profile?: string } | undefined {
  const v = arg.value;
  if (typeof v === "number") return { value: v };
  if (isCall(v)) {
    const p = v.callee;
    const first = (names: string[]) => r.number(field, param(v, names, 0));
    switch (p) {
      case "constant": {
        const x = first(["value"]);
        return x === undefined ? undefined : { value: x, profile: p };
      }
      case "trapezoidal":
      case "gaussian": {
        const x = first(["max"]);
        return x === undefined ? undefined : { value: x, profile: p };
      }
      case "polygonal": {
        const vals = r.numbers(field, param(v, "xvalues", 1));
        return vals && vals.length ? { value: Math.max(...vals), profile: p } : undefined;
      }
      case "cosine": {
        const base = first(["base"]);
        const amp = r.number(field, param(v, "xamplitude", 1)) ?? 1;
        return base === undefined ? undefined : { value: base + Math.abs(amp), profile: p };
      }
      default:
        r.missing(field, arg, `profile '${p}' has no single peak value`);
        return undefined;
    }
  }
  r.number(field, arg); // emits the warning
  return undefined;
}

function laserDuration(envArg: PyArg, simTime: number | undefined, b: MetadataBuilder, r: PyReader, T: number | undefined): void {
  const env = envArg.value;
  if (!isCall(env)) {
    r.number("laser_duration", envArg);
    return;
  }
  if (env.callee !== "tgaussian") {
    if (env.callee !== "tconstant") {
      r.missing("laser_duration", envArg, `only tgaussian envelopes are converted (got ${env.callee})`);
    }
    return;
  }
  const fwhmArg = param(env, "fwhm", 2);
  let fwhm: number | undefined;
  let noteText = "tgaussian fwhm (field envelope)";
  if (fwhmArg) fwhm = r.number("laser_duration", fwhmArg);
  else {
    // Smilei's default: fwhm = (simulation_time - start) / 3
    const start = r.number("laser_duration", param(env, "start", 0)) ?? 0;
    if (simTime !== undefined) {
      fwhm = (simTime - start) / 3;
      noteText = "tgaussian default fwhm = (simulation_time - start)/3";
    } else r.missing("laser_duration", envArg, "tgaussian without fwhm and simulation_time unknown");
  }
  if (fwhm === undefined) return;
  const source = r.src(fwhmArg ?? envArg, noteText);
  b.laserDuration(fwhm, "1/omega_r", "field_fwhm", "tgaussian(fwhm=...)", source, T);
}
