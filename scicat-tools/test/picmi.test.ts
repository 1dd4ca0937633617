import { test } from "node:test";
import assert from "node:assert/strict";
import { extract } from "../src/extract/detect.ts";
import { close, closeAll, fixture, q } from "./helpers/fixtures.ts";

const c = 299792458;

test("PICMI (WarpX): grid, Yee time step from the cfl, steps from sim.step()", () => {
  const r = extract(fixture("picmi", "warpx_lwfa"));
  const md = r.scientificMetadata;
  assert.equal(r.code, "picmi");
  assert.equal(q(md, "picmi_backend").value, "warpx");
  assert.equal(q(md, "dimensionality").value, "3D");
  assert.deepEqual(q(md, "grid_cells").value, [32, 32, 256]);
  const cell = [60e-6 / 32, 60e-6 / 32, 68e-6 / 256];
  closeAll(q(md, "cell_size").value, cell, 1e-12);
  close(q(md, "timestep").value, 1 / (c * Math.sqrt(cell.reduce((s, d) => s + 1 / d ** 2, 0))), 1e-12);
  assert.equal(q(md, "steps").value, 1000);
  assert.equal(q(md, "moving_window").value, true);
  // the WarpX version comes from warpx.log in the run folder
  assert.equal(q(md, "code_version").value, "24.03");
});

test("PICMI GaussianLaser: E0 → a0, duration τ → intensity FWHM", () => {
  const md = extract(fixture("picmi", "warpx_lwfa", "lwfa_picmi.py")).scientificMetadata;
  close(q(md, "laser_a0").value, 3, 1e-12); // E0 was computed from a0 = 3 in the script
  close(q(md, "laser_wavelength").value, 0.8e-6, 1e-12);
  close(q(md, "laser_waist").value, 5e-6, 1e-12);
  close(q(md, "laser_duration").value, 15e-15 * Math.sqrt(2 * Math.LN2), 1e-12);
  assert.deepEqual(q(md, "laser_polarization"), { value: "linear", direction: [0, 1, 0] });
});

test("PICMI species with layouts; code-prefixed arguments kept; unevaluable code warned", () => {
  const r = extract(fixture("picmi", "warpx_lwfa"));
  const md = r.scientificMetadata;
  const species = md["species"] as Array<Record<string, unknown>>;
  assert.deepEqual(
    species.map((s) => s["name"]),
    ["electrons", "ions", "beam"],
  );
  const [el, ions, beam] = species as [Record<string, { value: number }>, Record<string, unknown>, Record<string, unknown>];
  assert.equal(el["particles_per_cell"]!.value, 2);
  close(el["density"]!.value, 1e25, 1e-12);
  assert.equal((ions["particles_per_cell"] as { value: number }).value, 4);
  close((ions["charge"] as { value: number }).value, 1.602176634e-19, 1e-12);
  close((ions["mass"] as { value: number }).value, 1.008 * 1.6605390666e-27, 1e-9);
  assert.equal(ions["density_expression"], "n0*(1+tanh((z-zp)/L))/2");
  assert.equal(beam["distribution"], "GaussianBunchDistribution");
  assert.deepEqual(md["code_specific_arguments"], {
    cartesian3d_grid: { warpx_max_grid_size: 32, warpx_blocking_factor: 16 },
    simulation: { warpx_current_deposition_algo: "esirkepov", warpx_use_filter: 1 },
  });
  assert.deepEqual(md["diagnostics"], [
    { name: "diag1", type: "FieldDiagnostic", period: 100 },
    { name: "diag1", type: "ParticleDiagnostic", period: 100 },
  ]);
  const w = r.warnings.join("\n");
  assert.match(w, /lwfa_picmi.py:84: 'for' statement not evaluated/);
  assert.match(w, /lwfa_picmi.py:86: cannot evaluate: comprehensions are not evaluated \[\[laser_energy\(a\) for a in \[1, 2\]\]\]/);
});

test("PICMI (PIConGPU): picongpu_ arguments kept, explicit time step", () => {
  const r = extract(fixture("picmi", "picongpu_2d"));
  const md = r.scientificMetadata;
  assert.equal(q(md, "picmi_backend").value, "picongpu");
  assert.equal(q(md, "dimensionality").value, "2D");
  close(q(md, "timestep").value, 1.39e-16, 1e-12);
  close(q(md, "simulated_time").value, 4000 * 1.39e-16, 1e-12);
  assert.equal(q(md, "moving_window").value, true);
  assert.equal(q(md, "laser_a0").value, 8);
  close(q(md, "laser_duration").value, 5e-15 * Math.sqrt(2 * Math.LN2), 1e-12);
  const args = md["code_specific_arguments"] as Record<string, Record<string, unknown>>;
  assert.deepEqual(args["cartesian2d_grid"], { picongpu_n_gpus: [1, 2] });
  assert.deepEqual(args["simulation"], { picongpu_moving_window_move_point: 0.9, picongpu_template_dir: "template" });
  assert.deepEqual(args["gaussian_laser"], { picongpu_polarization_type: { expression: "picmi.constants.LaserPolarizationType.CIRCULAR" } });
});
