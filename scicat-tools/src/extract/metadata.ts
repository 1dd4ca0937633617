/**
 * The code-independent metadata model: the same keys for every code so that
 * SciCat's scientific-metadata searches work across codes.
 */
import { DURATION_DEFINITIONS, STORED_DURATION_DEFINITION, toIntensityFwhm } from "./units.ts";
import type { DurationDefinition } from "./units.ts";

export type Code = "smilei" | "warpx" | "picongpu" | "picmi";
export const CODES: readonly Code[] = ["smilei", "warpx", "picongpu", "picmi"];

export interface Warning {
  file: string;
  line: number;
  /** the source text that could not be evaluated, when there is one */
  expression?: string;
  message: string;
}

export function formatWarning(w: Warning): string {
  return `${w.file}:${w.line}: ${w.message}${w.expression !== undefined ? ` [${w.expression}]` : ""}`;
}

export interface Source {
  file: string;
  line: number;
  /** how the value was obtained when it was not read verbatim */
  note?: string;
}

export interface Quantity<T = unknown> {
  value: T;
  unit?: string;
  [extra: string]: unknown;
}

export interface SpeciesEntry {
  name: string;
  particles_per_cell?: Quantity<number>;
  density?: Quantity<number>;
  charge?: Quantity<number>;
  mass?: Quantity<number>;
  [extra: string]: unknown;
}

export interface DiagnosticEntry {
  name: string;
  type?: string;
  /** output period in time steps, or the code's own period expression */
  period?: number | string | unknown[];
}

export interface ExtractResult {
  code: Code;
  scientificMetadata: Record<string, unknown>;
  warnings: string[];
  /** files read by the extractor, relative to `root` */
  inputFiles: string[];
  /** folder that holds the inputs (the run folder) */
  root: string;
  /** code version, when found */
  codeVersion?: string;
}

/** Collects metadata values together with their provenance. */
export class MetadataBuilder {
  readonly values: Record<string, unknown> = {};
  readonly provenance: Record<string, Source> = {};
  readonly warnings: Warning[] = [];

  set(key: string, value: unknown, source: Source | undefined): void {
    this.values[key] = value;
    if (source) this.provenance[key] = source;
  }

  quantity(key: string, value: unknown, unit: string | undefined, source: Source | undefined, extra: Record<string, unknown> = {}): void {
    const q: Quantity = { value };
    if (unit !== undefined) q.unit = unit;
    Object.assign(q, extra);
    this.set(key, q, source);
  }

  /** Provenance for a nested value (e.g. `species[0].density`). */
  source(path: string, source: Source | undefined): void {
    if (source) this.provenance[path] = source;
  }

  warn(w: Warning): void {
    if (!this.warnings.some((x) => x.file === w.file && x.line === w.line && x.message === w.message && x.expression === w.expression)) {
      this.warnings.push(w);
    }
  }

  has(key: string): boolean {
    return key in this.values;
  }

  /**
   * `laser_duration` in the stored definition (intensity FWHM, seconds), with
   * the original value and its definition kept beside it.
   */
  laserDuration(
    original: number,
    unit: string,
    definition: DurationDefinition,
    codeParameter: string,
    source: Source | undefined,
    secondsPerUnit: number | undefined,
  ): void {
    const fwhm = toIntensityFwhm(original, definition);
    const convertedUnit = secondsPerUnit === undefined ? unit : "s";
    const value = secondsPerUnit === undefined ? fwhm : fwhm * secondsPerUnit;
    this.quantity("laser_duration", value, convertedUnit, source, {
      definition: STORED_DURATION_DEFINITION,
      original: {
        value: original,
        unit,
        definition,
        description: DURATION_DEFINITIONS[definition],
        parameter: codeParameter,
      },
    });
  }

  finish(code: Code, root: string, inputFiles: string[], codeVersion?: string): ExtractResult {
    const scientificMetadata: Record<string, unknown> = { code: { value: code } };
    if (codeVersion) scientificMetadata["code_version"] = { value: codeVersion };
    const order = [
      "dimensionality",
      "grid_cells",
      "cell_size",
      "domain_lower",
      "domain_upper",
      "timestep",
      "steps",
      "simulated_time",
      "moving_window",
      "laser_a0",
      "laser_wavelength",
      "laser_waist",
      "laser_duration",
      "laser_polarization",
      "species",
      "diagnostics",
    ];
    for (const k of order) if (k in this.values) scientificMetadata[k] = this.values[k];
    for (const [k, v] of Object.entries(this.values)) if (!(k in scientificMetadata)) scientificMetadata[k] = v;
    const provenance: Record<string, Source> = {};
    for (const [k, s] of Object.entries(this.provenance)) provenance[k] = { ...s };
    scientificMetadata["provenance"] = provenance;
    const result: ExtractResult = {
      code,
      scientificMetadata,
      warnings: [...this.warnings].sort((a, b) => (a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1)).map(formatWarning),
      inputFiles,
      root,
    };
    if (codeVersion) result.codeVersion = codeVersion;
    return result;
  }
}

export function dimensionalityFromCount(n: number): "1D" | "2D" | "3D" | undefined {
  return n === 1 ? "1D" : n === 2 ? "2D" : n === 3 ? "3D" : undefined;
}

/** Normalise a direction vector; returns undefined for the zero vector. */
export function unitVector(v: number[]): number[] | undefined {
  const n = Math.hypot(...v);
  if (!(n > 0)) return undefined;
  return v.map((x) => {
    const r = x / n;
    return Math.abs(r) < 1e-15 ? 0 : Number(r.toPrecision(12));
  });
}
