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
 * A multivariate result whose attribution is computed when it is first read, from a copy of the
 * state it needs (`compute` must depend on the snapshot and on the fitted model only: scratch
 * buffers move on with the next row). Scoring a row costs the copy, not the shares: most rows are
 * never flagged and nothing reads theirs. The first read's array is kept (every read returns the
 * same array, as before), and assigning `attribution` replaces it.
 *
 * `attribution` is an accessor of the class, not an own property: read it (the pipeline, the
 * events and the ensemble do), JSON includes it (`toJSON`), but a spread copy of the result does
 * not. The snapshot is a plain array: a typed array's allocation costs more than the shares.
 */
export class LazyAttributed implements Scored {
  t: number;
  score: number;
  raw: number;
  #snapshot: number[];
  #compute: (snapshot: number[]) => FeatureAttribution[] | undefined;
  #value: FeatureAttribution[] | undefined = undefined;
  #done = false;

  constructor(t: number, score: number, raw: number, snapshot: number[], compute: (snapshot: number[]) => FeatureAttribution[] | undefined) {
    this.t = t;
    this.score = score;
    this.raw = raw;
    this.#snapshot = snapshot;
    this.#compute = compute;
  }

  get attribution(): FeatureAttribution[] | undefined {
    if (!this.#done) {
      this.#value = this.#compute(this.#snapshot);
      this.#done = true;
    }
    return this.#value;
  }

  set attribution(v: FeatureAttribution[] | undefined) {
    this.#value = v;
    this.#done = true;
  }

  toJSON(): Scored {
    return { ...this, attribution: this.attribution };
  }
}

/** The first `w` values of `v` as a plain array. */
export function snapshotOf(v: ArrayLike<number>, w: number): number[] {
  const out: number[] = new Array(w);
  for (let j = 0; j < w; j++) out[j] = v[j];
  return out;
}

const sharesOfAll = (d: number[]) => attributeDeviations(d, d.length);

/** Attribution of deviations `d` (its first w values copied now), computed on first read. */
export function lazyDeviations(t: number, score: number, raw: number, d: ArrayLike<number>, w: number): Scored {
  return new LazyAttributed(t, score, raw, snapshotOf(d, w), sharesOfAll);
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
