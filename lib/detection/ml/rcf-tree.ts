/**
 * One robust random cut tree (Guha et al. 2016) on flat typed arrays: nodes live in a fixed pool with
 * a free list, bounding boxes are stored per node (a leaf's box is its point), and insert/delete/score
 * are iterative. Leaf ids are stable while a leaf lives, so the sampler can refer to them.
 *
 * Layout: one small typed array per field (structure of arrays). A descent reads only cut dimension,
 * cut value, children and masses: about 20 bytes per node, so a 256-point tree's hot part is ~12 KB and
 * a 50-tree forest's ~0.6 MB stays in the core's cache; the boxes (2·w numbers per node) are read only
 * where a point leaves them. One record per node with its box (192 bytes at w = 8) made a forest 5 MB,
 * and every level of every descent a cache miss.
 */
import type { Rng } from "@/lib/detection/random";

export class RcfTree {
  root = -1;
  /** Cut dimension of an internal node; -1 marks a leaf. */
  readonly cutDim: Int32Array;
  readonly cutVal: Float64Array;
  /** Children as [left, right] pairs: kids[2·node], kids[2·node + 1]. */
  readonly kids: Int32Array;
  readonly parent: Int32Array;
  /** Points below the node (a leaf: copies of its point). */
  readonly mass: Int32Array;
  /** Sum of the box's side lengths, kept with the box so scoring only needs the growth. */
  readonly range: Float64Array;
  /** Box of node n at n·2w: lower corner (w values), then upper corner. */
  readonly box: Float64Array;
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
    this.cutDim = new Int32Array(n);
    this.cutVal = new Float64Array(n);
    this.kids = new Int32Array(2 * n);
    this.parent = new Int32Array(n);
    this.mass = new Int32Array(n);
    this.range = new Float64Array(n);
    this.box = new Float64Array(n * 2 * w);
    this.path = new Int32Array(n);
    this.pathMax = new Float64Array(n);
    this.pathGrowth = new Float64Array(n);
    this.free = Int32Array.from({ length: n }, (_, i) => n - 1 - i);
    this.freeTop = n;
  }

  massOf(node: number): number {
    return this.mass[node];
  }

  /** The node's bounding box as [lower corner..., upper corner...]. */
  boxOf(node: number): number[] {
    const base = node * 2 * this.w;
    return Array.from(this.box.subarray(base, base + 2 * this.w));
  }

  private alloc(): number {
    return this.free[--this.freeTop];
  }
  private release(id: number): void {
    this.free[this.freeTop++] = id;
  }

  private isPoint(node: number, p: Float64Array): boolean {
    const { box, w } = this;
    const base = node * 2 * w;
    for (let j = 0; j < w; j++) if (box[base + j] !== p[j]) return false;
    return true;
  }

  private makeLeaf(p: Float64Array): number {
    const id = this.alloc();
    const { w } = this;
    this.cutDim[id] = -1;
    this.mass[id] = 1;
    this.range[id] = 0;
    const base = id * 2 * w;
    for (let j = 0; j < w; j++) this.box[base + j] = this.box[base + w + j] = p[j];
    return id;
  }

  /**
   * Inserts p and returns its leaf id (an existing leaf when p is a duplicate). A random cut in the box
   * of a node grown to p separates p with probability growth/(range + growth), which is 0 wherever the
   * box already holds p: only the path's suffix of boxes that miss p (boxes nest) can split, so the
   * descent reads cuts alone and random cuts are drawn for that suffix, top down, as before.
   */
  insert(p: Float64Array, rng: Rng): number {
    const { w, box, cutDim, cutVal, kids, parent, mass, path, pathGrowth } = this;
    if (this.root < 0) {
      this.root = this.makeLeaf(p);
      parent[this.root] = -1;
      return this.root;
    }
    let node = this.root;
    let depth = 0;
    for (let dim = cutDim[node]; dim >= 0; dim = cutDim[node]) {
      path[depth++] = node;
      node = p[dim] <= cutVal[node] ? kids[2 * node] : kids[2 * node + 1];
    }
    path[depth++] = node;
    if (this.isPoint(node, p)) {
      for (let a = node; a >= 0; a = parent[a]) mass[a]++;
      return node;
    }
    let k = depth - 1;
    pathGrowth[k] = this.growth(node * 2 * w, p);
    while (k > 0) {
      const g = this.growth(path[k - 1] * 2 * w, p);
      if (g === 0) break;
      pathGrowth[--k] = g;
    }
    for (; k < depth; k++) {
      node = path[k];
      const base = node * 2 * w;
      // A uniform cut in the box spanned by the node and p: dimension ∝ its range, position uniform.
      let r = rng.next() * (this.range[node] + pathGrowth[k]);
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
      const separates = (p[dim] <= cut && box[base + dim] > cut) || (p[dim] > cut && box[base + w + dim] <= cut);
      if (separates) return this.splitAbove(node, p, dim, cut);
    }
    // Only reachable through rounding at the leaf: cut at the lower value of a dimension where they differ.
    let dim = 0;
    const base = node * 2 * w;
    while (p[dim] === box[base + dim]) dim++;
    return this.splitAbove(node, p, dim, Math.min(p[dim], box[base + dim]));
  }

  private splitAbove(node: number, p: Float64Array, dim: number, cut: number): number {
    const { w, box, kids, parent, mass } = this;
    const leaf = this.makeLeaf(p);
    const joint = this.alloc();
    const par = parent[node];
    this.cutDim[joint] = dim;
    this.cutVal[joint] = cut;
    if (p[dim] <= cut) {
      kids[2 * joint] = leaf;
      kids[2 * joint + 1] = node;
    } else {
      kids[2 * joint] = node;
      kids[2 * joint + 1] = leaf;
    }
    parent[joint] = par;
    parent[node] = joint;
    parent[leaf] = joint;
    if (par < 0) this.root = joint;
    else if (kids[2 * par] === node) kids[2 * par] = joint;
    else kids[2 * par + 1] = joint;
    mass[joint] = mass[node] + 1;
    const jb = joint * 2 * w;
    const nb = node * 2 * w;
    let sum = 0;
    for (let j = 0; j < w; j++) {
      box[jb + j] = Math.min(box[nb + j], p[j]);
      box[jb + w + j] = Math.max(box[nb + w + j], p[j]);
      sum += box[jb + w + j] - box[jb + j];
    }
    this.range[joint] = sum;
    // Boxes nest: once an ancestor already contains p, all above it do too and only masses change.
    let growing = true;
    for (let a = par; a >= 0; a = parent[a]) {
      mass[a]++;
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
      if (grown) this.range[a] = this.boxSum(a);
      else growing = false;
    }
    return leaf;
  }

  /** Removes one copy of the point at `leaf`; boxes above are recomputed from their children. */
  remove(leaf: number): void {
    const { w, box, kids, parent, mass } = this;
    if (mass[leaf] > 1) {
      for (let a = leaf; a >= 0; a = parent[a]) mass[a]--;
      return;
    }
    const par = parent[leaf];
    this.release(leaf);
    if (par < 0) {
      this.root = -1;
      return;
    }
    const sib = kids[2 * par] === leaf ? kids[2 * par + 1] : kids[2 * par];
    const g = parent[par];
    parent[sib] = g;
    this.release(par);
    if (g < 0) this.root = sib;
    else if (kids[2 * g] === par) kids[2 * g] = sib;
    else kids[2 * g + 1] = sib;
    // Boxes are exact bounding boxes: a side moves only where the removed point q was on it, and once
    // a box keeps every side, the boxes above it do too.
    const qb = leaf * 2 * w; // the released slot keeps its point: nothing is allocated before the loop
    let shrinking = true;
    for (let a = g; a >= 0; a = parent[a]) {
      mass[a]--;
      if (!shrinking) continue;
      const ab = a * 2 * w;
      const lb = kids[2 * a] * 2 * w;
      const rb = kids[2 * a + 1] * 2 * w;
      let changed = false;
      for (let j = 0; j < w; j++) {
        const q = box[qb + j];
        if (q === box[ab + j]) {
          const l = Math.min(box[lb + j], box[rb + j]);
          if (l !== q) {
            box[ab + j] = l;
            changed = true;
          }
        }
        if (q === box[ab + w + j]) {
          const h = Math.max(box[lb + w + j], box[rb + w + j]);
          if (h !== q) {
            box[ab + w + j] = h;
            changed = true;
          }
        }
      }
      if (changed) this.range[a] = this.boxSum(a);
      else shrinking = false;
    }
  }

  /** Sum of the node's side lengths from its stored box (summed in a fixed order so restores match exactly). */
  boxSum(node: number): number {
    const { box, w } = this;
    const base = node * 2 * w;
    let s = 0;
    for (let j = 0; j < w; j++) s += box[base + w + j] - box[base + j];
    return s;
  }

  /** How much the box at `base` would grow (sum over sides) to include p. */
  private growth(base: number, p: Float64Array): number {
    const { box, w } = this;
    let g = 0;
    // Branch-free: p sits near box faces often enough that branches mispredict.
    for (let j = 0; j < w; j++) {
      const v = p[j];
      const below = box[base + j] - v;
      const above = v - box[base + w + j];
      g += (below > 0 ? below : 0) + (above > 0 ? above : 0);
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
    const { cutDim, cutVal, kids, mass, range, path, pathMax, pathGrowth } = this;
    const w2 = 2 * this.w;
    let node = this.root;
    if (node < 0) return 0;
    // The descent only reads cuts; box growth is needed only where p leaves the boxes.
    let runMax = 0;
    let depth = 0;
    let dim = cutDim[node];
    while (dim >= 0) {
      path[depth] = node;
      pathMax[depth++] = runMax;
      const k = 2 * node + (p[dim] <= cutVal[node] ? 0 : 1);
      const child = kids[k];
      const ratio = mass[kids[k ^ 1]] / (mass[child] + 1);
      if (ratio > runMax) runMax = ratio;
      node = child;
      dim = cutDim[node];
    }
    // A duplicate lies inside every box on its path, so it is never cut off early.
    if (this.isPoint(node, p)) return runMax;
    // Boxes nest, so the nodes whose box misses p form a suffix of the path: walk up to find it.
    let k = depth;
    while (k > 0) {
      const g = this.growth(path[k - 1] * w2, p);
      if (g === 0) break;
      pathGrowth[--k] = g;
    }
    let reach = 1;
    let total = 0;
    for (let i = k; i < depth; i++) {
      const v = path[i];
      const sep = pathGrowth[i] / (range[v] + pathGrowth[i]);
      total += reach * sep * Math.max(pathMax[i], mass[v]);
      reach *= 1 - sep;
    }
    return total + reach * Math.max(runMax, mass[node]);
  }

  /** After a decoder filled node ids 0..used-1 directly: the rest of the pool is free. */
  resetFreeList(used: number): void {
    const n = 2 * this.capacity;
    this.freeTop = 0;
    for (let id = n - 1; id >= used; id--) this.free[this.freeTop++] = id;
  }
}
