/**
 * k-means with seeded k-means++ initialisation and Lloyd iterations on a flat row-major matrix.
 * After fitting, each cluster keeps the p99 of its members' distances so that a distance can be
 * judged against what is normal for that particular cluster (tight and loose clusters differ).
 */
import type { Rng } from "@/lib/detection/random";
import { quantile, safeScale } from "./common/score-map";

export interface KMeansJson {
  k: number;
  width: number;
  centroids: number[];
  /** Per-cluster p99 of member distances (falls back to the global p99 for tiny clusters). */
  edge: number[];
  counts: number[];
  iterations: number;
}

/** Clusters with fewer members than this use the global distance p99: their own is too noisy. */
const MIN_CLUSTER_FOR_EDGE = 20;

/** Squared distance of the last `nearest` call; a scratch slot so the hot loop allocates nothing. */
export const lastDist2 = new Float64Array(1);

export function nearest(c: Float64Array, k: number, w: number, x: Float64Array, off: number): number {
  let best = 0;
  let bestD = Infinity;
  for (let j = 0; j < k; j++) {
    let d = 0;
    const base = j * w;
    for (let f = 0; f < w; f++) {
      const diff = x[off + f] - c[base + f];
      d += diff * diff;
    }
    if (d < bestD) {
      bestD = d;
      best = j;
    }
  }
  lastDist2[0] = bestD;
  return best;
}

export function fitKMeans(
  x: Float64Array,
  rows: number,
  w: number,
  kWanted: number,
  maxIter: number,
  rng: Rng,
  /** False when only the centroids are wanted (the mixture's start): no final pass, no `edge`. */
  withEdges = true,
): KMeansJson {
  const k = Math.max(1, Math.min(kWanted, rows));
  const c = initPlusPlus(x, rows, w, k, rng);
  const assign = new Int32Array(rows);
  const dist2 = new Float64Array(rows);
  const sums = new Float64Array(k * w);
  const counts = new Int32Array(k);
  let it = 0;
  for (; it < maxIter; it++) {
    sums.fill(0);
    counts.fill(0);
    for (let i = 0; i < rows; i++) {
      const cluster = nearest(c, k, w, x, i * w);
      assign[i] = cluster;
      dist2[i] = lastDist2[0];
      counts[cluster]++;
      for (let f = 0; f < w; f++) sums[cluster * w + f] += x[i * w + f];
    }
    // Converged when the centroids moved less than scikit-learn's default tolerance (1e-4 of the
    // mean feature variance, which is ~1 after standardization).
    let shift = 0;
    for (let j = 0; j < k; j++) {
      if (counts[j] === 0) {
        // Empty cluster: restart it on the point worst served by its centroid.
        let far = 0;
        for (let i = 1; i < rows; i++) if (dist2[i] > dist2[far]) far = i;
        dist2[far] = 0;
        for (let f = 0; f < w; f++) c[j * w + f] = x[far * w + f];
        shift = Infinity;
        continue;
      }
      for (let f = 0; f < w; f++) {
        const v = sums[j * w + f] / counts[j];
        shift += (v - c[j * w + f]) ** 2;
        c[j * w + f] = v;
      }
    }
    if (shift <= 1e-4) break;
  }
  if (!withEdges) return { k, width: w, centroids: Array.from(c), edge: [], counts: Array.from(counts), iterations: it };
  // Final assignment against the final centroids, for the per-cluster distance distributions.
  counts.fill(0);
  for (let i = 0; i < rows; i++) {
    const cluster = nearest(c, k, w, x, i * w);
    assign[i] = cluster;
    dist2[i] = Math.sqrt(lastDist2[0]);
    counts[cluster]++;
  }
  const global = safeScale(quantile(dist2, 0.99, rows));
  const edge: number[] = [];
  const members = new Float64Array(rows);
  for (let j = 0; j < k; j++) {
    let n = 0;
    for (let i = 0; i < rows; i++) if (assign[i] === j) members[n++] = dist2[i];
    edge.push(n >= MIN_CLUSTER_FOR_EDGE ? safeScale(quantile(members, 0.99, n)) : global);
  }
  return { k, width: w, centroids: Array.from(c), edge, counts: Array.from(counts), iterations: it };
}

function initPlusPlus(x: Float64Array, rows: number, w: number, k: number, rng: Rng): Float64Array {
  const c = new Float64Array(k * w);
  const d2 = new Float64Array(rows).fill(Infinity);
  let pick = rng.int(rows);
  for (let j = 0; j < k; j++) {
    for (let f = 0; f < w; f++) c[j * w + f] = x[pick * w + f];
    if (j === k - 1) break;
    let total = 0;
    for (let i = 0; i < rows; i++) {
      let d = 0;
      for (let f = 0; f < w; f++) {
        const diff = x[i * w + f] - c[j * w + f];
        d += diff * diff;
      }
      if (d < d2[i]) d2[i] = d;
      total += d2[i];
    }
    // Next centre drawn with probability proportional to D(x)²; all-duplicate data falls back to uniform.
    if (total <= 0) {
      pick = rng.int(rows);
      continue;
    }
    let target = rng.next() * total;
    pick = rows - 1;
    for (let i = 0; i < rows; i++) {
      target -= d2[i];
      if (target < 0) {
        pick = i;
        break;
      }
    }
  }
  return c;
}
