/**
 * JSON encoding of a random cut tree: a canonical preorder walk, so the state does not depend on
 * which pool slots the nodes happen to occupy, and a decoder that recomputes masses and boxes.
 */
import { BOX, CUT_DIM, CUT_VAL, LEFT, MASS, PARENT, RANGE, RIGHT, RcfTree } from "./rcf-tree";

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
  const stack = tree.root >= 0 ? [tree.root] : [];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (tree.nd[n * tree.stride + CUT_DIM] < 0) {
      leafOrdinal.set(n, leafOrdinal.size);
      nodes.push(-1, tree.nd[n * tree.stride + MASS]);
      for (let j = 0; j < tree.w; j++) points.push(tree.nd[n * tree.stride + BOX + j]);
    } else {
      nodes.push(tree.nd[n * tree.stride + CUT_DIM], tree.nd[n * tree.stride + CUT_VAL]);
      stack.push(tree.nd[n * tree.stride + RIGHT], tree.nd[n * tree.stride + LEFT]);
    }
  }
  return { nodes, points };
}

/** Rebuilds from encodeTree output; returns the node id of each leaf by preorder position. */
export function decodeTree(j: RcfTreeJson, capacity: number, w: number): { tree: RcfTree; leaves: number[] } {
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
      t.nd[PARENT] = -1;
    } else {
      const par = pending[pending.length - 1];
      t.nd[id * t.stride + PARENT] = par;
      if (t.nd[par * t.stride + LEFT] === -1) t.nd[par * t.stride + LEFT] = id;
      else {
        t.nd[par * t.stride + RIGHT] = id;
        pending.pop();
      }
    }
    t.nd[id * t.stride + CUT_DIM] = dim;
    if (dim < 0) {
      t.nd[id * t.stride + MASS] = j.nodes[2 * id + 1];
      const src = leaves.length * w;
      const b = id * t.stride + BOX;
      for (let k = 0; k < w; k++) t.nd[b + k] = t.nd[b + w + k] = j.points[src + k];
      leaves.push(id);
    } else {
      t.nd[id * t.stride + CUT_VAL] = j.nodes[2 * id + 1];
      t.nd[id * t.stride + LEFT] = -1;
      pending.push(id);
    }
  }
  t.resetFreeList(count);
  // Children have larger preorder ids than their parent: a reverse sweep fills masses and boxes.
  for (let id = count - 1; id >= 0; id--) {
    if (t.nd[id * t.stride + CUT_DIM] < 0) continue;
    const l = t.nd[id * t.stride + LEFT];
    const r = t.nd[id * t.stride + RIGHT];
    t.nd[id * t.stride + MASS] = t.nd[l * t.stride + MASS] + t.nd[r * t.stride + MASS];
    const [b, lb, rb] = [id * t.stride + BOX, l * t.stride + BOX, r * t.stride + BOX];
    for (let k = 0; k < w; k++) {
      t.nd[b + k] = Math.min(t.nd[lb + k], t.nd[rb + k]);
      t.nd[b + w + k] = Math.max(t.nd[lb + w + k], t.nd[rb + w + k]);
    }
    t.nd[id * t.stride + RANGE] = t.boxSum(id * t.stride + BOX);
  }
  return { tree: t, leaves };
}
