/**
 * A forest of random cut trees, each fed by its own time-decayed weighted reservoir sampler as in
 * AWS/OpenSearch RCF: a point gets weight -λ·seq + log(-log u) and each tree keeps the `capacity`
 * smallest weights, so recent points are favoured and the trees follow drifting data.
 */
import type { Rng } from "@/lib/detection/random";
import { RcfTree } from "./rcf-tree";
import { decodeTree, encodeTree, type RcfTreeJson } from "./rcf-tree-codec";

export interface RcfForestJson {
  seq: number;
  trees: RcfTreeJson[];
  /** Per tree: sampler heap as [weight, leaf preorder ordinal] pairs, in heap order. */
  samplers: number[][];
}

export class RcfForest {
  readonly trees: RcfTree[];
  private heapW: Float64Array[];
  private heapLeaf: Int32Array[];
  private heapSize: Int32Array;
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
  }

  /** Mean expected CoDisp of p over the trees (0 while empty). */
  score(p: Float64Array): number {
    let s = 0;
    for (let t = 0; t < this.nTrees; t++) s += this.trees[t].codisp(p);
    return s / this.nTrees;
  }

  /** Offers p to every tree's sampler; accepted points are inserted, evicted ones deleted. */
  update(p: Float64Array, rng: Rng): void {
    const decay = -this.timeDecay * this.seq++;
    for (let t = 0; t < this.nTrees; t++) {
      // u = 0 would give an infinite weight, which JSON cannot carry.
      const weight = decay + Math.log(-Math.log(Math.max(rng.next(), 1e-300)));
      const size = this.heapSize[t];
      const hw = this.heapW[t];
      const hl = this.heapLeaf[t];
      const tree = this.trees[t];
      if (size < this.capacity) {
        this.heapSize[t] = heapPush(hw, hl, size, weight, tree.insert(p, rng));
      } else if (weight < hw[0]) {
        tree.remove(hl[0]);
        hw[0] = weight;
        hl[0] = tree.insert(p, rng);
        siftDown(hw, hl, size, 0);
      }
    }
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
    return { seq: this.seq, trees, samplers };
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
