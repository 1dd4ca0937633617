/**
 * The one arithmetic evaluator shared by every code.
 *
 * - C++ (`.param` files, `#define` values, `#if` conditions) and WarpX
 *   (AMReX parser) expressions are tokenized and parsed here into `Expr`.
 * - The Python evaluator (python-eval.ts) parses with a real Python parser but
 *   routes every numeric operation and math function through `applyUnary`,
 *   `applyBinary` and `callMathFunction` below, so the semantics live in one
 *   place.
 *
 * Numbers carry an `int` flag because C++ divides integers with truncation
 * (`7/2 == 3`) while Python and WarpX divide as floats.
 */

export type Dialect = "cpp" | "warpx" | "python";

export interface Num {
  value: number;
  int: boolean;
}

export type Expr =
  | { kind: "num"; value: number; int: boolean }
  | { kind: "name"; name: string }
  | { kind: "unary"; op: string; arg: Expr }
  | { kind: "binary"; op: string; left: Expr; right: Expr }
  | { kind: "call"; callee: string; args: Expr[] }
  | { kind: "cond"; test: Expr; then: Expr; otherwise: Expr };

export class ExprError extends Error {
  override name = "ExprError";
}

// ---------------------------------------------------------------------------
// Math library (names as Python's math/numpy, C's <cmath> and AMReX's parser)

type MathFn = { arity: [number, number]; fn: (...a: number[]) => number };

function erf(x: number): number {
  // Abramowitz & Stegun 7.1.26 is too coarse for metadata checks; use the
  // series / continued fraction split, accurate to ~1e-15.
  const ax = Math.abs(x);
  if (ax < 2.5) {
    let sum = x;
    let term = x;
    const x2 = x * x;
    for (let n = 1; n < 200; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return (2 / Math.sqrt(Math.PI)) * sum;
  }
  // erfc continued fraction (Lentz) for large |x|
  const z = ax;
  let f = z;
  let c = z;
  let d = 0;
  const tiny = 1e-300;
  for (let n = 1; n < 300; n++) {
    const an = n / 2;
    d = z + an * d;
    d = Math.abs(d) < tiny ? tiny : d;
    c = z + an / c;
    c = Math.abs(c) < tiny ? tiny : c;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  const erfc = Math.exp(-z * z) / Math.sqrt(Math.PI) / f;
  return Math.sign(x) * (1 - erfc);
}

const one = (fn: (x: number) => number): MathFn => ({ arity: [1, 1], fn });
const two = (fn: (x: number, y: number) => number): MathFn => ({ arity: [2, 2], fn });

export const MATH_FUNCTIONS: Readonly<Record<string, MathFn>> = {
  sqrt: one(Math.sqrt),
  cbrt: one(Math.cbrt),
  exp: one(Math.exp),
  expm1: one(Math.expm1),
  log: { arity: [1, 2], fn: (x, b) => (b === undefined ? Math.log(x) : Math.log(x) / Math.log(b)) },
  log10: one(Math.log10),
  log2: one(Math.log2),
  log1p: one(Math.log1p),
  sin: one(Math.sin),
  cos: one(Math.cos),
  tan: one(Math.tan),
  asin: one(Math.asin),
  acos: one(Math.acos),
  atan: one(Math.atan),
  arcsin: one(Math.asin),
  arccos: one(Math.acos),
  arctan: one(Math.atan),
  atan2: two(Math.atan2),
  arctan2: two(Math.atan2),
  sinh: one(Math.sinh),
  cosh: one(Math.cosh),
  tanh: one(Math.tanh),
  asinh: one(Math.asinh),
  acosh: one(Math.acosh),
  atanh: one(Math.atanh),
  abs: one(Math.abs),
  fabs: one(Math.abs),
  floor: one(Math.floor),
  ceil: one(Math.ceil),
  trunc: one(Math.trunc),
  round: one((x) => {
    // Python 3 / numpy round half to even
    const r = Math.round(x);
    return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
  }),
  pow: two(Math.pow),
  power: two(Math.pow),
  hypot: { arity: [2, 3], fn: (...a) => Math.hypot(...a) },
  fmod: two((x, y) => x % y),
  min: { arity: [1, Infinity], fn: (...a) => Math.min(...a) },
  max: { arity: [1, Infinity], fn: (...a) => Math.max(...a) },
  erf: one(erf),
  erfc: one((x) => 1 - erf(x)),
  degrees: one((x) => (x * 180) / Math.PI),
  radians: one((x) => (x * Math.PI) / 180),
  deg2rad: one((x) => (x * Math.PI) / 180),
  rad2deg: one((x) => (x * 180) / Math.PI),
  heaviside: two((x, h) => (x < 0 ? 0 : x > 0 ? 1 : h)),
  sign: one(Math.sign),
  square: one((x) => x * x),
};

/** Functions whose result is an integer when the arguments are. */
const INT_PRESERVING = new Set(["abs", "fabs", "min", "max", "pow", "power", "round", "floor", "ceil", "trunc", "square"]);

export function callMathFunction(name: string, args: Num[], dialect: Dialect): Num {
  const f = MATH_FUNCTIONS[name];
  if (!f) throw new ExprError(`unsupported function '${name}'`);
  const [lo, hi] = f.arity;
  if (args.length < lo || args.length > hi) {
    throw new ExprError(`function '${name}' takes ${lo === hi ? lo : `${lo}..${hi === Infinity ? "n" : hi}`} argument(s), got ${args.length}`);
  }
  const value = f.fn(...args.map((a) => a.value));
  let int = false;
  if (name === "floor" || name === "ceil" || name === "round" || name === "trunc") int = dialect === "python";
  else if (INT_PRESERVING.has(name)) int = args.every((a) => a.int) && !(name.startsWith("pow") && value !== Math.trunc(value));
  return { value, int };
}

// ---------------------------------------------------------------------------
// Operators

export function truthy(n: Num): boolean {
  return n.value !== 0 && !Number.isNaN(n.value);
}

const bool = (b: boolean): Num => ({ value: b ? 1 : 0, int: true });

export function applyUnary(op: string, a: Num): Num {
  switch (op) {
    case "-":
      return { value: -a.value, int: a.int };
    case "+":
      return a;
    case "!":
    case "not":
      return bool(!truthy(a));
    default:
      throw new ExprError(`unsupported unary operator '${op}'`);
  }
}

export function applyBinary(op: string, a: Num, b: Num, dialect: Dialect): Num {
  const bothInt = a.int && b.int;
  switch (op) {
    case "+":
      return { value: a.value + b.value, int: bothInt };
    case "-":
      return { value: a.value - b.value, int: bothInt };
    case "*":
      return { value: a.value * b.value, int: bothInt };
    case "/":
      if (dialect === "cpp" && bothInt) {
        if (b.value === 0) throw new ExprError("integer division by zero");
        return { value: Math.trunc(a.value / b.value), int: true };
      }
      if (b.value === 0 && dialect === "python") throw new ExprError("division by zero");
      return { value: a.value / b.value, int: false };
    case "//":
      if (b.value === 0) throw new ExprError("division by zero");
      return { value: Math.floor(a.value / b.value), int: bothInt };
    case "%":
      if (b.value === 0) throw new ExprError("modulo by zero");
      if (dialect === "python") {
        const r = a.value - b.value * Math.floor(a.value / b.value);
        return { value: r, int: bothInt };
      }
      return { value: a.value % b.value, int: bothInt };
    case "**":
      return { value: Math.pow(a.value, b.value), int: bothInt && b.value >= 0 };
    case "^":
      if (dialect === "warpx") return { value: Math.pow(a.value, b.value), int: bothInt && b.value >= 0 };
      if (bothInt) return { value: a.value ^ b.value, int: true };
      throw new ExprError("'^' needs integer operands");
    case "<":
      return bool(a.value < b.value);
    case ">":
      return bool(a.value > b.value);
    case "<=":
      return bool(a.value <= b.value);
    case ">=":
      return bool(a.value >= b.value);
    case "==":
      return bool(a.value === b.value);
    case "!=":
      return bool(a.value !== b.value);
    case "&&":
    case "and":
      return bool(truthy(a) && truthy(b));
    case "||":
    case "or":
      return bool(truthy(a) || truthy(b));
    default:
      throw new ExprError(`unsupported operator '${op}'`);
  }
}

// ---------------------------------------------------------------------------
// Tokenizer for C++ and WarpX expressions

export interface Token {
  type: "num" | "name" | "op" | "str";
  text: string;
  pos: number;
  num?: Num;
}

const OPS = ["**", "<=", ">=", "==", "!=", "&&", "||", "::", "<", ">", "+", "-", "*", "/", "%", "^", "!", "(", ")", ",", "?", ":"];

export function tokenize(src: string, dialect: Dialect): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    // numbers: 12, 1.5, .5, 1., 1e-3, 1.0e+8, C++ suffixes (f, u, l, _X)
    const num = /^(0[xX][0-9a-fA-F]+|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)([fFlLuU]*|_X|_64)?/.exec(src.slice(i));
    if (num && /[\d.]/.test(ch) && !(ch === "." && !/\d/.test(src[i + 1] ?? ""))) {
      const body = num[1]!;
      const isHex = /^0[xX]/.test(body);
      const value = isHex ? parseInt(body, 16) : Number(body);
      const suffix = num[2] ?? "";
      const isFloatSuffix = /[fF]/.test(suffix) && !isHex;
      const int = isHex || (!/[.eE]/.test(body) && !isFloatSuffix);
      out.push({ type: "num", text: num[0], pos: i, num: { value, int: dialect === "cpp" ? int : dialect === "python" ? int : false } });
      i += num[0].length;
      continue;
    }
    if (/[A-Za-z_]/.test(ch) || (dialect === "cpp" && /^::\s*[A-Za-z_]/.test(src.slice(i)))) {
      // identifiers; C++ scope resolution (::picongpu::SI::SPEED_OF_LIGHT_SI) joins into one name
      const re = dialect === "cpp" ? /^(?:::\s*)?[A-Za-z_]\w*(?:\s*::\s*[A-Za-z_]\w*)*/ : /^[A-Za-z_]\w*/;
      const m = re.exec(src.slice(i))!;
      out.push({ type: "name", text: m[0].replace(/\s+/g, "").replace(/^::/, ""), pos: i });
      i += m[0].length;
      continue;
    }
    if (ch === '"' || ch === "'") {
      const end = src.indexOf(ch, i + 1);
      if (end < 0) throw new ExprError(`unterminated string at position ${i}`);
      out.push({ type: "str", text: src.slice(i + 1, end), pos: i });
      i = end + 1;
      continue;
    }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (!op) throw new ExprError(`unexpected character '${ch}' at position ${i}`);
    out.push({ type: "op", text: op, pos: i });
    i += op.length;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Pratt parser

const BINARY_PRECEDENCE: Record<string, number> = {
  "||": 1,
  or: 1,
  "&&": 2,
  and: 2,
  "==": 3,
  "!=": 3,
  "<": 4,
  ">": 4,
  "<=": 4,
  ">=": 4,
  "+": 5,
  "-": 5,
  "*": 6,
  "/": 6,
  "%": 6,
  "^": 8,
  "**": 8,
};
const UNARY_PRECEDENCE = 7;

/** Normalise C++ idioms that carry no arithmetic (casts, Pi templates). */
function normaliseCpp(src: string): string {
  return src
    .replace(/\b(?:static_cast|reinterpret_cast)\s*<\s*([^<>]*?)\s*>/g, "$1")
    .replace(/\b(?:pmacc::)?(?:math::)?Pi\s*<[^<>]*>\s*::\s*(value|doubleValue|halfValue|quarterValue)/g, (_m, v: string) =>
      v === "doubleValue" ? "(2*PI)" : v === "halfValue" ? "(PI/2)" : v === "quarterValue" ? "(PI/4)" : "PI",
    )
    .replace(/\b(float_X|float_64|float_32|double|float|int|uint32_t|int32_t|uint64_t|int64_t|size_t)\s*\{([^{}]*)\}/g, "$1($2)");
}

export function parseExpression(source: string, dialect: Dialect): Expr {
  const src = dialect === "cpp" ? normaliseCpp(source) : source;
  const tokens = tokenize(src, dialect);
  let p = 0;
  const peek = (): Token | undefined => tokens[p];
  const fail = (msg: string): never => {
    throw new ExprError(msg);
  };
  const expectOp = (text: string) => {
    const t = tokens[p];
    if (!t || t.type !== "op" || t.text !== text) fail(`expected '${text}'${t ? ` at '${t.text}'` : " at end of expression"}`);
    p++;
  };

  function parsePrimary(): Expr {
    const t = tokens[p++];
    if (!t) return fail("unexpected end of expression");
    if (t.type === "num") return { kind: "num", value: t.num!.value, int: t.num!.int };
    if (t.type === "str") return fail(`string "${t.text}" is not a number`);
    if (t.type === "name") {
      if (dialect !== "cpp" && (t.text === "and" || t.text === "or")) fail(`unexpected '${t.text}'`);
      const next = peek();
      if (next && next.type === "op" && next.text === "(") {
        p++;
        const args: Expr[] = [];
        if (!(peek()?.type === "op" && peek()?.text === ")")) {
          for (;;) {
            args.push(parseBinary(0));
            const sep = peek();
            if (sep?.type === "op" && sep.text === ",") {
              p++;
              continue;
            }
            break;
          }
        }
        expectOp(")");
        return { kind: "call", callee: t.text, args };
      }
      if (t.text === "true") return { kind: "num", value: 1, int: true };
      if (t.text === "false") return { kind: "num", value: 0, int: true };
      return { kind: "name", name: t.text };
    }
    if (t.text === "(") {
      const e = parseTernary();
      expectOp(")");
      return e;
    }
    if (t.text === "-" || t.text === "+" || t.text === "!") {
      const arg = parseBinary(UNARY_PRECEDENCE);
      return { kind: "unary", op: t.text, arg };
    }
    return fail(`unexpected '${t.text}'`);
  }

  function parseBinary(minPrec: number): Expr {
    let left = parsePrimary();
    for (;;) {
      const t = peek();
      if (!t) break;
      const op = t.type === "op" || (t.type === "name" && (t.text === "and" || t.text === "or") && dialect === "warpx") ? t.text : undefined;
      if (op === undefined) break;
      const prec = BINARY_PRECEDENCE[op];
      if (prec === undefined || prec < minPrec) break;
      p++;
      const rightAssoc = op === "^" || op === "**";
      // unary minus binds looser than power: 2^-1 and -2^2 both parse as in Python
      const right = rightAssoc ? parseBinary(Math.min(prec, UNARY_PRECEDENCE)) : parseBinary(prec + 1);
      left = { kind: "binary", op, left, right };
    }
    return left;
  }

  function parseTernary(): Expr {
    const test = parseBinary(0);
    const t = peek();
    if (t && t.type === "op" && t.text === "?") {
      p++;
      const then = parseTernary();
      expectOp(":");
      const otherwise = parseTernary();
      return { kind: "cond", test, then, otherwise };
    }
    return test;
  }

  if (tokens.length === 0) fail("empty expression");
  const e = parseTernary();
  if (p < tokens.length) fail(`unexpected '${tokens[p]!.text}'`);
  return e;
}

// ---------------------------------------------------------------------------
// Evaluation

/** Resolves a name to a number; returns undefined if the name is unknown. */
export type Resolver = (name: string) => Num | undefined;

const CPP_CASTS = new Set(["float_X", "float_64", "float_32", "double", "float", "precisionType", "int", "uint32_t", "int32_t", "uint64_t", "int64_t", "size_t", "uint16_t"]);
const CPP_INT_CASTS = new Set(["int", "uint32_t", "int32_t", "uint64_t", "int64_t", "size_t", "uint16_t"]);

function stripNamespaces(name: string): string {
  const i = name.lastIndexOf("::");
  return i >= 0 ? name.slice(i + 2) : name;
}

export function evaluate(expr: Expr, resolve: Resolver, dialect: Dialect): Num {
  switch (expr.kind) {
    case "num":
      return { value: expr.value, int: expr.int };
    case "name": {
      const v = resolve(expr.name) ?? (dialect === "cpp" ? resolve(stripNamespaces(expr.name)) : undefined);
      if (v === undefined) throw new ExprError(`unknown name '${expr.name}'`);
      return v;
    }
    case "unary":
      return applyUnary(expr.op, evaluate(expr.arg, resolve, dialect));
    case "binary": {
      const a = evaluate(expr.left, resolve, dialect);
      if (expr.op === "&&" || expr.op === "and") return truthy(a) ? applyBinary(expr.op, a, evaluate(expr.right, resolve, dialect), dialect) : { value: 0, int: true };
      if (expr.op === "||" || expr.op === "or") return truthy(a) ? { value: 1, int: true } : applyBinary(expr.op, a, evaluate(expr.right, resolve, dialect), dialect);
      return applyBinary(expr.op, a, evaluate(expr.right, resolve, dialect), dialect);
    }
    case "cond":
      return truthy(evaluate(expr.test, resolve, dialect)) ? evaluate(expr.then, resolve, dialect) : evaluate(expr.otherwise, resolve, dialect);
    case "call": {
      let callee = expr.callee;
      if (dialect === "cpp") {
        const bare = stripNamespaces(callee);
        if (CPP_CASTS.has(bare)) {
          if (expr.args.length !== 1) throw new ExprError(`cast '${callee}' takes one argument`);
          const v = evaluate(expr.args[0]!, resolve, dialect);
          return CPP_INT_CASTS.has(bare) ? { value: Math.trunc(v.value), int: true } : { value: v.value, int: false };
        }
        callee = bare;
      }
      if (dialect === "warpx" && callee === "if") {
        if (expr.args.length !== 3) throw new ExprError("if() takes three arguments");
        return truthy(evaluate(expr.args[0]!, resolve, dialect)) ? evaluate(expr.args[1]!, resolve, dialect) : evaluate(expr.args[2]!, resolve, dialect);
      }
      return callMathFunction(callee, expr.args.map((a) => evaluate(a, resolve, dialect)), dialect);
    }
  }
}

/** Names an expression refers to (for dependency tracking and messages). */
export function freeNames(expr: Expr, out: Set<string> = new Set()): Set<string> {
  switch (expr.kind) {
    case "name":
      out.add(expr.name);
      break;
    case "unary":
      freeNames(expr.arg, out);
      break;
    case "binary":
      freeNames(expr.left, out);
      freeNames(expr.right, out);
      break;
    case "cond":
      freeNames(expr.test, out);
      freeNames(expr.then, out);
      freeNames(expr.otherwise, out);
      break;
    case "call":
      for (const a of expr.args) freeNames(a, out);
      break;
    case "num":
      break;
  }
  return out;
}

/** Parse and evaluate in one go. */
export function evaluateText(source: string, resolve: Resolver, dialect: Dialect): Num {
  return evaluate(parseExpression(source, dialect), resolve, dialect);
}
