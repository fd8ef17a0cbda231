/**
 * Season detection from history: the sampling interval from timestamps, then autocorrelation of
 * the de-trended series at each candidate period given in time units (hour, day, week), so the
 * answer means the same thing at 1-minute and 1-hour sampling.
 */
export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
export const WEEK_MS = 7 * DAY_MS;
export const CANDIDATE_PERIODS_MS = [HOUR_MS, DAY_MS, WEEK_MS] as const;

/** Median spacing of consecutive timestamps (robust to a few gaps); NaN with < 2 points. */
export function medianInterval(ts: readonly number[]): number {
  if (ts.length < 2) return NaN;
  const d = new Float64Array(ts.length - 1);
  for (let i = 1; i < ts.length; i++) d[i - 1] = ts[i] - ts[i - 1];
  d.sort();
  return d[d.length >> 1];
}

export interface PeriodOptions {
  candidatesMs?: readonly number[];
  /** Whole cycles of history required before a candidate is considered. */
  minCycles?: number;
  /** Autocorrelation a candidate needs to count as seasonal. */
  minAcf?: number;
  /** A season shorter than this many samples cannot be modelled. */
  minPointsPerPeriod?: number;
}

export interface DetectedPeriod {
  periodMs: number;
  intervalMs: number;
  acf: number;
}

/** Largest grid the detector builds; longer histories are truncated to their most recent part. */
const MAX_GRID = 200_000;

/**
 * Returns the best seasonal period, or null when none is convincing. Gaps are forward-filled on
 * a regular grid so they neither shift lags nor invent correlation beyond one held value.
 */
export function detectPeriod(ts: readonly number[], values: readonly number[], opts: PeriodOptions = {}): DetectedPeriod | null {
  const { candidatesMs = CANDIDATE_PERIODS_MS, minCycles = 2, minAcf = 0.3, minPointsPerPeriod = 4 } = opts;
  const dt = medianInterval(ts);
  if (!(dt > 0)) return null;
  const end = ts[ts.length - 1];
  const start = Math.max(ts[0], end - dt * (MAX_GRID - 1));
  const n = Math.floor((end - start) / dt) + 1;
  const grid = new Float64Array(n).fill(NaN);
  for (let i = 0; i < ts.length; i++) {
    if (ts[i] < start) continue;
    grid[Math.min(n - 1, Math.round((ts[i] - start) / dt))] = values[i];
  }
  let prev = NaN;
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(grid[i])) grid[i] = prev;
    else prev = grid[i];
  }
  let first = 0;
  while (first < n && Number.isNaN(grid[first])) first++;
  const g = grid.subarray(first);

  let best: DetectedPeriod | null = null;
  for (const periodMs of candidatesMs) {
    const lag = Math.round(periodMs / dt);
    if (lag < minPointsPerPeriod || g.length < lag * minCycles) continue;
    const acf = seasonalAcf(g, lag);
    // A longer period that is a multiple of a shorter one also correlates; it must be clearly better.
    if (acf >= minAcf && (!best || acf > best.acf + 0.05)) best = { periodMs, intervalMs: dt, acf };
  }
  return best;
}

/** Autocorrelation of the series at `lag` after removing a least-squares line (the trend). */
function detrendedAcf(g: Float64Array, lag: number): number {
  const n = g.length;
  if (n <= lag + 1) return 0;
  const xm = (n - 1) / 2;
  let ym = 0;
  for (let i = 0; i < n; i++) ym += g[i];
  ym /= n;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < n; i++) {
    sxy += (i - xm) * (g[i] - ym);
    sxx += (i - xm) * (i - xm);
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  const r = new Float64Array(n);
  let den = 0;
  for (let i = 0; i < n; i++) {
    r[i] = g[i] - ym - slope * (i - xm);
    den += r[i] * r[i];
  }
  let num = 0;
  for (let i = 0; i + lag < n; i++) num += r[i] * r[i + lag];
  return den > 0 ? num / den : 0;
}

/**
 * Seasonal strength at `lag`: its autocorrelation minus the one at half the lag. A true season
 * is anti-correlated half a cycle apart; a random walk or slow drift correlates at every lag
 * and must not pass for seasonal.
 */
function seasonalAcf(g: Float64Array, lag: number): number {
  return detrendedAcf(g, lag) - Math.max(0, detrendedAcf(g, Math.round(lag / 2)));
}
