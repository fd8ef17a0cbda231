/**
 * One robust random cut tree (Guha et al. 2016) on flat typed arrays: nodes live in a fixed pool with
 * a free list, bounding boxes are stored per node (a leaf's box is its point), and insert/delete/score
 * are iterative. Leaf ids are stable while a leaf lives, so the sampler can refer to them.
 */
import type { Rng } from "@/lib/detection/random";

/** Offsets of a node's fields inside its record in `RcfTree.nd`. */
export const CUT_DIM = 0;
export const CUT_VAL = 1;
export const LEFT = 2;
export const RIGHT = 3;
export const PARENT = 4;
export const MASS = 5;
/** Sum of the box's side lengths, kept with the box so scoring only needs the growth. */
export const RANGE = 6;
export const BOX = 8;

export class RcfTree {
  root = -1;
  /**
   * All node fields in one array, `stride` numbers per node: the scalars at the offsets below, then
   * the box (lower corner, upper corner). One node is one contiguous run, so a visit costs a few
   * adjacent cache lines instead of one line per field array.
   */
  readonly nd: Float64Array;
  readonly stride: number;
  private free: Int32Array;
  private freeTop: number;
  /** Scratch for codisp: nodes on the query's path, the ancestor ratio max above each, box growth. */
  private path: Int32Array;
  private pathMax: Float64Array;
  private pathGrowth: Float64Array;

  constructor(
    readonly capacity: number,
    readonly w: number,
  ) {
    const n = 2 * capacity;
    this.stride = BOX + 2 * w;
    this.nd = new Float64Array(n * this.stride);
    this.path = new Int32Array(n);
    this.pathMax = new Float64Array(n);
    this.pathGrowth = new Float64Array(n);
    this.free = Int32Array.from({ length: n }, (_, i) => n - 1 - i);
    this.freeTop = n;
  }

  massOf(node: number): number {
    return this.nd[node * this.stride + MASS];
  }

  /** The node's bounding box as [lower corner..., upper corner...]. */
  boxOf(node: number): number[] {
    const base = node * this.stride + BOX;
    return Array.from(this.nd.subarray(base, base + 2 * this.w));
  }

  private alloc(): number {
    return this.free[--this.freeTop];
  }
  private release(id: number): void {
    this.free[this.freeTop++] = id;
  }

  private isPoint(node: number, p: Float64Array): boolean {
    const base = node * this.stride + BOX;
    for (let j = 0; j < this.w; j++) if (this.nd[base + j] !== p[j]) return false;
    return true;
  }

  private makeLeaf(p: Float64Array): number {
    const id = this.alloc();
    this.nd[id * this.stride + CUT_DIM] = -1;
    this.nd[id * this.stride + MASS] = 1;
    this.nd[id * this.stride + RANGE] = 0;
    this.nd.set(p.subarray(0, this.w), id * this.stride + BOX);
    this.nd.set(p.subarray(0, this.w), id * this.stride + BOX + this.w);
    return id;
  }

  /** Inserts p and returns its leaf id (an existing leaf when p is a duplicate). */
  insert(p: Float64Array, rng: Rng): number {
    const { w, nd } = this;
    if (this.root < 0) {
      this.root = this.makeLeaf(p);
      this.nd[this.root * this.stride + PARENT] = -1;
      return this.root;
    }
    let node = this.root;
    for (;;) {
      const leaf = this.nd[node * this.stride + CUT_DIM] < 0;
      if (leaf && this.isPoint(node, p)) {
        for (let a = node; a >= 0; a = this.nd[a * this.stride + PARENT]) this.nd[a * this.stride + MASS]++;
        return node;
      }
      const base = node * this.stride + BOX;
      const total = this.nd[node * this.stride + RANGE] + this.growth(base, p);
      // A uniform cut in the box spanned by the node and p: dimension ∝ its range, position uniform.
      let r = rng.next() * total;
      let dim = 0;
      for (; dim < w - 1; dim++) {
        const span = Math.max(nd[base + w + dim], p[dim]) - Math.min(nd[base + dim], p[dim]);
        if (r < span) break;
        r -= span;
      }
      const mn = Math.min(nd[base + dim], p[dim]);
      const mx = Math.max(nd[base + w + dim], p[dim]);
      let cut = mn + r;
      if (cut >= mx) cut = mn;
      let separates = (p[dim] <= cut && nd[base + dim] > cut) || (p[dim] > cut && nd[base + w + dim] <= cut);
      if (!separates && leaf) {
        // Only reachable through rounding: cut at the lower value of a dimension where they differ.
        dim = 0;
        while (p[dim] === nd[base + dim]) dim++;
        cut = Math.min(p[dim], nd[base + dim]);
        separates = true;
      }
      if (separates) return this.splitAbove(node, p, dim, cut);
      const at = node * this.stride;
      node = p[nd[at + CUT_DIM]] <= nd[at + CUT_VAL] ? nd[at + LEFT] : nd[at + RIGHT];
    }
  }

  private splitAbove(node: number, p: Float64Array, dim: number, cut: number): number {
    const { w, nd } = this;
    const leaf = this.makeLeaf(p);
    const joint = this.alloc();
    const par = this.nd[node * this.stride + PARENT];
    this.nd[joint * this.stride + CUT_DIM] = dim;
    this.nd[joint * this.stride + CUT_VAL] = cut;
    if (p[dim] <= cut) {
      this.nd[joint * this.stride + LEFT] = leaf;
      this.nd[joint * this.stride + RIGHT] = node;
    } else {
      this.nd[joint * this.stride + LEFT] = node;
      this.nd[joint * this.stride + RIGHT] = leaf;
    }
    this.nd[joint * this.stride + PARENT] = par;
    this.nd[node * this.stride + PARENT] = joint;
    this.nd[leaf * this.stride + PARENT] = joint;
    if (par < 0) this.root = joint;
    else if (this.nd[par * this.stride + LEFT] === node) this.nd[par * this.stride + LEFT] = joint;
    else this.nd[par * this.stride + RIGHT] = joint;
    this.nd[joint * this.stride + MASS] = this.nd[node * this.stride + MASS] + 1;
    const jb = joint * this.stride + BOX;
    const nb = node * this.stride + BOX;
    let sum = 0;
    for (let j = 0; j < w; j++) {
      nd[jb + j] = Math.min(nd[nb + j], p[j]);
      nd[jb + w + j] = Math.max(nd[nb + w + j], p[j]);
      sum += nd[jb + w + j] - nd[jb + j];
    }
    this.nd[joint * this.stride + RANGE] = sum;
    // Boxes nest: once an ancestor already contains p, all above it do too and only masses change.
    let growing = true;
    for (let a = par; a >= 0; a = this.nd[a * this.stride + PARENT]) {
      this.nd[a * this.stride + MASS]++;
      if (!growing) continue;
      const ab = a * this.stride + BOX;
      let grown = false;
      for (let j = 0; j < w; j++) {
        if (p[j] < nd[ab + j]) {
          nd[ab + j] = p[j];
          grown = true;
        }
        if (p[j] > nd[ab + w + j]) {
          nd[ab + w + j] = p[j];
          grown = true;
        }
      }
      if (grown) this.nd[a * this.stride + RANGE] = this.boxSum(ab);
      else growing = false;
    }
    return leaf;
  }

  /** Removes one copy of the point at `leaf`; boxes above are recomputed from their children. */
  remove(leaf: number): void {
    if (this.nd[leaf * this.stride + MASS] > 1) {
      for (let a = leaf; a >= 0; a = this.nd[a * this.stride + PARENT]) this.nd[a * this.stride + MASS]--;
      return;
    }
    const par = this.nd[leaf * this.stride + PARENT];
    this.release(leaf);
    if (par < 0) {
      this.root = -1;
      return;
    }
    const pAt = par * this.stride;
    const sib = this.nd[pAt + LEFT] === leaf ? this.nd[pAt + RIGHT] : this.nd[pAt + LEFT];
    const g = this.nd[par * this.stride + PARENT];
    this.nd[sib * this.stride + PARENT] = g;
    this.release(par);
    if (g < 0) this.root = sib;
    else if (this.nd[g * this.stride + LEFT] === par) this.nd[g * this.stride + LEFT] = sib;
    else this.nd[g * this.stride + RIGHT] = sib;
    const { w, nd } = this;
    // Once a recomputed box comes out unchanged, the boxes above it are unchanged too.
    let shrinking = true;
    for (let a = g; a >= 0; a = this.nd[a * this.stride + PARENT]) {
      this.nd[a * this.stride + MASS]--;
      if (!shrinking) continue;
      const ab = a * this.stride + BOX;
      const lb = this.nd[a * this.stride + LEFT] * this.stride + BOX;
      const rb = this.nd[a * this.stride + RIGHT] * this.stride + BOX;
      let changed = false;
      for (let j = 0; j < w; j++) {
        const l = Math.min(nd[lb + j], nd[rb + j]);
        const h = Math.max(nd[lb + w + j], nd[rb + w + j]);
        if (l !== nd[ab + j] || h !== nd[ab + w + j]) changed = true;
        nd[ab + j] = l;
        nd[ab + w + j] = h;
      }
      if (changed) this.nd[a * this.stride + RANGE] = this.boxSum(ab);
      else shrinking = false;
    }
  }

  /** Sum of side lengths from the stored box (summed in a fixed order so restores match exactly). */
  boxSum(base: number): number {
    let s = 0;
    for (let j = 0; j < this.w; j++) s += this.nd[base + this.w + j] - this.nd[base + j];
    return s;
  }

  /** How much the box at `base` would grow (sum over sides) to include p. */
  private growth(base: number, p: Float64Array): number {
    const { nd, w } = this;
    let g = 0;
    // Branch-free: p sits near box faces often enough that branches mispredict.
    for (let j = 0; j < w; j++) {
      const v = p[j];
      g += Math.max(nd[base + j] - v, 0) + Math.max(v - nd[base + w + j], 0);
    }
    return g;
  }

  /**
   * Expected collusive displacement of p if it were inserted, without inserting it. Walking down the
   * path p would take, each node separates p with probability (box growth)/(grown box size); if p is
   * cut off above node v, CoDisp = max(|v|, the |sibling|/|subtree| ratios of the ancestors above).
   * Taking the expectation over the cut instead of drawing it makes the score deterministic and smooth.
   */
  codisp(p: Float64Array): number {
    const { nd, stride, path, pathMax, pathGrowth } = this;
    let node = this.root;
    if (node < 0) return 0;
    // The descent only reads cuts; box growth is needed only where p leaves the boxes.
    let runMax = 0;
    let depth = 0;
    while (nd[node * stride + CUT_DIM] >= 0) {
      path[depth] = node;
      pathMax[depth++] = runMax;
      const at = node * stride;
      const goLeft = p[nd[at + CUT_DIM]] <= nd[at + CUT_VAL];
      const child = goLeft ? nd[at + LEFT] : nd[at + RIGHT];
      const sib = goLeft ? nd[at + RIGHT] : nd[at + LEFT];
      const ratio = nd[sib * stride + MASS] / (nd[child * stride + MASS] + 1);
      if (ratio > runMax) runMax = ratio;
      node = child;
    }
    // A duplicate lies inside every box on its path, so it is never cut off early.
    if (this.isPoint(node, p)) return runMax;
    // Boxes nest, so the nodes whose box misses p form a suffix of the path: walk up to find it.
    let k = depth;
    while (k > 0) {
      const g = this.growth(path[k - 1] * stride + BOX, p);
      if (g === 0) break;
      pathGrowth[--k] = g;
    }
    let reach = 1;
    let total = 0;
    for (let i = k; i < depth; i++) {
      const v = path[i];
      const sep = pathGrowth[i] / (nd[v * stride + RANGE] + pathGrowth[i]);
      total += reach * sep * Math.max(pathMax[i], nd[v * stride + MASS]);
      reach *= 1 - sep;
    }
    return total + reach * Math.max(runMax, nd[node * stride + MASS]);
  }

  /** After a decoder filled node ids 0..used-1 directly: the rest of the pool is free. */
  resetFreeList(used: number): void {
    const n = 2 * this.capacity;
    this.freeTop = 0;
    for (let id = n - 1; id >= used; id--) this.free[this.freeTop++] = id;
  }
}
