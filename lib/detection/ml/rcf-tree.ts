/**
 * One robust random cut tree (Guha et al. 2016) on flat typed arrays: nodes live in a fixed pool with
 * a free list, bounding boxes are stored per node (a leaf's box is its point), and insert/delete/score
 * are iterative. Leaf ids are stable while a leaf lives, so the sampler can refer to them.
 */
import type { Rng } from "@/lib/detection/random";

export interface RcfTreeJson {
  /** Preorder: internal nodes as [cutDim, cutValue], leaves as [-1, mass]. */
  nodes: number[];
  /** Leaf points in preorder, width values each. */
  points: number[];
}

export class RcfTree {
  root = -1;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly parent: Int32Array;
  readonly cutDim: Int32Array;
  readonly cutVal: Float64Array;
  readonly mass: Int32Array;
  /** Per node, lower corner then upper corner (2w values), adjacent so one visit touches one region. */
  readonly box: Float64Array;
  /** Sum of the box's side lengths, kept with the box so scoring only needs the growth. */
  readonly rangeSum: Float64Array;
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
    this.left = new Int32Array(n);
    this.right = new Int32Array(n);
    this.parent = new Int32Array(n);
    this.cutDim = new Int32Array(n);
    this.cutVal = new Float64Array(n);
    this.mass = new Int32Array(n);
    this.box = new Float64Array(n * 2 * w);
    this.rangeSum = new Float64Array(n);
    this.path = new Int32Array(n);
    this.pathMax = new Float64Array(n);
    this.pathGrowth = new Float64Array(n);
    this.free = Int32Array.from({ length: n }, (_, i) => n - 1 - i);
    this.freeTop = n;
  }

  private alloc(): number {
    return this.free[--this.freeTop];
  }
  private release(id: number): void {
    this.free[this.freeTop++] = id;
  }

  private isPoint(node: number, p: Float64Array): boolean {
    const base = node * 2 * this.w;
    for (let j = 0; j < this.w; j++) if (this.box[base + j] !== p[j]) return false;
    return true;
  }

  private makeLeaf(p: Float64Array): number {
    const id = this.alloc();
    this.cutDim[id] = -1;
    this.mass[id] = 1;
    this.rangeSum[id] = 0;
    this.box.set(p.subarray(0, this.w), id * 2 * this.w);
    this.box.set(p.subarray(0, this.w), id * 2 * this.w + this.w);
    return id;
  }

  /** Inserts p and returns its leaf id (an existing leaf when p is a duplicate). */
  insert(p: Float64Array, rng: Rng): number {
    const { w, box } = this;
    if (this.root < 0) {
      this.root = this.makeLeaf(p);
      this.parent[this.root] = -1;
      return this.root;
    }
    let node = this.root;
    for (;;) {
      const leaf = this.cutDim[node] < 0;
      if (leaf && this.isPoint(node, p)) {
        for (let a = node; a >= 0; a = this.parent[a]) this.mass[a]++;
        return node;
      }
      const base = node * 2 * w;
      const total = this.rangeSum[node] + this.growth(base, p);
      // A uniform cut in the box spanned by the node and p: dimension ∝ its range, position uniform.
      let r = rng.next() * total;
      let dim = 0;
      for (; dim < w - 1; dim++) {
        const span = Math.max(box[base + w + dim], p[dim]) - Math.min(box[base + dim], p[dim]);
        if (r < span) break;
        r -= span;
      }
      const mn = Math.min(box[base + dim], p[dim]);
      const mx = Math.max(box[base + w + dim], p[dim]);
      let cut = mn + r;
      if (cut >= mx) cut = mn;
      let separates = (p[dim] <= cut && box[base + dim] > cut) || (p[dim] > cut && box[base + w + dim] <= cut);
      if (!separates && leaf) {
        // Only reachable through rounding: cut at the lower value of a dimension where they differ.
        dim = 0;
        while (p[dim] === box[base + dim]) dim++;
        cut = Math.min(p[dim], box[base + dim]);
        separates = true;
      }
      if (separates) return this.splitAbove(node, p, dim, cut);
      node = p[this.cutDim[node]] <= this.cutVal[node] ? this.left[node] : this.right[node];
    }
  }

  private splitAbove(node: number, p: Float64Array, dim: number, cut: number): number {
    const { w, box } = this;
    const leaf = this.makeLeaf(p);
    const joint = this.alloc();
    const par = this.parent[node];
    this.cutDim[joint] = dim;
    this.cutVal[joint] = cut;
    if (p[dim] <= cut) {
      this.left[joint] = leaf;
      this.right[joint] = node;
    } else {
      this.left[joint] = node;
      this.right[joint] = leaf;
    }
    this.parent[joint] = par;
    this.parent[node] = joint;
    this.parent[leaf] = joint;
    if (par < 0) this.root = joint;
    else if (this.left[par] === node) this.left[par] = joint;
    else this.right[par] = joint;
    this.mass[joint] = this.mass[node] + 1;
    const jb = joint * 2 * w;
    const nb = node * 2 * w;
    let sum = 0;
    for (let j = 0; j < w; j++) {
      box[jb + j] = Math.min(box[nb + j], p[j]);
      box[jb + w + j] = Math.max(box[nb + w + j], p[j]);
      sum += box[jb + w + j] - box[jb + j];
    }
    this.rangeSum[joint] = sum;
    // Boxes nest: once an ancestor already contains p, all above it do too and only masses change.
    let growing = true;
    for (let a = par; a >= 0; a = this.parent[a]) {
      this.mass[a]++;
      if (!growing) continue;
      const ab = a * 2 * w;
      let grown = false;
      for (let j = 0; j < w; j++) {
        if (p[j] < box[ab + j]) {
          box[ab + j] = p[j];
          grown = true;
        }
        if (p[j] > box[ab + w + j]) {
          box[ab + w + j] = p[j];
          grown = true;
        }
      }
      if (grown) this.rangeSum[a] = this.boxSum(ab);
      else growing = false;
    }
    return leaf;
  }

  /** Removes one copy of the point at `leaf`; boxes above are recomputed from their children. */
  remove(leaf: number): void {
    if (this.mass[leaf] > 1) {
      for (let a = leaf; a >= 0; a = this.parent[a]) this.mass[a]--;
      return;
    }
    const par = this.parent[leaf];
    this.release(leaf);
    if (par < 0) {
      this.root = -1;
      return;
    }
    const sib = this.left[par] === leaf ? this.right[par] : this.left[par];
    const g = this.parent[par];
    this.parent[sib] = g;
    this.release(par);
    if (g < 0) this.root = sib;
    else if (this.left[g] === par) this.left[g] = sib;
    else this.right[g] = sib;
    const { w, box } = this;
    // Once a recomputed box comes out unchanged, the boxes above it are unchanged too.
    let shrinking = true;
    for (let a = g; a >= 0; a = this.parent[a]) {
      this.mass[a]--;
      if (!shrinking) continue;
      const ab = a * 2 * w;
      const lb = this.left[a] * 2 * w;
      const rb = this.right[a] * 2 * w;
      let changed = false;
      for (let j = 0; j < w; j++) {
        const l = Math.min(box[lb + j], box[rb + j]);
        const h = Math.max(box[lb + w + j], box[rb + w + j]);
        if (l !== box[ab + j] || h !== box[ab + w + j]) changed = true;
        box[ab + j] = l;
        box[ab + w + j] = h;
      }
      if (changed) this.rangeSum[a] = this.boxSum(ab);
      else shrinking = false;
    }
  }

  /** Sum of side lengths from the stored box (summed in a fixed order so restores match exactly). */
  private boxSum(base: number): number {
    let s = 0;
    for (let j = 0; j < this.w; j++) s += this.box[base + this.w + j] - this.box[base + j];
    return s;
  }

  /** How much the box at `base` would grow (sum over sides) to include p. */
  private growth(base: number, p: Float64Array): number {
    const { box, w } = this;
    let g = 0;
    // Branch-free: p sits near box faces often enough that branches mispredict.
    for (let j = 0; j < w; j++) {
      const v = p[j];
      g += Math.max(box[base + j] - v, 0) + Math.max(v - box[base + w + j], 0);
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
    const { w, mass, path, pathMax, pathGrowth } = this;
    let node = this.root;
    if (node < 0) return 0;
    // The descent only reads cuts; box growth is needed only where p leaves the boxes.
    let runMax = 0;
    let depth = 0;
    while (this.cutDim[node] >= 0) {
      path[depth] = node;
      pathMax[depth++] = runMax;
      const goLeft = p[this.cutDim[node]] <= this.cutVal[node];
      const child = goLeft ? this.left[node] : this.right[node];
      const ratio = mass[goLeft ? this.right[node] : this.left[node]] / (mass[child] + 1);
      if (ratio > runMax) runMax = ratio;
      node = child;
    }
    // A duplicate lies inside every box on its path, so it is never cut off early.
    if (this.isPoint(node, p)) return runMax;
    // Boxes nest, so the nodes whose box misses p form a suffix of the path: walk up to find it.
    let k = depth;
    while (k > 0) {
      const g = this.growth(path[k - 1] * 2 * w, p);
      if (g === 0) break;
      pathGrowth[--k] = g;
    }
    let reach = 1;
    let total = 0;
    for (let i = k; i < depth; i++) {
      const v = path[i];
      const sep = pathGrowth[i] / (this.rangeSum[v] + pathGrowth[i]);
      total += reach * sep * Math.max(pathMax[i], mass[v]);
      reach *= 1 - sep;
    }
    return total + reach * Math.max(runMax, mass[node]);
  }

  /** Canonical preorder encoding; `leafOrdinal` receives each live leaf's preorder position. */
  toJSON(leafOrdinal: Map<number, number>): RcfTreeJson {
    const nodes: number[] = [];
    const points: number[] = [];
    const stack = this.root >= 0 ? [this.root] : [];
    while (stack.length > 0) {
      const n = stack.pop()!;
      if (this.cutDim[n] < 0) {
        leafOrdinal.set(n, leafOrdinal.size);
        nodes.push(-1, this.mass[n]);
        for (let j = 0; j < this.w; j++) points.push(this.box[n * 2 * this.w + j]);
      } else {
        nodes.push(this.cutDim[n], this.cutVal[n]);
        stack.push(this.right[n], this.left[n]);
      }
    }
    return { nodes, points };
  }

  /** Rebuilds from toJSON output; returns the node id of each leaf by preorder position. */
  static fromJSON(j: RcfTreeJson, capacity: number, w: number): { tree: RcfTree; leaves: number[] } {
    const t = new RcfTree(capacity, w);
    const leaves: number[] = [];
    const count = j.nodes.length / 2;
    if (count === 0) return { tree: t, leaves };
    // Preorder ids 0..count-1; parents waiting for children sit on a stack.
    const pending: number[] = [];
    for (let id = 0; id < count; id++) {
      const dim = j.nodes[2 * id];
      if (id === 0) {
        t.root = 0;
        t.parent[0] = -1;
      } else {
        const par = pending[pending.length - 1];
        t.parent[id] = par;
        if (t.left[par] === -1) t.left[par] = id;
        else {
          t.right[par] = id;
          pending.pop();
        }
      }
      t.cutDim[id] = dim;
      if (dim < 0) {
        t.mass[id] = j.nodes[2 * id + 1];
        const src = leaves.length * w;
        for (let k = 0; k < w; k++) t.box[id * 2 * w + k] = t.box[id * 2 * w + w + k] = j.points[src + k];
        leaves.push(id);
      } else {
        t.cutVal[id] = j.nodes[2 * id + 1];
        t.left[id] = -1;
        pending.push(id);
      }
    }
    t.resetFreeList(count);
    // Children have larger preorder ids than their parent: a reverse sweep fills masses and boxes.
    for (let id = count - 1; id >= 0; id--) {
      if (t.cutDim[id] < 0) continue;
      const l = t.left[id];
      const r = t.right[id];
      t.mass[id] = t.mass[l] + t.mass[r];
      for (let k = 0; k < w; k++) {
        t.box[id * 2 * w + k] = Math.min(t.box[l * 2 * w + k], t.box[r * 2 * w + k]);
        t.box[id * 2 * w + w + k] = Math.max(t.box[l * 2 * w + w + k], t.box[r * 2 * w + w + k]);
      }
      t.rangeSum[id] = t.boxSum(id * 2 * w);
    }
    return { tree: t, leaves };
  }

  private resetFreeList(used: number): void {
    const n = 2 * this.capacity;
    this.freeTop = 0;
    for (let id = n - 1; id >= used; id--) this.free[this.freeTop++] = id;
  }
}
