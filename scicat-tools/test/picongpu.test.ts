import { test } from "node:test";
import assert from "node:assert/strict";
import { extract } from "../src/extract/detect.ts";
import { parseCmakeFlags, parseTbgCfg, stripCppComments, substituteTbg } from "../src/extract/picongpu.ts";
import { close, closeAll, fixture, q } from "./helpers/fixtures.ts";

const ROOT = fixture("picongpu", "lwfa");

test("PIConGPU: cmakeFlags set 0 overrides #ifndef defaults (A0, dimension)", () => {
  const r = extract(ROOT);
  const md = r.scientificMetadata;
  const prov = md["provenance"] as Record<string, { file: string; line: number; note?: string }>;
  assert.equal(r.code, "picongpu");
  assert.equal(q(md, "dimensionality").value, "2D");
  assert.equal(prov["dimensionality"]!.file, "cmakeFlags");
  assert.equal(q(md, "laser_a0").value, 4.5);
  assert.deepEqual({ file: prov["laser_a0"]!.file, line: prov["laser_a0"]!.line }, { file: "cmakeFlags", line: 7 });
  assert.match(prov["laser_a0"]!.note!, /PARAM_A0, used by A0 at include\/picongpu\/param\/incidentField.param:35/);
});

test("PIConGPU: grid from the .cfg with !TBG_ substitution, cells and time step from .param", () => {
  const md = extract(ROOT).scientificMetadata;
  assert.deepEqual(q(md, "grid_cells").value, [192, 2048]); // 2D: the first two of "192 2048 192"
  closeAll(q(md, "cell_size").value, [0.1772e-6, 0.443e-7], 1e-12);
  closeAll(q(md, "domain_upper").value, [192 * 0.1772e-6, 2048 * 0.443e-7], 1e-12);
  close(q(md, "timestep").value, 0.8e-16, 1e-12);
  assert.equal(q(md, "steps").value, 4000);
  close(q(md, "simulated_time").value, 4000 * 0.8e-16, 1e-12);
  assert.equal(q(md, "moving_window").value, true);
  assert.deepEqual(md["diagnostics"], [
    { name: "e_png", type: "plugin", period: 100 },
    { name: "openPMD", type: "plugin", period: 500 },
    { name: "fields_energy", type: "plugin", period: 100 },
    { name: "e_macroParticlesCount", type: "plugin", period: 100 },
  ]);
});

test("PIConGPU laser: PULSE_DURATION_SI is σ of the intensity → FWHM = 2√(2 ln 2)·σ", () => {
  const md = extract(ROOT).scientificMetadata;
  const dur = q(md, "laser_duration") as { value: number; original: { value: number; definition: string; parameter: string } };
  const sigma = 5.0e-15 / 2.354820045;
  close(dur.original.value, sigma, 1e-12);
  assert.equal(dur.original.definition, "intensity_sigma");
  assert.equal(dur.original.parameter, "PULSE_DURATION_SI");
  close(dur.value, 2 * Math.sqrt(2 * Math.LN2) * sigma, 1e-12);
  close(dur.value, 5e-15, 1e-9);
  close(q(md, "laser_wavelength").value, 0.8e-6, 1e-12);
  close(q(md, "laser_waist").value, 5.0e-6 / 1.17741, 1e-12);
  assert.deepEqual(q(md, "laser_polarization"), { value: "linear", direction: [1, 0, 0] });
});

test("PIConGPU species; an unevaluable BASE_DENSITY_SI is a warning naming file, line and expression", () => {
  const r = extract(ROOT);
  const species = r.scientificMetadata["species"] as Array<{ name: string; particles_per_cell: { value: number }; density?: unknown }>;
  assert.deepEqual(
    species.map((s) => [s.name, s.particles_per_cell.value, s.density]),
    [
      ["e", 2, undefined],
      ["i", 2, undefined],
    ],
  );
  assert.ok(
    r.warnings.some((w) => w.startsWith("include/picongpu/param/density.param:11:") && w.includes("gasJetCalibration") && w.includes("[gasJetCalibration(1.e25, 0.8)]")),
    r.warnings.join("\n"),
  );
  // numModes cannot be evaluated either, but nothing reads it: no warning
  assert.ok(!r.warnings.some((w) => w.includes("laguerreModeCount")));
});

test("PIConGPU: other flag sets", () => {
  const set1 = extract(ROOT, { flagsSet: 1 }).scientificMetadata;
  assert.equal(q(set1, "dimensionality").value, "3D");
  assert.equal(q(set1, "laser_a0").value, 8);
  assert.deepEqual(q(set1, "grid_cells").value, [192, 2048, 192]);
  close(q(set1, "laser_duration").value, 2.5e-14, 1e-9); // PARAM_PULSE_DURATION_FWHM_SI overridden
  const set2 = extract(ROOT, { flagsSet: 2 });
  const prov = set2.scientificMetadata["provenance"] as Record<string, { file: string; line: number }>;
  assert.equal(q(set2.scientificMetadata, "laser_a0").value, 8); // the #ifndef default
  assert.deepEqual({ file: prov["laser_a0"]!.file, line: prov["laser_a0"]!.line }, { file: "include/picongpu/param/incidentField.param", line: 6 });
  const missing = extract(ROOT, { flagsSet: 7 });
  assert.ok(missing.warnings.some((w) => w.includes("flags[7] not found")), missing.warnings.join("\n"));
  assert.throws(() => extract(ROOT, { cfg: "nope.cfg" }), /--cfg nope.cfg: no such .cfg file/);
});

test("tbg, cmakeFlags and comment helpers", () => {
  const vars = parseTbgCfg(['TBG_a="1 2"', "TBG_b=!TBG_a", 'TBG_c="x \\', '   !TBG_b y"', "TBG_loop=!TBG_loop"].join("\n"));
  assert.equal(substituteTbg(vars.get("TBG_c")!.value, vars), "x 1 2 y");
  assert.equal(vars.get("TBG_c")!.line, 3);
  assert.throws(() => substituteTbg("!TBG_loop", vars), /cycle/);
  const f = parseCmakeFlags(`flags[0]="-DPARAM_OVERWRITES:LIST='-DPARAM_X=1.5;-DPARAM_FLAG'"\nflags[1]=""`, 0, "cmakeFlags");
  assert.deepEqual([...f.defines.entries()].map(([k, v]) => [k, v.value]), [["PARAM_X", "1.5"], ["PARAM_FLAG", "1"]]);
  assert.deepEqual(f.sets, [0, 1]);
  const stripped = stripCppComments('a /* x\ny */ b // c\n"//not" d');
  assert.equal(stripped.split("\n").length, 3);
  assert.match(stripped, /"\/\/not" d/);
});
