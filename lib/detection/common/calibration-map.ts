/**
 * The calibration window frozen into a fixed map (calibration.reference, common/calibration.ts). A
 * group's calibrator reads its first live scores against the sliding window; then the window's tail
 * model (u, the share s above it, β) is kept fixed: P(D >= d) log-linear from 1 at d = 0 to `tail`
 * at u, s · exp(-(d - u) / β) above, as the window reads it. The map is strictly increasing in the native
 * decades (not rounded, not capped at the window's own share), so calibration keeps the model's
 * ranking of rows, and it costs a comparison and a division a row instead of the window's insert.
 *
 * It is re-estimated from the recent scores (rebased) when a block of `window` scores puts a share
 * above u more than REBASE_SIGMAS binomial standard deviations from the share the window had above
 * u when the map was made: the score distribution moved (a drifting model, a changed host), and the
 * map no longer reads tail probabilities.
 */
export interface CalibrationMap {
  /** Decades (native) up to which the map is linear, from 0 at 0 to `tailDecades` at u. */
  u: number;
  /** -log10 of the tail share the window models below u. */
  tailDecades: number;
  /** -log10 P(D > u): the window's share above u (blended with the prior as the window reads it). */
  aboveDecades: number;
  /** β in decades: excesses over u are exponential with this scale. */
  beta: number;
  /** The window's own share strictly above u when the map was made (the rebase test's expectation). */
  expect: number;
}

/** Binomial standard deviations a block's share above u may stray before the map is rebuilt. */
export const REBASE_SIGMAS = 5;

/** The map's decades of surprise for native decades d (strictly increasing for d >= 0 when u > 0). */
export function mapDecades(m: CalibrationMap, d: number): number {
  if (d <= m.u) return m.u > 0 ? (d / m.u) * m.tailDecades : 0;
  return m.aboveDecades + (d - m.u) / (m.beta * Math.LN10);
}

/** Whether `above` of `seen` scores over u strays more than REBASE_SIGMAS from the map's expectation. */
export function needsRebase(m: CalibrationMap, seen: number, above: number): boolean {
  const mean = seen * m.expect;
  const sd = Math.max(1, Math.sqrt(seen * m.expect * (1 - m.expect)));
  return Math.abs(above - mean) > REBASE_SIGMAS * sd;
}
