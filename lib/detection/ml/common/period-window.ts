/**
 * A subsequence length from the series' own period: the existing season detector
 * (`../../common/period.ts`) asked about every lag of 4..256 samples instead of hour/day/week, so
 * the answer is the dominant cycle in samples (TSB-AD's Sub-PCA picks its window the same way).
 */
import { detectPeriod, medianInterval } from "@/lib/detection/common/period";
import type { Observation } from "@/lib/detection/types";

export const MIN_WINDOW = 4;
export const MAX_WINDOW = 256;

/** The detected period in samples, or `fallback` when the history shows no convincing cycle. */
export function windowFromPeriod(history: Observation[], fallback: number): number {
  const ts = history.map((o) => o.t);
  const vs = history.map((o) => o.values[0]);
  if (ts.length < 3 * MIN_WINDOW) return fallback;
  // Lags in the median spacing's units; detectPeriod converts them back with the same spacing.
  const spacing = medianInterval(ts);
  if (!(spacing > 0)) return fallback;
  const maxLag = Math.min(MAX_WINDOW, Math.floor(ts.length / 3));
  const candidatesMs: number[] = [];
  for (let lag = MIN_WINDOW; lag <= maxLag; lag++) candidatesMs.push(lag * spacing);
  const found = detectPeriod(ts, vs, { candidatesMs, minCycles: 3, minPointsPerPeriod: MIN_WINDOW });
  return found ? Math.round(found.periodMs / found.intervalMs) : fallback;
}

