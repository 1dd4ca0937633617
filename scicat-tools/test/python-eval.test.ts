import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { evaluatePython, normaliseTrailingDotFloats, toJson } from "../src/extract/python-eval.ts";

const value = (src: string, name: string) => toJson(evaluatePython(src, "t.py").scope.get(name)!.value);

test("input files are never executed", () => {
  const dir = mkdtempSync(join(tmpdir(), "noexec-"));
  const marker = join(dir, "executed");
  const src = [
    "import os, subprocess",
    `os.system("touch ${marker}")`,
    `open("${marker}", "w").write("x")`,
    `subprocess.run(["touch", "${marker}"])`,
    `exec("open('${marker}', 'w')")`,
    `__import__("os").system("touch ${marker}")`,
    "Main(geometry = '1Dcartesian')",
  ].join("\n");
  const s = evaluatePython(src, "evil.py");
  assert.equal(existsSync(marker), false);
  // the calls are only recorded, symbolically
  assert.deepEqual(
    s.calls.map((c) => c.callee),
    ["os.system", "open", "write", "subprocess.run", "exec", "__import__", "system", "Main"],
  );
});

test("floats with a trailing dot are read correctly (and offsets kept)", () => {
  const src = 'x = 32.\ny = 1.e-3 + 2.E+2\nz = [1., 2.]\ns = "v1. 2."  # 3. in a comment\nw = x.real\n';
  const n = normaliseTrailingDotFloats(src);
  assert.equal(n.length, src.length);
  assert.equal(n.split("\n").length, src.split("\n").length);
  assert.equal(value(src, "x"), 32);
  assert.equal(value(src, "y"), 0.001 + 200);
  assert.deepEqual(value(src, "z"), [1, 2]);
  assert.equal(value(src, "s"), "v1. 2.");
});

test("arithmetic, math/numpy/scipy constants and functions, names assigned earlier", () => {
  const src = [
    "import math",
    "import numpy as np",
    "from math import sqrt as root, pi",
    "import scipy.constants as sc",
    "a, b = 3, 4.",
    "h = root(a**2 + b**2)",
    "v = np.array([1., 2.])*2*pi",
    "n = [0]*3 + [1]",
    "d = {'k': 7}['k'] // 2",
    "m = -7 % 3",
    "lam = 2*math.pi*sc.c/1.e15",
    "flag = 'x' if a > 2 else 'y'",
    "cond = a < b and not False",
    "r = round(2.5) + int(7/2) + abs(-1) + max(1, 5) + len(n)",
  ].join("\n");
  assert.equal(value(src, "h"), 5);
  assert.deepEqual(value(src, "v"), [2 * Math.PI, 4 * Math.PI]);
  assert.deepEqual(value(src, "n"), [0, 0, 0, 1]);
  assert.equal(value(src, "d"), 3);
  assert.equal(value(src, "m"), 2); // Python modulo
  assert.equal(value(src, "lam"), (2 * Math.PI * 299792458) / 1e15);
  assert.equal(value(src, "flag"), "x");
  assert.equal(value(src, "cond"), true);
  assert.equal(value(src, "r"), 2 + 3 + 1 + 5 + 4); // round half to even
});

test("what cannot be evaluated is a warning naming file, line and expression; evaluation continues", () => {
  const src = [
    "x = 1",
    "",
    "y = undefined_name * 2",
    "def f(t): return t",
    "z = f(3)",
    "w = y + 1",
    "s = f'{x}'",
    "bad = 1 +",
    "after = x + 1",
  ].join("\n");
  const s = evaluatePython(src, "deck.py");
  const w = s.warnings.map((x) => `${x.file}:${x.line}: ${x.message}${x.expression ? ` [${x.expression}]` : ""}`);
  assert.ok(w.some((x) => x.startsWith("deck.py:3:") && x.includes("undefined_name") && x.includes("[undefined_name * 2]")), w.join("\n"));
  assert.ok(w.some((x) => x.startsWith("deck.py:5:") && x.includes("function 'f'")), w.join("\n"));
  assert.ok(w.some((x) => x.startsWith("deck.py:7:") && x.includes("f-strings")), w.join("\n"));
  assert.ok(w.some((x) => x.startsWith("deck.py:8:") && x.includes("syntax error")), w.join("\n"));
  // y's failure propagates to w without a second warning
  assert.equal(w.filter((x) => x.startsWith("deck.py:6:")).length, 0);
  assert.equal(toJson(s.scope.get("after")!.value), 2);
});

test("if statements follow evaluable conditions; others are skipped with a warning", () => {
  const src = ["mode = '3d'", "if mode == '2d':", "    n = 2", "elif mode == '3d':", "    n = 3", "else:", "    n = 0", "if unknown_flag:", "    m = 1"].join("\n");
  const s = evaluatePython(src, "t.py");
  assert.equal(toJson(s.scope.get("n")!.value), 3);
  assert.equal(s.scope.has("m"), false);
  assert.ok(s.warnings.some((w) => w.line === 8 && w.message.includes("condition cannot be evaluated")));
});

test("block attributes after the block: Main.timestep", () => {
  const src = "Main(timestep = 0.5, cell_length = [0.1])\nT = 10 * Main.timestep\nbad = Main.simulation_time\n";
  const s = evaluatePython(src, "t.py");
  assert.equal(toJson(s.scope.get("T")!.value), 5);
  assert.ok(s.warnings.some((w) => w.line === 3 && w.message.includes("'simulation_time' is not given in Main(...) at line 1")));
});
