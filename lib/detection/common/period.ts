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
    if (lag < minPointsPerPeriod || g.length < lag * minCycles + lag) continue;
    const acf = seasonalAcf(g, lag);
    // A longer period that is a multiple of a shorter one also correlates; it must be clearly better.
    if (acf >= minAcf && (!best || acf > best.acf + 0.05)) best = { periodMs, intervalMs: dt, acf };
  }
  return best;
}

/** Autocorrelation at `lag` after removing a centred moving average one season long (the trend). */
function seasonalAcf(g: Float64Array, lag: number): number {
  const n = g.length;
  const prefix = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) prefix[i + 1] = prefix[i] + g[i];
  const half = lag >> 1;
  const lo = half;
  const hi = n - (lag - half);
  const m = hi - lo;
  if (m <= lag) return 0;
  const r = new Float64Array(m);
  let mean = 0;
  for (let i = lo; i < hi; i++) {
    r[i - lo] = g[i] - (prefix[i - half + lag] - prefix[i - half]) / lag;
    mean += r[i - lo];
  }
  mean /= m;
  let num = 0;
  let den = 0;
  for (let i = 0; i < m; i++) {
    const a = r[i] - mean;
    den += a * a;
    if (i + lag < m) num += a * (r[i + lag] - mean);
  }
  return den > 0 ? num / den : 0;
}
