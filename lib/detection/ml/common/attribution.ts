/**
 * Per-feature attribution of a multivariate score (`Scored.attribution`): each model computes a
 * non-negative contribution per input feature (its part of a squared distance, a reconstruction
 * error, a path shortening, ...) and a signed deviation from what it expected; this turns them into
 * shares summing to 1 and directions. How each model defines its contribution: ../README.md.
 */
import type { FeatureAttribution } from "@/lib/detection/types";

/**
 * `contrib[i]` >= 0 is feature i's part of the score, `deviation[i]` its value minus what the model
 * expected (sign only). Shares are contrib / sum; all 0 when nothing stood out (sum 0 or not finite).
 */
export function toAttribution(
  contrib: ArrayLike<number>,
  deviation: ArrayLike<number>,
  n = contrib.length,
): FeatureAttribution[] {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += contrib[i] > 0 ? contrib[i] : 0;
  const ok = sum > 0 && Number.isFinite(sum);
  const out: FeatureAttribution[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const c = contrib[i] > 0 ? contrib[i] : 0;
    out[i] = { share: ok ? c / sum : 0, direction: deviation[i] < 0 ? "below" : "above" };
  }
  return out;
}

/** Indices of the `k` largest shares, largest first (ties: lower index first); for benchmarks and tests. */
export function topFeatures(attribution: FeatureAttribution[], k: number): number[] {
  return attribution
    .map((a, i) => [a.share, i] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1])
    .slice(0, Math.max(0, k))
    .map(([, i]) => i);
}
