// Wall-clock time with microsecond resolution, cheap enough for every message.
//
// `Date.now()` has millisecond resolution; `performance.timeOrigin +
// performance.now()` has microseconds but follows the monotonic clock, which
// ignores steps of the system clock (NTP correcting a bad start, a VM resume),
// so over weeks it can drift from the wall clock by whatever those steps were.
// This clock reads the monotonic clock and re-anchors it to `Date.now()` when
// the two disagree by more than a few milliseconds (checked once a second).
import { performance } from 'node:perf_hooks';

/** Re-anchor beyond this disagreement; Date.now() itself is only good to 1 ms. */
const MAX_DRIFT_US = 4_000;

let offsetUs = performance.timeOrigin * 1000;
let checkedAtMs = 0;

function reanchor(nowPerfMs: number): void {
  checkedAtMs = nowPerfMs;
  const wallUs = Date.now() * 1000;
  const estimateUs = offsetUs + nowPerfMs * 1000;
  // Date.now() truncates: the true wall time is within [wallUs, wallUs + 1000).
  if (estimateUs < wallUs - MAX_DRIFT_US || estimateUs > wallUs + 1000 + MAX_DRIFT_US) {
    offsetUs = wallUs + 500 - nowPerfMs * 1000;
  }
}

/** Microseconds since the Unix epoch (fractional). */
export function nowMicros(): number {
  const p = performance.now();
  if (p - checkedAtMs >= 1000) reanchor(p);
  return offsetUs + p * 1000;
}
