/** Reading typed values out of evaluated Python call arguments, with warnings. */
import { asNumber, asNumberList, isCall, isUnknown } from "./python-eval.ts";
import type { PyArg, PyValue } from "./python-eval.ts";
import type { MetadataBuilder, Source } from "./metadata.ts";

export class PyReader {
  readonly b: MetadataBuilder;
  readonly file: string;

  constructor(b: MetadataBuilder, file: string) {
    this.b = b;
    this.file = file;
  }

  src(arg: PyArg | { line: number }, note?: string): Source {
    const s: Source = { file: this.file, line: arg.line };
    if (note) s.note = note;
    return s;
  }

  /** Warn that a field could not be extracted from an argument. */
  missing(field: string, arg: PyArg, why: string): void {
    this.b.warn({ file: this.file, line: arg.line, expression: arg.text, message: `${field} not extracted: ${why}` });
  }

  private why(v: PyValue): string {
    if (isUnknown(v)) return v.reason;
    if (isCall(v)) return `it is the result of ${v.callee}(...)`;
    if (typeof v === "object" && v !== null && v.kind === "function") return `it is ${v.name === "lambda" ? "a lambda" : `the function '${v.name}'`}, which is not executed`;
    if (typeof v === "object" && v !== null && v.kind === "symbol") return `'${v.name}' is not defined in the file`;
    return `expected a number, got ${v === null ? "None" : typeof v === "object" ? v.kind : typeof v}`;
  }

  number(field: string, arg: PyArg | undefined): number | undefined {
    if (!arg) return undefined;
    const n = asNumber(arg.value);
    if (n === undefined) this.missing(field, arg, this.why(arg.value));
    return n;
  }

  numbers(field: string, arg: PyArg | undefined): number[] | undefined {
    if (!arg) return undefined;
    const n = asNumberList(arg.value);
    if (n === undefined) this.missing(field, arg, this.why(arg.value));
    return n;
  }

  string(field: string, arg: PyArg | undefined): string | undefined {
    if (!arg) return undefined;
    if (typeof arg.value === "string") return arg.value;
    this.missing(field, arg, isUnknown(arg.value) ? arg.value.reason : "expected a string");
    return undefined;
  }
}
