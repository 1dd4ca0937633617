import { test } from "node:test";
import assert from "node:assert/strict";
import { a0FromField, criticalDensity, referenceFromWavelength, smileiLength, smileiTime, toIntensityFwhm } from "../src/extract/units.ts";
import { close } from "./helpers/fixtures.ts";

/** Full width at half maximum of a sampled, symmetric, peaked function, by bisection. */
function fwhm(f: (t: number) => number, scale: number): number {
  const half = f(0) / 2;
  let lo = 0;
  let hi = scale;
  while (f(hi) > half) hi *= 2;
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (f(mid) > half) lo = mid;
    else hi = mid;
  }
  return 2 * lo;
}

test("WarpX/PICMI τ (field 1/e half width) → intensity FWHM = τ·√(2 ln 2)", () => {
  const tau = 15e-15;
  const intensity = (t: number) => Math.exp(-(t * t) / (tau * tau)) ** 2;
  close(toIntensityFwhm(tau, "field_1e_halfwidth"), fwhm(intensity, tau), 1e-12);
  close(toIntensityFwhm(tau, "field_1e_halfwidth"), tau * Math.sqrt(2 * Math.log(2)), 1e-15);
  close(toIntensityFwhm(tau, "field_1e_halfwidth"), 1.7661150337732118e-14, 1e-12); // 15 fs × 1.17741
});

test("PIConGPU σ of the intensity → intensity FWHM = 2√(2 ln 2)·σ", () => {
  const sigma = 5e-15 / 2.354820045;
  const intensity = (t: number) => Math.exp(-(t * t) / (2 * sigma * sigma));
  close(toIntensityFwhm(sigma, "intensity_sigma"), fwhm(intensity, sigma), 1e-12);
  close(toIntensityFwhm(sigma, "intensity_sigma"), 5e-15, 1e-9);
});

test("Smilei tgaussian(fwhm=F) is a field envelope → intensity FWHM = F/√2", () => {
  // Smilei's profile: sigma = (0.5*fwhm)**2/log(2); f(t) = exp(-(t-center)**2/sigma), applied to the field
  const F = 30e-15;
  const s = (0.5 * F) ** 2 / Math.log(2);
  const field = (t: number) => Math.exp(-(t * t) / s);
  close(fwhm(field, F), F, 1e-12); // the parameter is the field FWHM
  close(toIntensityFwhm(F, "field_fwhm"), fwhm((t) => field(t) ** 2, F), 1e-12);
  close(toIntensityFwhm(F, "field_fwhm"), 21.213203435596427e-15, 1e-12);
});

test("Smilei normalized units with λ = 0.8 µm", () => {
  const ref = referenceFromWavelength(0.8e-6);
  close(2 * Math.PI * smileiLength(ref), 0.8e-6, 1e-14); // a length of 2π is one wavelength
  close(2 * Math.PI * smileiTime(ref), 0.8e-6 / 299792458, 1e-14); // 2π in time is one optical period (2.6685 fs)
  close(criticalDensity(ref.omega), 1.7419597127e27, 1e-8); // n_c at 800 nm ≈ 1.742e21 cm^-3
});

test("a0 from the peak field: a0 = e E λ / (2π m_e c²)", () => {
  // a0 = 1 at 0.8 µm corresponds to E ≈ 4.0 TV/m (m_e c ω / e)
  const omega = (2 * Math.PI * 299792458) / 0.8e-6;
  const e1 = (9.1093837015e-31 * 299792458 * omega) / 1.602176634e-19;
  close(a0FromField(e1, 0.8e-6), 1, 1e-12);
  close(e1, 4.0131e12, 1e-4);
  assert.ok(a0FromField(2 * e1, 0.8e-6) > 1.99);
});
