/**
 * Physical constants (CODATA 2018, exact where SI defines them) and the unit
 * conversions shared by the extractors.
 */

export const C = 299_792_458; // m/s
export const Q_E = 1.602_176_634e-19; // C
export const M_E = 9.109_383_701_5e-31; // kg
export const M_P = 1.672_621_923_69e-27; // kg
export const M_U = 1.660_539_066_60e-27; // kg
export const EPS0 = 8.854_187_812_8e-12; // F/m
export const MU0 = 1.256_637_062_12e-6; // N/A^2
export const HBAR = 1.054_571_817e-34; // J s
export const K_B = 1.380_649e-23; // J/K

/** Constants as named by WarpX's input parser. */
export const WARPX_CONSTANTS: Readonly<Record<string, number>> = {
  pi: Math.PI,
  clight: C,
  epsilon0: EPS0,
  mu0: MU0,
  q_e: Q_E,
  m_e: M_E,
  m_p: M_P,
  m_u: M_U,
  kb: K_B,
  hbar: HBAR,
};

/** Constants a PIConGPU `.param` file can refer to (`SI::...`, `PI`). */
export const PICONGPU_CONSTANTS: Readonly<Record<string, number>> = {
  PI: Math.PI,
  SPEED_OF_LIGHT_SI: C,
  ELECTRON_MASS_SI: M_E,
  ELECTRON_CHARGE_SI: -Q_E,
  EPS0_SI: EPS0,
  MUE0_SI: MU0,
  MU0_SI: MU0,
  ATOMIC_UNIT_ENERGY: 4.359_744_722_207_1e-18,
  BOLTZMANN_CONSTANT_SI: K_B,
  HBAR_SI: HBAR,
  AMU_SI: M_U,
  DIM1: 1,
  DIM2: 2,
  DIM3: 3,
};

/** Lengths, times and densities in Smilei's normalized units. */
export interface SmileiReference {
  /** reference angular frequency ω_r in rad/s */
  omega: number;
}

export function referenceFromWavelength(lambda: number): SmileiReference {
  return { omega: (2 * Math.PI * C) / lambda };
}

/** Smilei length unit c/ω_r in metres. */
export function smileiLength(ref: SmileiReference): number {
  return C / ref.omega;
}
/** Smilei time unit 1/ω_r in seconds. */
export function smileiTime(ref: SmileiReference): number {
  return 1 / ref.omega;
}
/** Critical density n_c = ε0 m_e ω² / e² in m^-3. */
export function criticalDensity(omega: number): number {
  return (EPS0 * M_E * omega * omega) / (Q_E * Q_E);
}

/** Normalized vector potential from a peak electric field: a0 = e E λ / (2π m_e c²). */
export function a0FromField(eField: number, wavelength: number): number {
  return (Q_E * eField * wavelength) / (2 * Math.PI * M_E * C * C);
}

/** Yee-scheme Courant limit dt = 1 / (c sqrt(Σ 1/dx_i²)). */
export function yeeCourantTimestep(cell: number[]): number {
  return 1 / (C * Math.sqrt(cell.reduce((s, d) => s + 1 / (d * d), 0)));
}

// ---------------------------------------------------------------------------
// Laser pulse duration definitions

/**
 * The stored definition of `laser_duration` is the FWHM of the intensity
 * envelope. The codes' own definitions, and their factors to intensity FWHM
 * for a Gaussian envelope:
 *
 * - `field_1e_halfwidth` (WarpX `profile_duration`, PICMI `duration`):
 *   E ∝ exp(-t²/τ²) → I ∝ exp(-2t²/τ²) → FWHM_I = τ·√(2 ln 2)
 * - `intensity_sigma` (PIConGPU `PULSE_DURATION_SI`, older `PULSE_LENGTH_SI`):
 *   I ∝ exp(-t²/(2σ²)) → FWHM_I = 2√(2 ln 2)·σ
 * - `field_fwhm` (Smilei `tgaussian(fwhm=...)`, applied to the field):
 *   E ∝ exp(-4 ln2 t²/F²) → I ∝ exp(-8 ln2 t²/F²) → FWHM_I = F/√2
 * - `intensity_fwhm`: already the stored definition.
 */
export type DurationDefinition = "intensity_fwhm" | "field_fwhm" | "field_1e_halfwidth" | "intensity_sigma";

export const STORED_DURATION_DEFINITION: DurationDefinition = "intensity_fwhm";

export const DURATION_DEFINITIONS: Readonly<Record<DurationDefinition, string>> = {
  intensity_fwhm: "full width at half maximum of the intensity envelope",
  field_fwhm: "full width at half maximum of the field envelope",
  field_1e_halfwidth: "half width at 1/e of the field envelope, E ∝ exp(-t²/τ²)",
  intensity_sigma: "standard deviation σ of the intensity envelope, I ∝ exp(-t²/(2σ²))",
};

export function toIntensityFwhm(value: number, definition: DurationDefinition): number {
  const ln2 = Math.LN2;
  switch (definition) {
    case "intensity_fwhm":
      return value;
    case "field_fwhm":
      return value / Math.SQRT2;
    case "field_1e_halfwidth":
      return value * Math.sqrt(2 * ln2);
    case "intensity_sigma":
      return value * 2 * Math.sqrt(2 * ln2);
  }
}
