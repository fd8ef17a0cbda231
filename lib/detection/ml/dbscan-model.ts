/**
 * DBSCAN (Ester et al. 1996, scikit-learn's conventions: a point is core when at least `minPts`
 * points, itself included, lie within `eps`) on a training window, kept for novelty scoring as its
 * core points. Without a given `eps`, it is the knee of the sorted k-distance curve (k = minPts − 1
 * other points): the point of the curve farthest below the chord from its first to its last value
 * (Kneedle, Satopää et al. 2011).
 */
import { KdTree } from "./kd-tree";

export interface DbscanJson {
  width: number;
  eps: number;
  /** Whether eps came from the k-distance knee. */
  epsFromKnee: boolean;
  minPts: number;
  /** Core points, row-major (all training rows when none qualified, see README). */
  core: number[];
  /** Share of training rows that are core points. */
  coreShare: number;
}

/**
 * Core points and eps: all novelty scoring needs. The clustering itself (`labelDbscan`) is not
 * computed in training: its radius queries cost as much as the rest of the fit and no score uses it.
 */
export function fitDbscan(x: Float64Array, rows: number, w: number, minPts: number, eps: number | null): DbscanJson {
  const { radius, isCore } = coreRows(new KdTree(x, rows, w), x, rows, w, minPts, eps);
  const core: number[] = [];
  let cores = 0;
  for (let i = 0; i < rows; i++) {
    if (!isCore[i]) continue;
    cores++;
    for (let j = 0; j < w; j++) core.push(x[i * w + j]);
  }
  if (core.length === 0) for (let i = 0; i < rows * w; i++) core.push(x[i]);
  return { width: w, eps: radius, epsFromKnee: eps === null, minPts, core, coreShare: cores / Math.max(1, rows) };
}

/** eps (given, or the k-distance knee) and which rows are core: at least minPts rows, itself included, within eps. */
function coreRows(tree: KdTree, x: Float64Array, rows: number, w: number, minPts: number, eps: number | null) {
  const others = Math.min(minPts - 1, rows - 1);
  const kdist = new Float64Array(rows);
  if (others > 0) {
    const outI = new Int32Array(others);
    const outD = new Float64Array(others);
    for (let i = 0; i < rows; i++) kdist[i] = tree.knn(x, i * w, others, i, outI, outD) === others ? outD[others - 1] : Infinity;
  }
  const radius = eps ?? kneeOf(kdist);
  const isCore = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) isCore[i] = minPts - 1 <= others && kdist[i] <= radius ? 1 : 0;
  return { radius, isCore };
}

/** DBSCAN's clustering of the rows: cluster per row (0..clusters−1), −1 for noise, as scikit-learn's labels_. */
export function labelDbscan(x: Float64Array, rows: number, w: number, minPts: number, eps: number): { labels: Int32Array; clusters: number } {
  const tree = new KdTree(x, rows, w);
  const { radius, isCore } = coreRows(tree, x, rows, w, minPts, eps);
  const labels = new Int32Array(rows).fill(-1);
  let clusters = 0;
  const queue: number[] = [];
  const near: number[] = [];
  for (let seed = 0; seed < rows; seed++) {
    if (!isCore[seed] || labels[seed] >= 0) continue;
    labels[seed] = clusters;
    queue.length = 0;
    queue.push(seed);
    for (let q = 0; q < queue.length; q++) {
      near.length = 0;
      tree.withinRadius(x, queue[q] * w, radius, near);
      for (const n of near) {
        if (labels[n] >= 0) continue;
        labels[n] = clusters;
        if (isCore[n]) queue.push(n);
      }
    }
    clusters++;
  }
  return { labels, clusters };
}

/** Kneedle on the ascending k-distances: the value farthest below the chord, in normalized units. */
export function kneeOf(kdist: Float64Array): number {
  const sorted = kdist.filter(Number.isFinite).sort();
  const n = sorted.length;
  if (n === 0) return 1;
  const lo = sorted[0];
  const span = sorted[n - 1] - lo;
  if (!(span > 0) || n < 3) return lo > 0 ? lo : 1e-9;
  let best = 0;
  let bestGap = -Infinity;
  for (let i = 0; i < n; i++) {
    const gap = i / (n - 1) - (sorted[i] - lo) / span;
    if (gap > bestGap) {
      bestGap = gap;
      best = i;
    }
  }
  return sorted[best] > 0 ? sorted[best] : 1e-9;
}
