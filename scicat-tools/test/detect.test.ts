import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DetectError, detect, findCodeVersion } from "../src/extract/detect.ts";
import { fixture } from "./helpers/fixtures.ts";

test("detects each code from a folder or a file", () => {
  assert.equal(detect(fixture("smilei", "lwfa")).code, "smilei");
  assert.equal(detect(fixture("smilei", "legacy", "input.py")).code, "smilei");
  assert.equal(detect(fixture("warpx", "lwfa")).code, "warpx");
  assert.equal(detect(fixture("warpx", "lwfa")).input, fixture("warpx", "lwfa", "inputs_3d"));
  assert.equal(detect(fixture("picongpu", "lwfa")).code, "picongpu");
  assert.equal(detect(fixture("picmi", "warpx_lwfa")).code, "picmi");
  // a .param file leads to its run folder
  const d = detect(fixture("picongpu", "lwfa", "include", "picongpu", "param", "incidentField.param"));
  assert.equal(d.code, "picongpu");
  assert.equal(d.root, fixture("picongpu", "lwfa"));
});

test("clear errors for unknown inputs", () => {
  const dir = mkdtempSync(join(tmpdir(), "detect-"));
  writeFileSync(join(dir, "notes.txt"), "hello\n");
  writeFileSync(join(dir, "plot.py"), "import matplotlib\n");
  assert.throws(() => detect(dir), (e: unknown) => e instanceof DetectError && /no Smilei namelist, WarpX inputs file/.test((e as Error).message));
  assert.throws(() => detect(join(dir, "plot.py")), /not a recognised .* \(use --code/);
  assert.throws(() => detect(join(dir, "missing")), /no such file or folder/);
  // --code forces the reading
  assert.equal(detect(join(dir, "plot.py"), "smilei").code, "smilei");
});

test("prefers warpx_used_inputs in a WarpX run folder; version from the log", () => {
  const dir = mkdtempSync(join(tmpdir(), "wxrun-"));
  writeFileSync(join(dir, "inputs"), "max_step = 10\namr.n_cell = 8 8\n");
  writeFileSync(join(dir, "warpx_used_inputs"), "max_step = 10\namr.n_cell = 8 8\ngeometry.dims = 2\n");
  writeFileSync(join(dir, "stdout.log"), "Initializing AMReX (23.11)...\nWarpX (23.11)\n");
  assert.equal(detect(dir).input, join(dir, "warpx_used_inputs"));
  assert.equal(findCodeVersion(dir, "warpx"), "23.11");
  assert.equal(findCodeVersion(dir, "smilei"), undefined);
});
