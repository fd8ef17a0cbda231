/**
 * Isolation forest (Liu, Ting, Zhou 2008) on flat typed arrays: every tree owns a fixed block of
 * 2ψ-1 node slots, trees are grown with an explicit stack (no recursion), and leaves carry their
 * path-length value h = depth + c(size) precomputed so scoring is a plain descent.
 */
import type { Rng } from "@/lib/detection/random";

const EULER = 0.5772156649015329;

/** Average path length of an unsuccessful BST search over n points: c(n) = 2H(n-1) - 2(n-1)/n. */
export function averagePathLength(n: number): number {
  if (n <= 1) return 0;
  if (n === 2) return 1;
  // H(i) ≈ ln(i) + γ, as in the paper and scikit-learn, so scores line up with sklearn's.
  return 2 * (Math.log(n - 1) + EULER) - (2 * (n - 1)) / n;
}

export interface ForestJson {
  trees: number;
  psi: number;
  /** Node count per tree; the arrays below hold the used nodes of each tree back to back. */
  nodes: number[];
  feature: number[];
  threshold: number[];
  /** Left child per node; the right child is always left + 1. */
  left: number[];
  size: number[];
}

export class IsolationForestModel {
  readonly maxNodes: number;
  private feature: Int32Array;
  private threshold: Float64Array;
  /** Left child (tree-local); children are allocated in pairs, so the right one is left + 1. */
  private left: Int32Array;
  private size: Int32Array;
  private depth: Int32Array;
  private leafPath: Float64Array;
  private nodes: Int32Array;
  readonly cPsi: number;

  constructor(
    readonly trees: number,
    readonly psi: number,
  ) {
    this.maxNodes = 2 * psi - 1;
    const total = trees * this.maxNodes;
    this.feature = new Int32Array(total).fill(-1);
    this.threshold = new Float64Array(total);
    this.left = new Int32Array(total);
    this.size = new Int32Array(total);
    this.depth = new Int32Array(total);
    this.leafPath = new Float64Array(total);
    this.nodes = new Int32Array(trees);
    this.cPsi = averagePathLength(psi);
  }

  /** ψ is capped at the row count, as scikit-learn does with max_samples="auto". */
  static fit(x: Float64Array, rows: number, w: number, trees: number, psi: number, rng: Rng) {
    const m = new IsolationForestModel(trees, Math.max(1, Math.min(psi, rows)));
    const perm = Int32Array.from({ length: rows }, (_, i) => i);
    const idx = new Int32Array(m.psi);
    const limit = Math.ceil(Math.log2(Math.max(m.psi, 2)));
    for (let t = 0; t < trees; t++) {
      for (let i = 0; i < m.psi; i++) {
        const j = i + rng.int(rows - i);
        const tmp = perm[i];
        perm[i] = perm[j];
        perm[j] = tmp;
        idx[i] = perm[i];
      }
      m.grow(t, x, w, idx, limit, rng);
    }
    m.computeLeafPaths();
    return m;
  }

  private grow(t: number, x: Float64Array, w: number, idx: Int32Array, limit: number, rng: Rng) {
    const base = t * this.maxNodes;
    const stack = new Int32Array(this.maxNodes * 3);
    const featOrder = Int32Array.from({ length: w }, (_, i) => i);
    let sp = 0;
    let count = 1;
    stack[sp++] = 0;
    stack[sp++] = 0;
    stack[sp++] = idx.length;
    this.depth[base] = 0;
    while (sp > 0) {
      const hi = stack[--sp];
      const lo = stack[--sp];
      const node = base + stack[--sp];
      const n = hi - lo;
      this.size[node] = n;
      this.feature[node] = -1;
      if (n <= 1 || this.depth[node] >= limit) continue;
      // Draw features without replacement until one is not constant here (as scikit-learn does).
      let q = -1;
      let min = 0;
      let max = 0;
      for (let k = 0; k < w && q < 0; k++) {
        const pick = k + rng.int(w - k);
        const f = featOrder[pick];
        featOrder[pick] = featOrder[k];
        featOrder[k] = f;
        min = Infinity;
        max = -Infinity;
        for (let i = lo; i < hi; i++) {
          const v = x[idx[i] * w + f];
          if (v < min) min = v;
          if (v > max) max = v;
        }
        if (max > min) q = f;
      }
      if (q < 0) continue;
      let p = min + rng.next() * (max - min);
      if (p <= min) p = (min + max) / 2;
      let mid = lo;
      for (let i = lo; i < hi; i++) {
        if (x[idx[i] * w + q] < p) {
          const tmp = idx[i];
          idx[i] = idx[mid];
          idx[mid++] = tmp;
        }
      }
      const l = count++;
      const r = count++;
      this.feature[node] = q;
      this.threshold[node] = p;
      this.left[node] = l;
      this.depth[base + l] = this.depth[node] + 1;
      this.depth[base + r] = this.depth[node] + 1;
      stack[sp++] = r;
      stack[sp++] = mid;
      stack[sp++] = hi;
      stack[sp++] = l;
      stack[sp++] = lo;
      stack[sp++] = mid;
    }
    this.nodes[t] = count;
  }

  private computeLeafPaths(): void {
    for (let i = 0; i < this.leafPath.length; i++) {
      if (this.feature[i] < 0) this.leafPath[i] = this.depth[i] + averagePathLength(this.size[i]);
    }
  }

  /** Mean path length E[h(x)] of the vector at x[offset..offset+w). */
  pathLength(x: Float64Array, offset = 0): number {
    let sum = 0;
    const { feature, threshold, left } = this;
    for (let t = 0; t < this.trees; t++) {
      const base = t * this.maxNodes;
      let node = base;
      let f = feature[node];
      while (f >= 0) {
        // Branch-free child step: left + (x >= threshold), since right = left + 1.
        node = base + left[node] + +(x[offset + f] >= threshold[node]);
        f = feature[node];
      }
      sum += this.leafPath[node];
    }
    return sum / this.trees;
  }

  /**
   * Path-length attribution of the vector at x[offset..offset+w): along its path in each tree, a split on
   * feature f that sends it from a node of n training rows into a child of m rows adds log2(n / m) bits of
   * isolation to f (a tree's bits sum to log2(ψ / leaf size)), weighted by 1 / h (the tree's path length:
   * trees that isolate it fast count most, as in DIFFI). `side` gets the same weights, signed + when x went
   * to the right (x >= threshold), - to the left: its sign is the direction. Both arrays are overwritten.
   */
  attribute(x: Float64Array, offset: number, contrib: Float64Array, side: Float64Array): void {
    contrib.fill(0);
    side.fill(0);
    const { feature, threshold, left, size } = this;
    for (let t = 0; t < this.trees; t++) {
      const base = t * this.maxNodes;
      let node = base;
      let leaf = node;
      while (feature[leaf] >= 0) leaf = base + left[leaf] + +(x[offset + feature[leaf]] >= threshold[leaf]);
      const weight = 1 / Math.max(1, this.leafPath[leaf]);
      let f = feature[node];
      while (f >= 0) {
        const right = x[offset + f] >= threshold[node];
        const child = base + left[node] + +right;
        const bits = Math.log2(size[node] / Math.max(1, size[child])) * weight;
        contrib[f] += bits;
        side[f] += right ? bits : -bits;
        node = child;
        f = feature[node];
      }
    }
  }

  /** Standard anomaly score s = 2^(-E[h]/c(ψ)). */
  scoreFromPath(meanPath: number): number {
    return this.cPsi > 0 ? Math.pow(2, -meanPath / this.cPsi) : 0.5;
  }

  toJSON(): ForestJson {
    const out: ForestJson = {
      trees: this.trees,
      psi: this.psi,
      nodes: Array.from(this.nodes),
      feature: [],
      threshold: [],
      left: [],
      size: [],
    };
    for (let t = 0; t < this.trees; t++) {
      const base = t * this.maxNodes;
      for (let i = base; i < base + this.nodes[t]; i++) {
        out.feature.push(this.feature[i]);
        out.threshold.push(this.threshold[i]);
        out.left.push(this.left[i]);
        out.size.push(this.size[i]);
      }
    }
    return out;
  }

  static fromJSON(j: ForestJson): IsolationForestModel {
    const m = new IsolationForestModel(j.trees, j.psi);
    let k = 0;
    for (let t = 0; t < j.trees; t++) {
      const base = t * m.maxNodes;
      m.nodes[t] = j.nodes[t];
      for (let i = 0; i < j.nodes[t]; i++, k++) {
        m.feature[base + i] = j.feature[k];
        m.threshold[base + i] = j.threshold[k];
        m.left[base + i] = j.left[k];
        m.size[base + i] = j.size[k];
      }
      // Depths are implied by the child links; parents always precede their children.
      for (let i = 0; i < j.nodes[t]; i++) {
        if (m.feature[base + i] >= 0) {
          m.depth[base + m.left[base + i]] = m.depth[base + i] + 1;
          m.depth[base + m.left[base + i] + 1] = m.depth[base + i] + 1;
        }
      }
    }
    m.computeLeafPaths();
    return m;
  }
}
