/**
 * A forest of random cut trees, each fed by its own time-decayed weighted reservoir sampler as in
 * AWS/OpenSearch RCF: a point gets weight -λ·seq + log(-log u) and each tree keeps the `capacity`
 * smallest weights, so recent points are favoured and the trees follow drifting data.
 *
 * A full tree's sampler does not draw a weight for every point: its threshold (the heap's largest
 * weight) only moves when it accepts one, so the time of the next acceptance is drawn in one go
 * (inverse CDF over the rows ahead) and only the accepted point's weight is drawn, from the weight
 * distribution below the threshold. The samples follow the same law as drawing every weight.
 */
import type { Rng } from "@/lib/detection/random";
import { RcfTree } from "./rcf-tree";
import { decodeTree, encodeTree, type RcfTreeJson } from "./rcf-tree-codec";

export interface RcfForestJson {
  seq: number;
  trees: RcfTreeJson[];
  /** Per tree: sampler heap as [weight, leaf preorder ordinal] pairs, in heap order. */
  samplers: number[][];
  /** Per tree: the seq at which its full sampler accepts next (-1: not drawn yet; absent in older states). */
  next?: number[];
}

/** Early stopping of the tree average: first check after this many trees, then every STOP_EVERY. */
const STOP_MIN_TREES = 10;
const STOP_EVERY = 5;
const STOP_Z = 2;

/** Stands for "never" where JSON cannot carry Infinity. */
const NEVER = Number.MAX_SAFE_INTEGER;

export class RcfForest {
  readonly trees: RcfTree[];
  private heapW: Float64Array[];
  private heapLeaf: Int32Array[];
  private heapSize: Int32Array;
  private next: Float64Array;
  seq = 0;

  constructor(
    readonly nTrees: number,
    readonly capacity: number,
    readonly w: number,
    readonly timeDecay: number,
  ) {
    this.trees = Array.from({ length: nTrees }, () => new RcfTree(capacity, w));
    this.heapW = Array.from({ length: nTrees }, () => new Float64Array(capacity));
    this.heapLeaf = Array.from({ length: nTrees }, () => new Int32Array(capacity));
    this.heapSize = new Int32Array(nTrees);
    this.next = new Float64Array(nTrees).fill(-1);
  }

  /** Trees the last `score` call evaluated. */
  treesScored = 0;

  /**
   * Mean expected CoDisp of p over the trees (0 while empty). With a positive `level`, the trees are a sample
   * and scoring stops once the running mean sits clear of the level from below: the upper confidence
   * bound (STOP_Z standard errors, finite-population corrected) under it. Such a point is normal by a
   * wide margin, and its partial mean is an unbiased estimate of the full one.
   */
  score(p: Float64Array, level = 0): number {
    const n = this.nTrees;
    let s = 0;
    let s2 = 0;
    for (let t = 0; t < n; t++) {
      const c = this.trees[t].codisp(p);
      s += c;
      s2 += c * c;
      const k = t + 1;
      if (k < STOP_MIN_TREES || k === n || k % STOP_EVERY !== 0) continue;
      const mean = s / k;
      const variance = Math.max(0, s2 / k - mean * mean) * (k / (k - 1));
      const bound = mean + STOP_Z * Math.sqrt((variance / k) * ((n - k) / (n - 1)));
      if (bound < level) {
        this.treesScored = k;
        return mean;
      }
    }
    this.treesScored = n;
    return s / n;
  }

  /** Offers p to every tree's sampler; accepted points are inserted, evicted ones deleted. */
  update(p: Float64Array, rng: Rng): void {
    const seq = this.seq++;
    const decay = -this.timeDecay * seq;
    for (let t = 0; t < this.nTrees; t++) {
      const size = this.heapSize[t];
      const hw = this.heapW[t];
      const hl = this.heapLeaf[t];
      const tree = this.trees[t];
      if (size < this.capacity) {
        // u = 0 would give an infinite weight, which JSON cannot carry.
        const weight = decay + Math.log(-Math.log(Math.max(rng.next(), 1e-300)));
        this.heapSize[t] = heapPush(hw, hl, size, weight, tree.insert(p, rng));
        if (size + 1 === this.capacity) this.next[t] = this.drawNext(hw[0], seq + 1, rng);
        continue;
      }
      if (this.next[t] < 0) this.next[t] = this.drawNext(hw[0], seq, rng);
      if (this.next[t] !== seq) continue;
      // The weight given that it falls below the threshold: log(E), E exponential truncated at c.
      const c = Math.exp(hw[0] - decay);
      const e = -Math.log1p(rng.next() * Math.expm1(-c));
      tree.remove(hl[0]);
      hw[0] = decay + Math.log(Math.max(e, 1e-300));
      hl[0] = tree.insert(p, rng);
      siftDown(hw, hl, size, 0);
      this.next[t] = this.drawNext(hw[0], seq + 1, rng);
    }
  }

  /**
   * The first seq ≥ `from` whose point gets a weight below `threshold`. Row k ahead has weight below
   * it with probability 1 - exp(-e^(x + λk)), x = threshold + λ·from, so no acceptance in the first m
   * rows has probability exp(-e^x (e^(λm) - 1)/(e^λ - 1)); that is inverted for one exponential draw.
   */
  private drawNext(threshold: number, from: number, rng: Rng): number {
    const lambda = this.timeDecay;
    const x = threshold + lambda * from;
    const e = -Math.log(1 - rng.next());
    const m = lambda > 0 ? Math.log1p(e * Math.expm1(lambda) * Math.exp(-x)) / lambda : e * Math.exp(-x);
    const k = Math.max(0, Math.ceil(m) - 1);
    return Number.isFinite(k) && from + k < NEVER ? from + k : NEVER;
  }

  toJSON(): RcfForestJson {
    const trees: RcfTreeJson[] = [];
    const samplers: number[][] = [];
    for (let t = 0; t < this.nTrees; t++) {
      const ordinal = new Map<number, number>();
      trees.push(encodeTree(this.trees[t], ordinal));
      const s: number[] = [];
      for (let i = 0; i < this.heapSize[t]; i++) s.push(this.heapW[t][i], ordinal.get(this.heapLeaf[t][i])!);
      samplers.push(s);
    }
    return { seq: this.seq, trees, samplers, next: Array.from(this.next) };
  }

  static fromJSON(j: RcfForestJson, capacity: number, w: number, timeDecay: number): RcfForest {
    const f = new RcfForest(j.trees.length, capacity, w, timeDecay);
    f.seq = j.seq;
    for (let t = 0; t < j.trees.length; t++) {
      const { tree, leaves } = decodeTree(j.trees[t], capacity, w);
      f.trees[t] = tree;
      const s = j.samplers[t];
      f.heapSize[t] = s.length / 2;
      for (let i = 0; i < s.length / 2; i++) {
        f.heapW[t][i] = s[2 * i];
        f.heapLeaf[t][i] = leaves[s[2 * i + 1]];
      }
      // States from before skip-ahead sampling draw their next acceptance at the next update.
      f.next[t] = j.next?.[t] ?? -1;
    }
    return f;
  }
}

/** Max-heap on weight: the root is the sample to evict next. */
function heapPush(hw: Float64Array, hl: Int32Array, size: number, weight: number, leaf: number): number {
  let i = size;
  while (i > 0) {
    const up = (i - 1) >> 1;
    if (hw[up] >= weight) break;
    hw[i] = hw[up];
    hl[i] = hl[up];
    i = up;
  }
  hw[i] = weight;
  hl[i] = leaf;
  return size + 1;
}

function siftDown(hw: Float64Array, hl: Int32Array, size: number, start: number): void {
  let i = start;
  const weight = hw[i];
  const leaf = hl[i];
  for (;;) {
    let c = 2 * i + 1;
    if (c >= size) break;
    if (c + 1 < size && hw[c + 1] > hw[c]) c++;
    if (hw[c] <= weight) break;
    hw[i] = hw[c];
    hl[i] = hl[c];
    i = c;
  }
  hw[i] = weight;
  hl[i] = leaf;
}
