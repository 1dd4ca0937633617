/**
 * A restricted evaluator for Python input files (Smilei namelists, PICMI
 * scripts). The file is parsed with a real Python parser (@lezer/python) and
 * never executed. Only literals, arithmetic, `math`/`numpy`/`scipy.constants`
 * style constants and functions, a few pure builtins, and names assigned
 * earlier are evaluated. Calls to anything else (e.g. `Main(...)`,
 * `picmi.Simulation(...)`) are recorded symbolically with their arguments so
 * the extractors can read them. Whatever cannot be evaluated becomes an
 * `unknown` value plus a warning naming file, line and expression.
 */
import { parser } from "@lezer/python";
import type { SyntaxNode } from "@lezer/common";
import { ExprError, MATH_FUNCTIONS, applyBinary, applyUnary, callMathFunction } from "./expr.ts";
import type { Num } from "./expr.ts";
import { C, EPS0, HBAR, K_B, MU0, M_E, M_P, M_U, Q_E } from "./units.ts";
import type { Warning } from "./metadata.ts";

// ---------------------------------------------------------------------------
// Values

export interface PyList {
  kind: "list";
  items: PyValue[];
  tuple: boolean;
  /** created by numpy (elementwise arithmetic) */
  array: boolean;
}
export interface PyDict {
  kind: "dict";
  entries: Map<string | number | boolean, PyValue>;
}
export interface PyArg {
  value: PyValue;
  line: number;
  text: string;
}
export interface PyCall {
  kind: "call";
  callee: string;
  receiver?: PyValue;
  args: PyArg[];
  kwargs: Record<string, PyArg>;
  line: number;
  text: string;
}
/** A name that is not bound in the file (e.g. `Main`, `picmi.Species`). */
export interface PySymbol {
  kind: "symbol";
  name: string;
  receiver?: PyValue;
}
export interface PyModule {
  kind: "module";
  name: string;
}
export interface PyBuiltin {
  kind: "builtin";
  name: string;
  module?: string;
}
export interface PyFunction {
  kind: "function";
  name: string;
  line: number;
}
export interface PyUnknown {
  kind: "unknown";
  reason: string;
  line: number;
  text: string;
}

export type PyValue =
  | number
  | string
  | boolean
  | null
  | PyList
  | PyDict
  | PyCall
  | PySymbol
  | PyModule
  | PyBuiltin
  | PyFunction
  | PyUnknown;

export interface Binding {
  value: PyValue;
  line: number;
  text: string;
}

export interface PyScript {
  file: string;
  source: string;
  /** every symbolic call evaluated, in source order (nested ones included) */
  calls: PyCall[];
  scope: Map<string, Binding>;
  /** modules imported, by dotted name */
  imports: Set<string>;
  warnings: Warning[];
}

export const isUnknown = (v: PyValue | undefined): v is PyUnknown => typeof v === "object" && v !== null && v.kind === "unknown";
export const isCall = (v: PyValue | undefined): v is PyCall => typeof v === "object" && v !== null && v.kind === "call";
export const isList = (v: PyValue | undefined): v is PyList => typeof v === "object" && v !== null && v.kind === "list";

/** A number (bools count as ints, as in Python). */
export function asNumber(v: PyValue | undefined): number | undefined {
  if (typeof v === "number") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  return undefined;
}

/** A list of numbers (a single number becomes a one-element list). */
export function asNumberList(v: PyValue | undefined): number[] | undefined {
  if (isList(v)) {
    const out: number[] = [];
    for (const item of v.items) {
      const n = asNumber(item);
      if (n === undefined) return undefined;
      out.push(n);
    }
    return out;
  }
  const n = asNumber(v);
  return n === undefined ? undefined : [n];
}

/** Plain JSON for a value (for metadata), or undefined if it has none. */
export function toJson(v: PyValue): unknown {
  if (v === null || typeof v === "number" || typeof v === "string" || typeof v === "boolean") return v;
  if (v.kind === "list") {
    const items = v.items.map(toJson);
    return items.some((x) => x === undefined) ? undefined : items;
  }
  if (v.kind === "dict") {
    const o: Record<string, unknown> = {};
    for (const [k, x] of v.entries) {
      const j = toJson(x);
      if (j === undefined) return undefined;
      o[String(k)] = j;
    }
    return o;
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// Modules we know

const MATH_CONSTANTS: Record<string, number> = { pi: Math.PI, e: Math.E, tau: 2 * Math.PI, inf: Infinity, nan: NaN };

const SCIPY_CONSTANTS: Record<string, number> = {
  c: C,
  speed_of_light: C,
  e: Q_E,
  elementary_charge: Q_E,
  m_e: M_E,
  electron_mass: M_E,
  m_p: M_P,
  proton_mass: M_P,
  m_u: M_U,
  atomic_mass: M_U,
  epsilon_0: EPS0,
  mu_0: MU0,
  hbar: HBAR,
  k: K_B,
  Boltzmann: K_B,
  pi: Math.PI,
  femto: 1e-15,
  pico: 1e-12,
  nano: 1e-9,
  micro: 1e-6,
  milli: 1e-3,
  centi: 1e-2,
  kilo: 1e3,
  mega: 1e6,
  giga: 1e9,
};

/** picmistandard's `picmi.constants` (also `picmistandard.constants`). */
const PICMI_CONSTANTS: Record<string, number> = { c: C, ep0: EPS0, mu0: MU0, q_e: Q_E, m_e: M_E, m_p: M_P, kb: K_B, hbar: HBAR };

const MODULE_CONSTANTS: Record<string, Record<string, number>> = {
  math: MATH_CONSTANTS,
  cmath: MATH_CONSTANTS,
  numpy: { ...MATH_CONSTANTS, Inf: Infinity, NaN: NaN },
  "scipy.constants": SCIPY_CONSTANTS,
  "picmi.constants": PICMI_CONSTANTS,
  "picmistandard.constants": PICMI_CONSTANTS,
};

const NUMPY_EXTRA = new Set(["array", "asarray", "linspace", "arange", "sum", "prod"]);
const PY_BUILTINS = new Set(["int", "float", "abs", "min", "max", "round", "len", "sum", "pow", "list", "tuple", "bool", "str", "range"]);

function moduleMember(module: string, name: string): PyValue | undefined {
  const consts = MODULE_CONSTANTS[module];
  if (consts && name in consts) return consts[name]!;
  if ((module === "math" || module === "cmath" || module === "numpy") && name in MATH_FUNCTIONS) return { kind: "builtin", name, module };
  if (module === "numpy" && NUMPY_EXTRA.has(name)) return { kind: "builtin", name, module };
  if (module === "math" && (name === "isclose" || name === "factorial")) return undefined;
  return undefined;
}

function canonicalModule(dotted: string): string | undefined {
  if (dotted in MODULE_CONSTANTS) return dotted;
  if (dotted === "np") return undefined;
  return undefined;
}

/** PICMI front-ends re-export picmistandard under different packages. */
function normaliseImport(dotted: string): string {
  if (/^(pywarpx|picongpu|fbpic|pypic|pywarp)\.picmi$/.test(dotted) || dotted === "picmistandard") return "picmi";
  if (/^(pywarpx|picongpu)\.picmi\.constants$/.test(dotted) || dotted === "picmistandard.constants") return "picmi.constants";
  return dotted;
}

// ---------------------------------------------------------------------------
// Source preparation

/**
 * @lezer/python tokenizes a float with a trailing dot (`32.`, `1.e-3`) as a
 * member access. Rewrite those literals to an equal-length form it reads
 * correctly (`32 `, `1e-3 `), leaving strings and comments untouched, so that
 * offsets and line numbers stay those of the original file.
 */
export function normaliseTrailingDotFloats(src: string): string {
  const out = src.split("");
  let i = 0;
  const n = src.length;
  while (i < n) {
    const ch = src[i]!;
    if (ch === "#") {
      while (i < n && src[i] !== "\n") i++;
      continue;
    }
    if (ch === '"' || ch === "'") {
      const triple = src.startsWith(ch.repeat(3), i);
      const q = triple ? ch.repeat(3) : ch;
      i += q.length;
      while (i < n && !src.startsWith(q, i)) {
        if (src[i] === "\\") i++;
        else if (!triple && src[i] === "\n") break;
        i++;
      }
      i += q.length;
      continue;
    }
    if (/\d/.test(ch) && (i === 0 || !/[\w.]/.test(src[i - 1]!))) {
      let j = i;
      while (j < n && /[\d_]/.test(src[j]!)) j++;
      if (src[j] === "." && !/[\d_]/.test(src[j + 1] ?? "")) {
        const after = src[j + 1] ?? "";
        if (/[eE]/.test(after) && /[+\-\d]/.test(src[j + 2] ?? "")) {
          // 1.e-3 -> 1e-3 + space
          let k = j + 2;
          if (/[+-]/.test(src[k]!)) k++;
          while (k < n && /\d/.test(src[k]!)) k++;
          for (let m = j; m < k - 1; m++) out[m] = src[m + 1]!;
          out[k - 1] = " ";
          i = k;
          continue;
        }
        if (!/[A-Za-z_]/.test(after)) {
          out[j] = " ";
          i = j + 1;
          continue;
        }
      }
      i = j;
      continue;
    }
    i++;
  }
  return out.join("");
}

// ---------------------------------------------------------------------------
// Evaluator

class Evaluator {
  readonly script: PyScript;
  private readonly lineStarts: number[] = [0];
  private readonly src: string;

  constructor(source: string, file: string) {
    this.src = normaliseTrailingDotFloats(source);
    for (let i = 0; i < source.length; i++) if (source[i] === "\n") this.lineStarts.push(i + 1);
    this.script = { file, source, calls: [], scope: new Map(), imports: new Set(), warnings: [] };
  }

  lineOf(pos: number): number {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  text(node: SyntaxNode): string {
    // report the original text (not the normalised one)
    const t = this.script.source.slice(node.from, node.to);
    return t.length > 200 ? `${t.slice(0, 197)}...` : t.replace(/\s*\n\s*/g, " ");
  }

  warn(node: SyntaxNode, message: string, withExpression = true): void {
    const w: Warning = { file: this.script.file, line: this.lineOf(node.from), message };
    if (withExpression) w.expression = this.text(node);
    this.script.warnings.push(w);
  }

  /** A fresh failure: warn and return an unknown value. */
  fail(node: SyntaxNode, reason: string): PyUnknown {
    this.warn(node, `cannot evaluate: ${reason}`);
    return { kind: "unknown", reason, line: this.lineOf(node.from), text: this.text(node) };
  }

  run(): PyScript {
    const tree = parser.parse(this.src);
    for (let stmt = tree.topNode.firstChild; stmt; stmt = stmt.nextSibling) this.statement(stmt);
    return this.script;
  }

  private hasError(node: SyntaxNode): boolean {
    let bad = false;
    node.toTree().iterate({
      enter: (n) => {
        if (n.type.isError) bad = true;
        return !bad;
      },
    });
    return bad;
  }

  private bind(name: string, value: PyValue, node: SyntaxNode): void {
    this.script.scope.set(name, { value, line: this.lineOf(node.from), text: this.text(node) });
  }

  statement(stmt: SyntaxNode): void {
    const name = stmt.name;
    if (name === "Comment" || name === "PassStatement" || name === ";") return;
    if (name === "StatementGroup") {
      for (let s = stmt.firstChild; s; s = s.nextSibling) this.statement(s);
      return;
    }
    if (this.hasError(stmt)) {
      this.warn(stmt, "syntax error; statement skipped");
      return;
    }
    switch (name) {
      case "ExpressionStatement": {
        const e = stmt.firstChild;
        if (e) this.expr(e);
        return;
      }
      case "AssignStatement":
        return this.assign(stmt);
      case "UpdateStatement":
        return this.update(stmt);
      case "ImportStatement":
        return this.importStatement(stmt);
      case "IfStatement":
        return this.ifStatement(stmt);
      case "FunctionDefinition":
      case "ClassDefinition": {
        const id = stmt.getChild("VariableName");
        if (id) this.bind(this.text(id), { kind: "function", name: this.text(id), line: this.lineOf(stmt.from) }, id);
        return;
      }
      case "DecoratedStatement": {
        const inner = stmt.getChild("FunctionDefinition") ?? stmt.getChild("ClassDefinition");
        if (inner) this.statement(inner);
        return;
      }
      case "PrintStatement":
      case "AssertStatement":
      case "DeleteStatement":
      case "GlobalStatement":
      case "NonlocalStatement":
        return;
      default: {
        const kind = name.replace(/Statement$/, "").toLowerCase();
        const assigned = this.assignedNames(stmt);
        this.warn(stmt, `'${kind}' statement not evaluated${assigned.length ? `; names assigned in it are unknown: ${assigned.join(", ")}` : ""}`, false);
        for (const a of assigned) {
          this.script.scope.set(a, {
            value: { kind: "unknown", reason: `'${a}' is assigned inside a '${kind}' statement at line ${this.lineOf(stmt.from)}`, line: this.lineOf(stmt.from), text: a },
            line: this.lineOf(stmt.from),
            text: a,
          });
        }
      }
    }
  }

  private assignedNames(stmt: SyntaxNode): string[] {
    const names = new Set<string>();
    stmt.toTree().iterate({
      enter: (n) => {
        if (n.name === "AssignStatement" || n.name === "UpdateStatement" || n.name === "ForStatement") {
          const node = n.node.firstChild;
          if (n.name === "ForStatement") {
            // for <VariableName> in ...
            const v = n.node.getChild("VariableName");
            if (v) names.add(this.src.slice(stmt.from + v.from, stmt.from + v.to));
          } else if (node && node.name === "VariableName") {
            names.add(this.src.slice(stmt.from + node.from, stmt.from + node.to));
          }
        }
      },
    });
    return [...names];
  }

  private assign(stmt: SyntaxNode): void {
    // groups separated by AssignOp: t1 = t2 = value ; with optional TypeDef
    const groups: SyntaxNode[][] = [[]];
    for (let c = stmt.firstChild; c; c = c.nextSibling) {
      if (c.name === "AssignOp") groups.push([]);
      else if (c.name !== "," && c.name !== "TypeDef") groups[groups.length - 1]!.push(c);
    }
    const valueNodes = groups.pop()!;
    if (valueNodes.length === 0) return;
    let value: PyValue;
    if (valueNodes.length === 1) value = this.expr(valueNodes[0]!);
    else value = { kind: "list", tuple: true, array: false, items: valueNodes.map((n) => this.expr(n)) };
    for (const targets of groups) {
      if (targets.length === 1) this.assignTarget(targets[0]!, value, stmt);
      else {
        // tuple unpacking
        const items = isList(value) && value.items.length === targets.length ? value.items : undefined;
        targets.forEach((t, i) => {
          this.assignTarget(
            t,
            items ? items[i]! : isUnknown(value) ? value : this.fail(t, `cannot unpack into ${targets.length} names`),
            stmt,
          );
        });
      }
    }
  }

  private assignTarget(target: SyntaxNode, value: PyValue, stmt: SyntaxNode): void {
    if (target.name === "VariableName") {
      this.script.scope.set(this.text(target), { value, line: this.lineOf(stmt.from), text: this.text(stmt) });
      return;
    }
    if (target.name === "TupleExpression" || target.name === "ArrayExpression" || target.name === "ParenthesizedExpression") {
      const subs = target.getChildren("VariableName");
      const items = isList(value) && value.items.length === subs.length ? value.items : undefined;
      subs.forEach((s, i) => this.assignTarget(s, items ? items[i]! : isUnknown(value) ? value : this.fail(s, "cannot unpack"), stmt));
      return;
    }
    // attribute / item assignment: we do not model mutation
    const base = target.firstChild;
    const baseName = base?.name === "VariableName" ? this.text(base) : undefined;
    this.warn(target, "assignment to an attribute or item is not evaluated");
    if (baseName && this.script.scope.has(baseName)) {
      const b = this.script.scope.get(baseName)!;
      if (!isCall(b.value)) {
        this.script.scope.set(baseName, {
          value: { kind: "unknown", reason: `'${baseName}' is modified at line ${this.lineOf(stmt.from)}`, line: this.lineOf(stmt.from), text: this.text(stmt) },
          line: this.lineOf(stmt.from),
          text: this.text(stmt),
        });
      }
    }
  }

  private update(stmt: SyntaxNode): void {
    const target = stmt.firstChild;
    const opNode = stmt.getChild("UpdateOp");
    const valueNode = opNode?.nextSibling;
    if (!target || !opNode || !valueNode || target.name !== "VariableName") {
      this.warn(stmt, "augmented assignment not evaluated");
      return;
    }
    const name = this.text(target);
    const current = this.lookup(name, target);
    const op = this.text(opNode).replace(/=$/, "");
    const value = this.binary(op, current, this.expr(valueNode), stmt);
    this.script.scope.set(name, { value, line: this.lineOf(stmt.from), text: this.text(stmt) });
  }

  private importStatement(stmt: SyntaxNode): void {
    const children: SyntaxNode[] = [];
    for (let c = stmt.firstChild; c; c = c.nextSibling) children.push(c);
    const isFrom = children[0]?.name === "from";
    if (!isFrom) {
      // import a.b.c [as d], e
      let i = 1;
      while (i < children.length) {
        const parts: string[] = [];
        while (i < children.length && (children[i]!.name === "VariableName" || children[i]!.name === ".")) {
          if (children[i]!.name === "VariableName") parts.push(this.text(children[i]!));
          i++;
        }
        let alias: string | undefined;
        if (children[i]?.name === "as") {
          alias = this.text(children[i + 1]!);
          i += 2;
        }
        const dotted = normaliseImport(parts.join("."));
        this.script.imports.add(parts.join("."));
        if (alias) this.bind(alias, this.moduleValue(dotted), stmt);
        else this.bind(parts[0]!, this.moduleValue(normaliseImport(parts[0]!)), stmt);
        if (children[i]?.name === ",") i++;
        else i++;
      }
      return;
    }
    // from a.b import x [as y], z | *
    let i = 1;
    const parts: string[] = [];
    while (i < children.length && children[i]!.name !== "import") {
      if (children[i]!.name === "VariableName") parts.push(this.text(children[i]!));
      i++;
    }
    i++; // import
    const rawModule = parts.join(".");
    this.script.imports.add(rawModule);
    const module = normaliseImport(rawModule);
    for (; i < children.length; i++) {
      const c = children[i]!;
      if (c.name === "*") {
        const consts = MODULE_CONSTANTS[module];
        if (consts || module === "math" || module === "numpy") {
          for (const [k, v] of Object.entries(consts ?? {})) this.bind(k, v, stmt);
          if (module === "math" || module === "numpy" || module === "cmath") {
            for (const k of Object.keys(MATH_FUNCTIONS)) {
              const m = moduleMember(module, k);
              if (m !== undefined) this.bind(k, m, stmt);
            }
          }
        } else {
          this.warn(stmt, `names imported with '*' from '${rawModule}' are unknown`, false);
        }
        continue;
      }
      if (c.name !== "VariableName") continue;
      const member = this.text(c);
      let alias = member;
      if (children[i + 1]?.name === "as") {
        alias = this.text(children[i + 2]!);
        i += 2;
      }
      const full = normaliseImport(`${rawModule}.${member}`);
      if (canonicalModule(full) || full === "picmi" || full === "picmi.constants") this.bind(alias, this.moduleValue(full), stmt);
      else {
        const v = moduleMember(module, member);
        this.bind(alias, v ?? { kind: "symbol", name: module === "picmi" ? `picmi.${member}` : member }, stmt);
      }
    }
  }

  private moduleValue(dotted: string): PyValue {
    if (dotted === "numpy" || canonicalModule(dotted)) return { kind: "module", name: dotted };
    if (dotted === "scipy") return { kind: "symbol", name: "scipy" };
    return { kind: "symbol", name: dotted };
  }

  private ifStatement(stmt: SyntaxNode): void {
    // children: if cond Body (elif cond Body)* (else Body)?
    const children: SyntaxNode[] = [];
    for (let c = stmt.firstChild; c; c = c.nextSibling) children.push(c);
    let i = 0;
    while (i < children.length) {
      const kw = children[i]!.name;
      if (kw === "if" || kw === "elif") {
        const cond = children[i + 1]!;
        const body = children[i + 2]!;
        const v = this.expr(cond);
        const t = this.truth(v);
        if (t === undefined) {
          this.warn(cond, "condition cannot be evaluated; the 'if' statement is skipped");
          return;
        }
        if (t) {
          this.body(body);
          return;
        }
        i += 3;
      } else if (kw === "else") {
        this.body(children[i + 1]!);
        return;
      } else i++;
    }
  }

  private body(body: SyntaxNode): void {
    for (let s = body.firstChild; s; s = s.nextSibling) if (s.name !== ":") this.statement(s);
  }

  private truth(v: PyValue): boolean | undefined {
    if (v === null) return false;
    if (typeof v === "boolean") return v;
    if (typeof v === "number") return v !== 0;
    if (typeof v === "string") return v.length > 0;
    if (v.kind === "list") return v.items.length > 0;
    if (v.kind === "dict") return v.entries.size > 0;
    return undefined;
  }

  // -------------------------------------------------------------------------
  // Expressions

  lookup(name: string, node: SyntaxNode): PyValue {
    const b = this.script.scope.get(name);
    if (b) return b.value;
    if (PY_BUILTINS.has(name)) return { kind: "builtin", name };
    return { kind: "symbol", name };
  }

  expr(node: SyntaxNode): PyValue {
    switch (node.name) {
      case "Number":
        return this.number(node);
      case "String":
      case "ContinuedString":
      case "FormatString":
        return this.string(node);
      case "Boolean":
        return this.text(node) === "True";
      case "None":
        return null;
      case "VariableName":
        return this.lookup(this.text(node), node);
      case "ParenthesizedExpression": {
        const inner = node.firstChild?.nextSibling;
        return inner && inner.name !== ")" ? this.expr(inner) : this.fail(node, "empty parentheses");
      }
      case "ArrayExpression":
      case "TupleExpression":
      case "SetExpression":
        return { kind: "list", tuple: node.name !== "ArrayExpression", array: false, items: this.elements(node) };
      case "DictionaryExpression":
        return this.dict(node);
      case "UnaryExpression": {
        const op = node.firstChild!;
        const arg = this.expr(op.nextSibling!);
        return this.unary(this.text(op), arg, node);
      }
      case "BinaryExpression":
        return this.binaryExpression(node);
      case "ConditionalExpression": {
        // a if cond else b
        const kids: SyntaxNode[] = [];
        for (let c = node.firstChild; c; c = c.nextSibling) if (c.name !== "if" && c.name !== "else") kids.push(c);
        const cond = this.expr(kids[1]!);
        const t = this.truth(cond);
        if (t === undefined) return isUnknown(cond) ? cond : this.fail(node, "condition is not a plain value");
        return this.expr(t ? kids[0]! : kids[2]!);
      }
      case "MemberExpression":
        return this.member(node);
      case "CallExpression":
        return this.call(node);
      case "LambdaExpression":
        return { kind: "function", name: "lambda", line: this.lineOf(node.from) };
      case "ArrayComprehensionExpression":
      case "DictionaryComprehensionExpression":
      case "SetComprehensionExpression":
      case "ComprehensionExpression":
        return this.fail(node, "comprehensions are not evaluated");
      default:
        return this.fail(node, `${node.name.replace(/Expression$/, " expression").toLowerCase()} is not supported`);
    }
  }

  private elements(node: SyntaxNode): PyValue[] {
    const items: PyValue[] = [];
    for (let c = node.firstChild; c; c = c.nextSibling) {
      if (["[", "]", "(", ")", ",", "{", "}"].includes(c.name)) continue;
      if (c.name === "*" || c.name === "**") {
        items.push(this.fail(node, "unpacking in a literal is not supported"));
        break;
      }
      if (c.name === "for" || c.name === "ComprehensionExpression") return [this.fail(node, "comprehensions are not evaluated")];
      items.push(this.expr(c));
    }
    return items;
  }

  private dict(node: SyntaxNode): PyValue {
    const entries = new Map<string | number | boolean, PyValue>();
    const kids: SyntaxNode[] = [];
    for (let c = node.firstChild; c; c = c.nextSibling) if (!["{", "}", ",", ":"].includes(c.name)) kids.push(c);
    for (let i = 0; i + 1 < kids.length; i += 2) {
      const k = this.expr(kids[i]!);
      if (typeof k !== "string" && typeof k !== "number" && typeof k !== "boolean") return this.fail(kids[i]!, "dictionary key is not a literal");
      entries.set(k, this.expr(kids[i + 1]!));
    }
    return { kind: "dict", entries };
  }

  private number(node: SyntaxNode): PyValue {
    const t = this.src.slice(node.from, node.to).replace(/_/g, "").trim();
    if (/[jJ]$/.test(t)) return this.fail(node, "complex numbers are not supported");
    if (/^0[xX]/.test(t)) return parseInt(t.slice(2), 16);
    if (/^0[oO]/.test(t)) return parseInt(t.slice(2), 8);
    if (/^0[bB]/.test(t)) return parseInt(t.slice(2), 2);
    const v = Number(t);
    return Number.isNaN(v) ? this.fail(node, "malformed number") : v;
  }

  private string(node: SyntaxNode): PyValue {
    if (node.name === "ContinuedString") {
      let s = "";
      for (let c = node.firstChild; c; c = c.nextSibling) {
        const part = this.string(c);
        if (typeof part !== "string") return part;
        s += part;
      }
      return s;
    }
    const raw = this.script.source.slice(node.from, node.to);
    const m = /^([rRbBuUfF]*)('''|"""|'|")([\s\S]*)\2$/.exec(raw);
    if (!m) return this.fail(node, "malformed string");
    const prefix = m[1]!.toLowerCase();
    const body = m[3]!;
    if (prefix.includes("f") && /\{[^{]/.test(body.replace(/\{\{/g, ""))) return this.fail(node, "f-strings with placeholders are not evaluated");
    if (prefix.includes("r")) return body;
    return body.replace(/\\(n|t|r|\\|'|"|\n)/g, (_x, e: string) => ({ n: "\n", t: "\t", r: "\r", "\\": "\\", "'": "'", '"': '"', "\n": "" })[e] ?? e);
  }

  // numeric helpers ----------------------------------------------------------

  private toNum(v: PyValue): Num | undefined {
    if (typeof v === "number") return { value: v, int: Number.isInteger(v) };
    if (typeof v === "boolean") return { value: v ? 1 : 0, int: true };
    return undefined;
  }

  private describe(v: PyValue): string {
    if (v === null) return "None";
    if (typeof v !== "object") return typeof v;
    if (v.kind === "call") return `the result of ${v.callee}(...)`;
    if (v.kind === "symbol") return `'${v.name}' (not defined in the file)`;
    if (v.kind === "function") return `function '${v.name}'`;
    if (v.kind === "builtin") return `function '${v.name}'`;
    if (v.kind === "module") return `module '${v.name}'`;
    return v.kind;
  }

  unary(op: string, arg: PyValue, node: SyntaxNode): PyValue {
    if (isUnknown(arg)) return arg;
    if (op === "not") {
      const t = this.truth(arg);
      return t === undefined ? this.fail(node, `'not' applied to ${this.describe(arg)}`) : !t;
    }
    if (isList(arg) && arg.array) {
      const items = arg.items.map((x) => this.unary(op, x, node));
      return { ...arg, items };
    }
    const n = this.toNum(arg);
    if (!n) return this.fail(node, `'${op}' applied to ${this.describe(arg)}`);
    try {
      return applyUnary(op, n).value;
    } catch (e) {
      return this.fail(node, (e as Error).message);
    }
  }

  private binaryExpression(node: SyntaxNode): PyValue {
    const left = node.firstChild!;
    let opNode = left.nextSibling!;
    let op = this.text(opNode);
    let right = opNode.nextSibling!;
    // "not in" / "is not" come as two tokens
    if ((op === "not" || op === "is") && right && (right.name === "in" || right.name === "not")) {
      op = `${op} ${this.text(right)}`;
      opNode = right;
      right = right.nextSibling!;
    }
    const a = this.expr(left);
    if (op === "and" || op === "or") {
      if (isUnknown(a)) return a;
      const t = this.truth(a);
      if (t === undefined) return this.fail(node, `'${op}' applied to ${this.describe(a)}`);
      if (op === "and") return t ? this.expr(right) : a;
      return t ? a : this.expr(right);
    }
    const b = this.expr(right);
    return this.binary(op, a, b, node);
  }

  binary(op: string, a: PyValue, b: PyValue, node: SyntaxNode): PyValue {
    if (isUnknown(a)) return a;
    if (isUnknown(b)) return b;
    if (op === "==" || op === "!=") {
      const eq = this.equal(a, b);
      if (eq !== undefined) return op === "==" ? eq : !eq;
    }
    if (op === "is" || op === "is not") {
      if (a === null || b === null) return (a === b) === (op === "is");
    }
    if (op === "in" || op === "not in") {
      if (isList(b)) {
        const found = b.items.some((x) => this.equal(a, x) === true);
        return op === "in" ? found : !found;
      }
      if (typeof a === "string" && typeof b === "string") return op === "in" ? b.includes(a) : !b.includes(a);
      if (typeof b === "object" && b !== null && b.kind === "dict" && (typeof a === "string" || typeof a === "number")) {
        return op === "in" ? b.entries.has(a) : !b.entries.has(a);
      }
    }
    // strings
    if (typeof a === "string" && typeof b === "string" && op === "+") return a + b;
    if (typeof a === "string" && typeof b === "number" && op === "*" && Number.isInteger(b)) return a.repeat(Math.max(0, b));
    if (typeof a === "string" && typeof b === "string" && ["<", ">", "<=", ">="].includes(op)) {
      return op === "<" ? a < b : op === ">" ? a > b : op === "<=" ? a <= b : a >= b;
    }
    // lists and numpy arrays
    if (isList(a) || isList(b)) {
      const arrayOp = (isList(a) && a.array) || (isList(b) && b.array);
      if (arrayOp) {
        const la = isList(a) ? a.items : undefined;
        const lb = isList(b) ? b.items : undefined;
        if (la && lb && la.length !== lb.length) return this.fail(node, "array shapes differ");
        const len = (la ?? lb)!.length;
        const items: PyValue[] = [];
        for (let i = 0; i < len; i++) items.push(this.binary(op, la ? la[i]! : a, lb ? lb[i]! : b, node));
        return { kind: "list", tuple: false, array: true, items };
      }
      if (op === "+" && isList(a) && isList(b)) return { kind: "list", tuple: a.tuple, array: false, items: [...a.items, ...b.items] };
      if (op === "*") {
        const [list, times] = isList(a) ? [a, b] : [b as PyList, a];
        if (typeof times === "number" && Number.isInteger(times)) {
          const items: PyValue[] = [];
          for (let i = 0; i < times; i++) items.push(...list.items);
          return { kind: "list", tuple: list.tuple, array: false, items };
        }
      }
      return this.fail(node, `'${op}' between ${this.describe(a)} and ${this.describe(b)} is not supported (use numpy arrays for elementwise arithmetic)`);
    }
    const x = this.toNum(a);
    const y = this.toNum(b);
    if (!x || !y) return this.fail(node, `'${op}' between ${this.describe(a)} and ${this.describe(b)}`);
    const pyOp = op === "==" || op === "!=" || op === "<" || op === ">" || op === "<=" || op === ">=";
    try {
      const r = applyBinary(op, x, y, "python");
      if (pyOp) return r.value !== 0;
      return r.value;
    } catch (e) {
      return this.fail(node, (e as Error).message);
    }
  }

  private equal(a: PyValue, b: PyValue): boolean | undefined {
    const plain = (v: PyValue) => v === null || typeof v !== "object";
    if (plain(a) && plain(b)) {
      const na = this.toNum(a);
      const nb = this.toNum(b);
      if (na && nb) return na.value === nb.value;
      return a === b;
    }
    if (isList(a) && isList(b)) {
      if (a.items.length !== b.items.length) return false;
      for (let i = 0; i < a.items.length; i++) {
        const e = this.equal(a.items[i]!, b.items[i]!);
        if (e !== true) return e;
      }
      return true;
    }
    return undefined;
  }

  private member(node: SyntaxNode): PyValue {
    const objNode = node.firstChild!;
    const sep = objNode.nextSibling!;
    const obj = this.expr(objNode);
    if (sep.name === "[") {
      const idxNode = sep.nextSibling!;
      if (node.getChild(":") || idxNode.name === "SliceExpression") return this.fail(node, "slices are not evaluated");
      const idx = this.expr(idxNode);
      if (isUnknown(obj)) return obj;
      if (isUnknown(idx)) return idx;
      if (isList(obj) && typeof idx === "number" && Number.isInteger(idx)) {
        const i = idx < 0 ? obj.items.length + idx : idx;
        if (i < 0 || i >= obj.items.length) return this.fail(node, "index out of range");
        return obj.items[i]!;
      }
      if (typeof obj === "string" && typeof idx === "number" && Number.isInteger(idx)) {
        const i = idx < 0 ? obj.length + idx : idx;
        return obj[i] ?? this.fail(node, "index out of range");
      }
      if (typeof obj === "object" && obj !== null && obj.kind === "dict" && (typeof idx === "string" || typeof idx === "number" || typeof idx === "boolean")) {
        return obj.entries.has(idx) ? obj.entries.get(idx)! : this.fail(node, `key ${JSON.stringify(idx)} not in dictionary`);
      }
      return this.fail(node, `cannot index ${this.describe(obj)}`);
    }
    const prop = this.text(node.lastChild!);
    if (isUnknown(obj)) return obj;
    if (typeof obj === "object" && obj !== null) {
      if (obj.kind === "module") {
        const sub = canonicalModule(`${obj.name}.${prop}`);
        if (sub) return { kind: "module", name: sub };
        const m = moduleMember(obj.name, prop);
        return m ?? this.fail(node, `'${obj.name}.${prop}' is not a supported constant or function`);
      }
      if (obj.kind === "symbol") {
        const dotted = normaliseImport(`${obj.name}.${prop}`);
        if (canonicalModule(dotted)) return { kind: "module", name: dotted };
        // `Main.timestep` after `Main(timestep=...)`: read the recorded block
        if (!obj.receiver) {
          const block = [...this.script.calls].reverse().find((c) => c.callee === obj.name && !c.receiver);
          if (block) {
            const kw = block.kwargs[prop];
            return kw ? kw.value : this.fail(node, `'${prop}' is not given in ${obj.name}(...) at line ${block.line}`);
          }
        }
        return { kind: "symbol", name: dotted };
      }
      if (obj.kind === "call") {
        const kw = obj.kwargs[prop];
        if (kw) return kw.value;
        return { kind: "symbol", name: prop, receiver: obj };
      }
    }
    return this.fail(node, `attribute '${prop}' of ${this.describe(obj)} is not evaluated`);
  }

  private call(node: SyntaxNode): PyValue {
    const calleeNode = node.firstChild!;
    const argList = node.getChild("ArgList");
    const callee = this.expr(calleeNode);
    const args: PyArg[] = [];
    const kwargs: Record<string, PyArg> = {};
    let starred = false;
    if (argList) {
      for (let c = argList.firstChild; c; c = c.nextSibling) {
        if (c.name === "(" || c.name === ")" || c.name === ",") continue;
        if (c.name === "*" || c.name === "**") {
          starred = true;
          this.warn(argList, `'${c.name}' argument unpacking is not evaluated; those arguments are unknown`);
          c = c.nextSibling; // skip the unpacked value
          if (!c) break;
          continue;
        }
        if (c.name === "VariableName" && c.nextSibling?.name === "AssignOp") {
          const valueNode = c.nextSibling.nextSibling!;
          kwargs[this.text(c)] = { value: this.expr(valueNode), line: this.lineOf(valueNode.from), text: this.text(valueNode) };
          c = valueNode;
          continue;
        }
        if (c.name === "ComprehensionExpression" || c.name === "for") {
          args.push({ value: this.fail(c, "generator expressions are not evaluated"), line: this.lineOf(c.from), text: this.text(c) });
          break;
        }
        args.push({ value: this.expr(c), line: this.lineOf(c.from), text: this.text(c) });
      }
    }
    if (isUnknown(callee)) return callee;
    if (typeof callee === "object" && callee !== null) {
      if (callee.kind === "builtin") return this.builtin(callee, args, kwargs, node, starred);
      if (callee.kind === "function") {
        return this.fail(node, `call to ${callee.name === "lambda" ? "a lambda" : `function '${callee.name}'`} defined in the file (functions are not executed)`);
      }
      if (callee.kind === "symbol" || callee.kind === "module") {
        const call: PyCall = { kind: "call", callee: callee.name, args, kwargs, line: this.lineOf(node.from), text: this.text(node) };
        if (callee.kind === "symbol" && callee.receiver !== undefined) call.receiver = callee.receiver;
        this.script.calls.push(call);
        return call;
      }
    }
    return this.fail(node, `${this.describe(callee)} is not callable`);
  }

  private builtin(fn: PyBuiltin, args: PyArg[], kwargs: Record<string, PyArg>, node: SyntaxNode, starred: boolean): PyValue {
    if (starred) return this.fail(node, "call with unpacked arguments");
    for (const a of args) if (isUnknown(a.value)) return a.value;
    const name = fn.name;
    const values = args.map((a) => a.value);
    const numeric = (v: PyValue): Num | undefined => this.toNum(v);
    if (fn.module === "numpy" || fn.module === undefined) {
      switch (name) {
        case "array":
        case "asarray":
        case "list":
        case "tuple": {
          const v = values[0];
          if (values.length === 0 && (name === "list" || name === "tuple")) return { kind: "list", tuple: name === "tuple", array: false, items: [] };
          if (isList(v)) return { kind: "list", tuple: name === "tuple", array: fn.module === "numpy", items: v.items };
          if (fn.module === "numpy" && v !== undefined && numeric(v)) return v;
          return this.fail(node, `${name}() of ${v === undefined ? "nothing" : this.describe(v)}`);
        }
        case "len": {
          const v = values[0];
          if (isList(v)) return v.items.length;
          if (typeof v === "string") return v.length;
          return this.fail(node, "len() of a non-sequence");
        }
        case "int":
        case "float":
        case "bool":
        case "str": {
          const v = values[0];
          if (v === undefined) return name === "str" ? "" : name === "bool" ? false : 0;
          if (name === "str") return typeof v === "string" ? v : typeof v === "number" ? String(v) : this.fail(node, "str() of a non-literal");
          if (typeof v === "string" && name !== "bool") {
            const n = Number(v.trim());
            return Number.isNaN(n) ? this.fail(node, `${name}() of ${JSON.stringify(v)}`) : name === "int" ? Math.trunc(n) : n;
          }
          const n = numeric(v);
          if (!n) return this.fail(node, `${name}() of ${this.describe(v)}`);
          return name === "int" ? Math.trunc(n.value) : name === "bool" ? n.value !== 0 : n.value;
        }
        case "range": {
          const ns = values.map((v) => asNumber(v));
          if (ns.some((n) => n === undefined || !Number.isInteger(n)) || ns.length < 1 || ns.length > 3) return this.fail(node, "range() with non-integer arguments");
          const [start, stop, step] = ns.length === 1 ? [0, ns[0]!, 1] : [ns[0]!, ns[1]!, ns[2] ?? 1];
          if (step === 0 || Math.abs((stop - start) / step) > 100_000) return this.fail(node, "range() too long");
          const items: number[] = [];
          for (let i = start; step > 0 ? i < stop : i > stop; i += step) items.push(i);
          return { kind: "list", tuple: false, array: false, items };
        }
        case "linspace": {
          const [a, b, n] = [asNumber(values[0]), asNumber(values[1]), asNumber(values[2] ?? kwargs["num"]?.value ?? 50)];
          if (a === undefined || b === undefined || n === undefined || !Number.isInteger(n) || n < 0 || n > 100_000) return this.fail(node, "linspace() arguments");
          const items = Array.from({ length: n }, (_x, i) => (n === 1 ? a : a + ((b - a) * i) / (n - 1)));
          return { kind: "list", tuple: false, array: true, items };
        }
        case "arange": {
          const ns = values.map((v) => asNumber(v));
          if (ns.some((x) => x === undefined) || ns.length < 1) return this.fail(node, "arange() arguments");
          const [start, stop, step] = ns.length === 1 ? [0, ns[0]!, 1] : [ns[0]!, ns[1]!, ns[2] ?? 1];
          if (step === 0 || Math.abs((stop - start) / step) > 100_000) return this.fail(node, "arange() too long");
          const items: number[] = [];
          for (let i = 0; start + i * step < stop === step > 0 && start + i * step !== stop; i++) items.push(start + i * step);
          return { kind: "list", tuple: false, array: true, items };
        }
        case "sum":
        case "prod":
        case "min":
        case "max": {
          const seq = values.length === 1 && isList(values[0]) ? values[0].items : values;
          const ns = seq.map((v) => numeric(v));
          if (ns.length === 0 || ns.some((x) => !x)) return this.fail(node, `${name}() of non-numbers`);
          const nums = ns.map((x) => x!.value);
          if (name === "sum") return nums.reduce((s, x) => s + x, 0);
          if (name === "prod") return nums.reduce((s, x) => s * x, 1);
          return name === "min" ? Math.min(...nums) : Math.max(...nums);
        }
        case "round": {
          const x = numeric(values[0] ?? null);
          const nd = values[1] === undefined ? undefined : asNumber(values[1]);
          if (!x) return this.fail(node, "round() of a non-number");
          if (nd === undefined) return callMathFunction("round", [x], "python").value;
          const f = Math.pow(10, nd);
          return callMathFunction("round", [{ value: x.value * f, int: false }], "python").value / f;
        }
      }
    }
    // math functions, elementwise over numpy arrays
    const elementwise = fn.module === "numpy" && values.some((v) => isList(v));
    if (elementwise) {
      const len = Math.max(...values.map((v) => (isList(v) ? v.items.length : 1)));
      const items: PyValue[] = [];
      for (let i = 0; i < len; i++) {
        const argsI = values.map((v) => (isList(v) ? v.items[i]! : v)).map((v) => numeric(v));
        if (argsI.some((x) => !x)) return this.fail(node, `${name}() of non-numbers`);
        try {
          items.push(callMathFunction(name, argsI as Num[], "python").value);
        } catch (e) {
          return this.fail(node, (e as ExprError).message);
        }
      }
      return { kind: "list", tuple: false, array: true, items };
    }
    const nums = values.map((v) => numeric(v));
    if (nums.some((x) => !x)) return this.fail(node, `${name}() of ${values.map((v) => this.describe(v)).join(", ")}`);
    try {
      const r = callMathFunction(name, nums as Num[], "python");
      return r.value;
    } catch (e) {
      return this.fail(node, (e as ExprError).message);
    }
  }
}

/** Evaluate a Python input file without executing it. */
export function evaluatePython(source: string, file: string): PyScript {
  return new Evaluator(source, file).run();
}

/** Calls whose callee's last dotted part matches. */
export function callsNamed(script: PyScript, pattern: RegExp): PyCall[] {
  return script.calls.filter((c) => !c.receiver && pattern.test(c.callee.split(".").pop()!));
}

/** A call's argument by keyword (first matching alias) or by position. */
export function param(call: PyCall, names: string | string[], index?: number): PyArg | undefined {
  for (const n of Array.isArray(names) ? names : [names]) {
    const a = call.kwargs[n];
    if (a) return a;
  }
  return index === undefined ? undefined : call.args[index];
}
