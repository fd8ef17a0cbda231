/**
 * Attribution from per-feature deviations: feature j's share is d_j² / Σ d², its direction the sign
 * of d_j. Squared deviations add up to the squared distance (or reconstruction error) the models
 * score, so each share is exactly that feature's part of it. `d` is in standardized units
 * (training statistics), so features with different units compare fairly.
 */
import type { FeatureAttribution, Scored } from "@/lib/detection/types";

/** Shares of `w` deviations starting at `off`; all shares 0 when every deviation is 0. */
export function attributeDeviations(d: ArrayLike<number>, w: number, off = 0): FeatureAttribution[] {
  let total = 0;
  for (let j = 0; j < w; j++) total += d[off + j] * d[off + j];
  const out: FeatureAttribution[] = new Array(w);
  for (let j = 0; j < w; j++) {
    const v = d[off + j];
    out[j] = { share: total > 0 ? (v * v) / total : 0, direction: v < 0 ? "below" : "above" };
  }
  return out;
}

/**
 * A multivariate result whose attribution is computed when it is first read (an own, enumerable
 * getter: spreading, JSON and equality read it like a value), from a copy of the state it needs.
 * Scoring a row costs the copy, not the shares: most rows are never flagged, and nothing reads
 * their attribution. `compute` must depend on `snapshot` only (scratch buffers move on with the
 * next row); the first read's array is kept, so every read returns the same array, as before.
 */
export function lazilyAttributed(
  t: number,
  score: number,
  raw: number,
  snapshot: Float64Array,
  compute: (snapshot: Float64Array) => FeatureAttribution[] | undefined,
): Scored {
  let value: FeatureAttribution[] | undefined;
  let done = false;
  return {
    t,
    score,
    raw,
    get attribution(): FeatureAttribution[] | undefined {
      if (!done) {
        value = compute(snapshot);
        done = true;
      }
      return value;
    },
    set attribution(v: FeatureAttribution[] | undefined) {
      value = v;
      done = true;
    },
  };
}

/** Attribution of deviations `d` (copied now), computed on first read. */
export function lazyDeviations(t: number, score: number, raw: number, d: Float64Array, w: number): Scored {
  return lazilyAttributed(t, score, raw, d.slice(0, w), (s) => attributeDeviations(s, w));
}

/** Index of the row of the flat `rows` (width w) nearest to v (linear scan); -1 when there are none. */
export function nearestRow(rows: Float64Array, w: number, v: Float64Array): number {
  let best = -1;
  let bestD = Infinity;
  const n = rows.length / w;
  for (let i = 0; i < n; i++) {
    let d = 0;
    for (let j = 0; j < w && d < bestD; j++) d += (v[j] - rows[i * w + j]) ** 2;
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  }
  return best;
}
