/**
 * JSON encoding of a random cut tree: a canonical preorder walk, so the state does not depend on
 * which pool slots the nodes happen to occupy, and a decoder that recomputes masses and boxes.
 */
import { RcfTree } from "./rcf-tree";

export interface RcfTreeJson {
  /** Preorder: internal nodes as [cutDim, cutValue], leaves as [-1, mass]. */
  nodes: number[];
  /** Leaf points in preorder, width values each. */
  points: number[];
}

/** Canonical preorder encoding; `leafOrdinal` receives each live leaf's preorder position. */
export function encodeTree(tree: RcfTree, leafOrdinal: Map<number, number>): RcfTreeJson {
  const nodes: number[] = [];
  const points: number[] = [];
  const { w } = tree;
  const stack = tree.root >= 0 ? [tree.root] : [];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (tree.cutDim[n] < 0) {
      leafOrdinal.set(n, leafOrdinal.size);
      nodes.push(-1, tree.mass[n]);
      for (let j = 0; j < w; j++) points.push(tree.box[n * 2 * w + j]);
    } else {
      nodes.push(tree.cutDim[n], tree.cutVal[n]);
      stack.push(tree.kids[2 * n + 1], tree.kids[2 * n]);
    }
  }
  return { nodes, points };
}

/** Rebuilds from encodeTree output; returns the node id of each leaf by preorder position. */
export function decodeTree(j: RcfTreeJson, capacity: number, w: number): { tree: RcfTree; leaves: number[] } {
  const t = new RcfTree(capacity, w);
  const { cutDim, cutVal, kids, parent, mass, box } = t;
  const leaves: number[] = [];
  const count = j.nodes.length / 2;
  if (count === 0) return { tree: t, leaves };
  // Preorder ids 0..count-1; parents waiting for children sit on a stack.
  const pending: number[] = [];
  for (let id = 0; id < count; id++) {
    const dim = j.nodes[2 * id];
    if (id === 0) {
      t.root = 0;
      parent[0] = -1;
    } else {
      const par = pending[pending.length - 1];
      parent[id] = par;
      if (kids[2 * par] === -1) kids[2 * par] = id;
      else {
        kids[2 * par + 1] = id;
        pending.pop();
      }
    }
    cutDim[id] = dim;
    if (dim < 0) {
      mass[id] = j.nodes[2 * id + 1];
      const src = leaves.length * w;
      const b = id * 2 * w;
      for (let k = 0; k < w; k++) box[b + k] = box[b + w + k] = j.points[src + k];
      leaves.push(id);
    } else {
      cutVal[id] = j.nodes[2 * id + 1];
      kids[2 * id] = -1;
      pending.push(id);
    }
  }
  t.resetFreeList(count);
  // Children have larger preorder ids than their parent: a reverse sweep fills masses and boxes.
  for (let id = count - 1; id >= 0; id--) {
    if (cutDim[id] < 0) continue;
    const l = kids[2 * id];
    const r = kids[2 * id + 1];
    mass[id] = mass[l] + mass[r];
    const [b, lb, rb] = [id * 2 * w, l * 2 * w, r * 2 * w];
    for (let k = 0; k < w; k++) {
      box[b + k] = Math.min(box[lb + k], box[rb + k]);
      box[b + w + k] = Math.max(box[lb + w + k], box[rb + w + k]);
    }
    t.range[id] = t.boxSum(id);
  }
  return { tree: t, leaves };
}
