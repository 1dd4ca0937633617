import { fileURLToPath } from "node:url";
import { join } from "node:path";
import assert from "node:assert/strict";

export const FIXTURES = fileURLToPath(new URL("../fixtures/", import.meta.url));
export const fixture = (...p: string[]) => join(FIXTURES, ...p);

/** Relative closeness check with a readable message. */
export function close(actual: unknown, expected: number, rel = 1e-9, what = "value"): void {
  assert.equal(typeof actual, "number", `${what}: expected a number, got ${JSON.stringify(actual)}`);
  const a = actual as number;
  const ok = a === expected || Math.abs(a - expected) <= rel * Math.max(Math.abs(a), Math.abs(expected));
  assert.ok(ok, `${what}: ${a} is not within ${rel} of ${expected}`);
}

export function closeAll(actual: unknown, expected: number[], rel = 1e-9, what = "value"): void {
  assert.ok(Array.isArray(actual), `${what}: expected an array, got ${JSON.stringify(actual)}`);
  assert.equal((actual as unknown[]).length, expected.length, `${what}: length`);
  expected.forEach((e, i) => close((actual as unknown[])[i], e, rel, `${what}[${i}]`));
}

/** Quantity helper: metadata[key] as { value, unit, ... }. */
export function q(md: Record<string, unknown>, key: string): { value: unknown; unit?: string; [k: string]: unknown } {
  const v = md[key];
  assert.ok(v && typeof v === "object" && "value" in v, `metadata has no quantity '${key}': ${JSON.stringify(v)}`);
  return v as { value: unknown; unit?: string };
}
