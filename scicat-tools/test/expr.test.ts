import { test } from "node:test";
import assert from "node:assert/strict";
import { ExprError, evaluateText, parseExpression } from "../src/extract/expr.ts";
import type { Num, Resolver } from "../src/extract/expr.ts";

const none: Resolver = () => undefined;
const names = (o: Record<string, number>): Resolver => (n) => (n in o ? { value: o[n]!, int: Number.isInteger(o[n]!) } : undefined);
const cpp = (s: string, r: Resolver = none): Num => evaluateText(s, r, "cpp");
const wx = (s: string, r: Resolver = none): number => evaluateText(s, r, "warpx").value;

test("precedence, associativity and unary minus", () => {
  assert.equal(wx("1 + 2 * 3"), 7);
  assert.equal(wx("(1 + 2) * 3"), 9);
  assert.equal(wx("2 ^ 3 ^ 2"), 512); // right-associative power
  assert.equal(wx("-2 ^ 2"), -4); // power binds tighter than unary minus
  assert.equal(wx("2 ^ -1"), 0.5);
  assert.equal(wx("2 ** 10"), 1024);
  assert.equal(wx("10 - 4 - 3"), 3);
  assert.equal(wx("1 < 2 and 3 > 4"), 0);
  assert.equal(wx("1 < 2 or 3 > 4"), 1);
});

test("C++: integer division truncates, float literals and suffixes do not", () => {
  assert.deepEqual(cpp("7 / 2"), { value: 3, int: true });
  assert.deepEqual(cpp("-7 / 2"), { value: -3, int: true });
  assert.equal(cpp("7.0 / 2").value, 3.5);
  assert.equal(cpp("7.f / 2").value, 3.5);
  assert.equal(cpp("2u * 3u").value, 6);
  assert.equal(cpp("1.0e-6f").value, 1e-6);
  assert.equal(cpp("float_X(7) / 2").value, 3.5);
  assert.equal(cpp("uint32_t(7.9)").value, 7);
  assert.equal(cpp("static_cast<float_64>(1) / 4").value, 0.25);
  assert.equal(cpp("true ? 2 : 3").value, 2);
});

test("C++: namespaces are stripped for lookup, including a leading ::", () => {
  const r = names({ SPEED_OF_LIGHT_SI: 299792458 });
  assert.equal(cpp("::picongpu::SI::SPEED_OF_LIGHT_SI * 2", r).value, 599584916);
  assert.equal(cpp("SI::SPEED_OF_LIGHT_SI", r).value, 299792458);
  assert.equal(cpp("math::sqrt(16.0)").value, 4);
  assert.ok(Math.abs(cpp("pmacc::math::Pi<float_64>::value", names({ PI: Math.PI })).value - Math.PI) < 1e-15);
});

test("WarpX: constants and functions of the parser", () => {
  const r = names({ pi: Math.PI, clight: 299792458 });
  assert.equal(wx("if(1 > 2, 10, 20)"), 20);
  assert.equal(wx("min(3, 1, 2) + max(4, 5)"), 6);
  assert.ok(Math.abs(wx("2*pi/0.8e-6*clight", r) - (2 * Math.PI * 299792458) / 0.8e-6) < 1);
  assert.ok(Math.abs(wx("erf(1)") - 0.8427007929497149) < 1e-14);
  assert.ok(Math.abs(wx("erf(3)") - 0.9999779095030014) < 1e-14);
});

test("errors name the problem", () => {
  assert.throws(() => wx("a + 1"), (e: unknown) => e instanceof ExprError && /unknown name 'a'/.test((e as Error).message));
  assert.throws(() => wx("foo(1)"), /unsupported function 'foo'/);
  assert.throws(() => wx("sqrt(1, 2)"), /takes 1 argument/);
  assert.throws(() => parseExpression("1 +", "warpx"), /unexpected end/);
  assert.throws(() => parseExpression("(1", "warpx"), /expected '\)'/);
  assert.throws(() => parseExpression("1 $ 2", "warpx"), /unexpected character '\$'/);
  assert.throws(() => cpp("1 / 0"), /integer division by zero/);
});
