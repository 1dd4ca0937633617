import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { extract } from "../src/extract/detect.ts";
import { close, closeAll, fixture, q } from "./helpers/fixtures.ts";

const c = 299792458;

test("WarpX inputs: includes, my_constants, expressions, grid and time step", () => {
  const r = extract(fixture("warpx", "lwfa"));
  const md = r.scientificMetadata;
  assert.equal(r.code, "warpx");
  // FILE = common/laser.inputs, which includes ../plasma.inputs relative to itself
  assert.deepEqual(r.inputFiles, ["inputs_3d", "common/laser.inputs", "plasma.inputs"]);
  assert.equal(q(md, "dimensionality").value, "3D");
  assert.deepEqual(q(md, "grid_cells").value, [64, 64, 512]);
  // prob_lo uses my_constants.Lz = 30 µm
  closeAll(q(md, "domain_lower").value, [-30e-6, -30e-6, -30e-6], 1e-12);
  closeAll(q(md, "domain_upper").value, [30e-6, 30e-6, 0], 1e-12);
  const dx = 60e-6 / 64;
  const dz = 30e-6 / 512;
  closeAll(q(md, "cell_size").value, [dx, dx, dz], 1e-12);
  // Yee: dt = cfl / (c sqrt(1/dx² + 1/dy² + 1/dz²)) with cfl = 0.99
  const dt = 0.99 / (c * Math.sqrt(2 / dx ** 2 + 1 / dz ** 2));
  close(q(md, "timestep").value, dt, 1e-12, "timestep");
  close(dt, 1.9274e-16, 1e-4);
  assert.equal(q(md, "steps").value, 1000);
  close(q(md, "simulated_time").value, 1000 * dt, 1e-12);
  assert.equal(q(md, "moving_window").value, true);
});

test("WarpX laser: later keys override included defaults; τ → intensity FWHM = τ√(2 ln 2)", () => {
  const r = extract(fixture("warpx", "lwfa", "inputs_3d"));
  const md = r.scientificMetadata;
  const prov = md["provenance"] as Record<string, { file: string; line: number }>;
  assert.equal(q(md, "laser_a0").value, 2);
  assert.deepEqual({ ...prov["laser_a0"] }, { file: "common/laser.inputs", line: 7 });
  close(q(md, "laser_wavelength").value, 0.8e-6, 1e-12);
  close(q(md, "laser_waist").value, 5e-6, 1e-12);
  const dur = q(md, "laser_duration") as { value: number; original: { value: number; definition: string } };
  // the campaign default is 30 fs; inputs_3d:45 overrides it with 15 fs
  close(dur.original.value, 15e-15, 1e-12);
  assert.equal(dur.original.definition, "field_1e_halfwidth");
  close(dur.value, 15e-15 * Math.sqrt(2 * Math.LN2), 1e-12);
  assert.deepEqual({ ...prov["laser_duration"] }, { file: "inputs_3d", line: 45 });
  assert.deepEqual(q(md, "laser_polarization"), { value: "linear", direction: [0, 1, 0] });
});

test("WarpX species and diagnostics; unevaluable values become warnings with file and line", () => {
  const r = extract(fixture("warpx", "lwfa"));
  const md = r.scientificMetadata;
  const species = md["species"] as Array<Record<string, unknown>>;
  assert.equal(species.length, 2);
  const [el, ions] = species as [Record<string, { value: number; unit?: string }>, Record<string, unknown>];
  assert.equal(el["particles_per_cell"]!.value, 2);
  close(el["density"]!.value, 2e23, 1e-12);
  close(el["charge"]!.value, -1.602176634e-19, 1e-12);
  assert.equal(ions["density_function"], "n0*(z>zp)");
  close((ions["mass"] as { value: number }).value, 1.67262192369e-27, 1e-12);
  assert.ok(r.warnings.some((w) => w.startsWith("inputs_3d:42:") && w.includes("function of position")), r.warnings.join("\n"));
  const diags = md["diagnostics"] as Array<{ name: string; period: unknown; type: string }>;
  assert.deepEqual(diags, [
    { name: "diag1", type: "Full", period: "period_factor*10" },
    { name: "openpmd", type: "Full", period: "0:1000:50" },
    { name: "FieldEnergy", type: "FieldEnergy", period: 10 },
  ]);
  assert.ok(
    r.warnings.some((w) => w.startsWith("inputs_3d:48:") && w.includes("unknown name 'period_factor'") && w.includes("[period_factor*10]")),
    r.warnings.join("\n"),
  );
});

test("WarpX: my_constants in any order, e_max → a0, stop_time, RZ, cycles and bad lines", () => {
  const dir = mkdtempSync(join(tmpdir(), "warpx-"));
  writeFileSync(
    join(dir, "inputs_rz"),
    [
      "# RZ test deck",
      "FILE = inputs_rz   # includes itself: a cycle",
      "my_constants.dt = 1/(kp*clight)/10   # uses kp, defined below",
      "my_constants.n0 = 2.e23",
      "my_constants.kp = sqrt(n0*q_e^2/(epsilon0*m_e))/clight",
      "geometry.dims = RZ",
      "amr.n_cell = 32 128",
      "geometry.prob_lo = 0. -20.e-6",
      "geometry.prob_hi = 20.e-6 0.",
      "warpx.const_dt = dt",
      "stop_time = 50*dt",
      "max_step = 100000",
      "lasers.names = L",
      "L.wavelength = 1.e-6",
      "L.e_max = 4.0131e12*0.8",
      "this line is not key value",
    ].join("\n"),
  );
  const r = extract(join(dir, "inputs_rz"));
  const md = r.scientificMetadata;
  assert.equal(q(md, "dimensionality").value, "RZ");
  // kp for n0 = 2e23 m^-3: ω_p = sqrt(n e²/(ε0 m_e)) ≈ 2.523e13 rad/s
  const wp = Math.sqrt((2e23 * 1.602176634e-19 ** 2) / (8.8541878128e-12 * 9.1093837015e-31));
  close(wp, 2.5228e13, 1e-4);
  const dt = 1 / wp / 10;
  close(q(md, "timestep").value, dt, 1e-12);
  assert.equal(q(md, "steps").value, 50); // stop_time reached before max_step
  close(q(md, "simulated_time").value, 50 * dt, 1e-12);
  // e_max 0.8 × (m_e c ω/e at 0.8 µm) at λ = 1 µm: a0 = 0.8 × 1.0/0.8 = 1.0
  close(q(md, "laser_a0").value, 1.0, 1e-4);
  assert.ok(r.warnings.some((w) => w.includes("include cycle")), r.warnings.join("\n"));
  assert.ok(r.warnings.some((w) => w.startsWith("inputs_rz:16:") && w.includes("not 'key = value'")), r.warnings.join("\n"));
});

test("WarpX time step from the cfl for RZ (by azimuthal modes), CKC and PSATD", () => {
  const dir = mkdtempSync(join(tmpdir(), "warpx-dt-"));
  const deck = (extra: string[]) => {
    const f = join(dir, `inputs_${Math.random().toString(36).slice(2)}`);
    writeFileSync(f, ["max_step = 10", "amr.n_cell = 64 128", "geometry.prob_lo = 0. -20.e-6", "geometry.prob_hi = 32.e-6 0.", "warpx.cfl = 0.9", ...extra].join("\n"));
    return q(extract(f).scientificMetadata, "timestep").value;
  };
  const dr = 32e-6 / 64;
  const dz = 20e-6 / 128;
  close(deck(["geometry.dims = RZ"]), 0.9 / (c * Math.sqrt(1.2105 / dr ** 2 + 1 / dz ** 2)), 1e-12);
  close(deck(["geometry.dims = RZ", "warpx.n_rz_azimuthal_modes = 2"]), 0.9 / (c * Math.sqrt(2 / dr ** 2 + 1 / dz ** 2)), 1e-12);
  close(deck(["geometry.dims = 2", "algo.maxwell_solver = ckc"]), (0.9 * Math.min(dr, dz)) / c, 1e-12);
  close(deck(["geometry.dims = RZ", "algo.maxwell_solver = psatd"]), (0.9 * dz) / c, 1e-12);
  close(deck(["geometry.dims = 2"]), 0.9 / (c * Math.sqrt(1 / dr ** 2 + 1 / dz ** 2)), 1e-12);
});
