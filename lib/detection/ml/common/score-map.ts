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

/**
 * Quantile (linear interpolation, like numpy's default) of the first `n` values. Works on a copy:
 * a selection puts the lower order statistic in place (the upper one is the least value after it),
 * the same values a full sort gives at a fraction of its cost; with a NaN present, a full sort
 * (NaN last, as before).
 */
export function quantile(values: ArrayLike<number>, q: number, n = values.length): number {
  if (n === 0) return 0;
  let a: Float64Array;
  if (values instanceof Float64Array) a = values.slice(0, n);
  else {
    a = new Float64Array(n);
    for (let i = 0; i < n; i++) a[i] = values[i];
  }
  const pos = q * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  let nan = false;
  for (let i = 0; i < n && !nan; i++) nan = a[i] !== a[i];
  if (nan) {
    a.sort();
    return a[lo] + (a[hi] - a[lo]) * (pos - lo);
  }
  select(a, lo);
  let upper = a[lo];
  if (hi > lo) {
    upper = a[hi];
    for (let i = hi + 1; i < n; i++) if (a[i] < upper) upper = a[i];
  }
  return a[lo] + (upper - a[lo]) * (pos - lo);
}

/**
 * Rearranges `a` so that a[k] is the value a sort would put there, smaller-or-equal values before it
 * and greater-or-equal after (quickselect, median-of-three pivots; a range that keeps failing to
 * shrink is sorted instead, so the worst case stays O(n log n)). No NaN in `a`.
 */
export function select(a: Float64Array, k: number): void {
  let left = 0;
  let right = a.length - 1;
  let budget = 2 * Math.ceil(Math.log2(a.length + 1)) + 8;
  while (right > left) {
    if (right - left < 16 || budget-- <= 0) {
      a.subarray(left, right + 1).sort();
      return;
    }
    const mid = (left + right) >>> 1;
    // Median of three as pivot.
    const x = a[left];
    const y = a[mid];
    const z = a[right];
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    // Hoare partition: [left, j] <= pivot <= [i, right].
    let i = left;
    let j = right;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return;
  }
}

/** Guards scales that would divide by zero when the training data were constant. */
export function safeScale(s: number, fallback = 1e-9): number {
  return s > fallback && Number.isFinite(s) ? s : fallback;
}
