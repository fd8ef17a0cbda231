/** Maps native scores onto Vigil's [0, 1] scale with one curve shared by the ML detectors. */

/**
 * r is the native score divided by the level the model calls "edge of normal" (e.g. the training p99).
 * r = 1 → 0.5, r = 2 → 0.8, r = 3 → 0.9; r²/(1+r²) keeps ordinary points near 0 and saturates smoothly.
 */
export function ratioToScore(r: number): number {
  if (!(r > 0)) return 0;
  if (!Number.isFinite(r)) return 1;
  const r2 = r * r;
  return r2 / (1 + r2);
}

/** Quantile (linear interpolation, like numpy's default) of the first `n` values; sorts a copy. */
export function quantile(values: ArrayLike<number>, q: number, n = values.length): number {
  if (n === 0) return 0;
  let sorted: Float64Array;
  if (values instanceof Float64Array) sorted = values.slice(0, n);
  else {
    sorted = new Float64Array(n);
    for (let i = 0; i < n; i++) sorted[i] = values[i];
  }
  sorted.sort();
  const pos = q * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** Guards scales that would divide by zero when the training data were constant. */
export function safeScale(s: number, fallback = 1e-9): number {
  return s > fallback && Number.isFinite(s) ? s : fallback;
}
