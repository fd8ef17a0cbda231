/**
 * Exact k-nearest-neighbour search over a flat row-major matrix. A kd-tree (split on the widest
 * dimension at the median, leaves of `leafSize` rows) built and searched with explicit stacks, so
 * neither deep data nor large k can overflow the call stack; results land in caller-owned arrays.
 */
export class KdTree {
  private idx: Int32Array;
  private lo: Int32Array;
  private hi: Int32Array;
  private dim: Int32Array;
  private split: Float64Array;
  private left: Int32Array;
  private right: Int32Array;
  private heapD: Float64Array;
  private heapI: Int32Array;
  private stackNode = new Int32Array(512);
  private stackBound = new Float64Array(512);

  constructor(
    private x: Float64Array,
    readonly rows: number,
    readonly w: number,
    private leafSize = 16,
  ) {
    this.idx = Int32Array.from({ length: rows }, (_, i) => i);
    const maxNodes = 2 * Math.ceil(rows / Math.max(1, leafSize >> 1)) + 2;
    this.lo = new Int32Array(maxNodes);
    this.hi = new Int32Array(maxNodes);
    this.dim = new Int32Array(maxNodes);
    this.split = new Float64Array(maxNodes);
    this.left = new Int32Array(maxNodes);
    this.right = new Int32Array(maxNodes);
    this.heapD = new Float64Array(0);
    this.heapI = new Int32Array(0);
    this.build();
  }

  private build(): void {
    const { x, w } = this;
    let count = 1;
    const todo: number[] = [0];
    this.lo[0] = 0;
    this.hi[0] = this.rows;
    while (todo.length > 0) {
      const node = todo.pop()!;
      const lo = this.lo[node];
      const hi = this.hi[node];
      this.dim[node] = -1;
      if (hi - lo <= this.leafSize) continue;
      let best = -1;
      let bestSpread = 0;
      for (let f = 0; f < w; f++) {
        let mn = Infinity;
        let mx = -Infinity;
        for (let i = lo; i < hi; i++) {
          const v = x[this.idx[i] * w + f];
          if (v < mn) mn = v;
          if (v > mx) mx = v;
        }
        if (mx - mn > bestSpread) {
          bestSpread = mx - mn;
          best = f;
        }
      }
      if (best < 0) continue; // all rows identical: keep as one leaf
      const mid = (lo + hi) >> 1;
      this.select(lo, hi - 1, mid, best);
      const l = count++;
      const r = count++;
      this.dim[node] = best;
      this.split[node] = x[this.idx[mid] * w + best];
      this.left[node] = l;
      this.right[node] = r;
      this.lo[l] = lo;
      this.hi[l] = mid;
      this.lo[r] = mid;
      this.hi[r] = hi;
      todo.push(l, r);
    }
  }

  /** Hoare quickselect on idx[lo..hi] so idx[k] holds the k-th smallest along dimension f. */
  private select(lo: number, hi: number, k: number, f: number): void {
    const { x, w, idx } = this;
    while (hi > lo) {
      const pivot = x[idx[(lo + hi) >> 1] * w + f];
      let i = lo;
      let j = hi;
      while (i <= j) {
        while (x[idx[i] * w + f] < pivot) i++;
        while (x[idx[j] * w + f] > pivot) j--;
        if (i <= j) {
          const t = idx[i];
          idx[i++] = idx[j];
          idx[j--] = t;
        }
      }
      if (k <= j) hi = j;
      else if (k >= i) lo = i;
      else return;
    }
  }

  /**
   * The k nearest rows to q[qOff..qOff+w), skipping row `exclude` (-1 for none). Writes indices and
   * Euclidean distances in ascending order into outI/outD; returns how many were found.
   */
  knn(q: Float64Array, qOff: number, k: number, exclude: number, outI: Int32Array, outD: Float64Array): number {
    if (this.heapD.length < k) {
      this.heapD = new Float64Array(k);
      this.heapI = new Int32Array(k);
    }
    const { x, w, idx, heapD, heapI, stackNode, stackBound } = this;
    let size = 0;
    let sp = 0;
    stackNode[sp] = 0;
    stackBound[sp++] = 0;
    while (sp > 0) {
      const node = stackNode[--sp];
      const bound = stackBound[sp];
      if (size === k && bound >= heapD[0]) continue;
      const f = this.dim[node];
      if (f < 0) {
        for (let p = this.lo[node]; p < this.hi[node]; p++) {
          const row = idx[p];
          if (row === exclude) continue;
          const worst = size === k ? heapD[0] : Infinity;
          let d = 0;
          const base = row * w;
          for (let j = 0; j < w && d < worst; j++) {
            const diff = q[qOff + j] - x[base + j];
            d += diff * diff;
          }
          if (d >= worst) continue;
          if (size < k) size = heapPush(heapD, heapI, size, d, row);
          else heapReplaceTop(heapD, heapI, size, d, row);
        }
        continue;
      }
      const diff = q[qOff + f] - this.split[node];
      const near = diff < 0 ? this.left[node] : this.right[node];
      const far = diff < 0 ? this.right[node] : this.left[node];
      stackNode[sp] = far;
      stackBound[sp++] = Math.max(bound, diff * diff);
      stackNode[sp] = near;
      stackBound[sp++] = bound;
    }
    // Pop the max-heap from the back so the output is ascending.
    for (let n = size; n > 0; n--) {
      outI[n - 1] = heapI[0];
      outD[n - 1] = Math.sqrt(heapD[0]);
      heapD[0] = heapD[n - 1];
      heapI[0] = heapI[n - 1];
      siftDown(heapD, heapI, n - 1, 0);
    }
    return size;
  }
}

function heapPush(d: Float64Array, ix: Int32Array, size: number, v: number, id: number): number {
  let i = size;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (d[parent] >= v) break;
    d[i] = d[parent];
    ix[i] = ix[parent];
    i = parent;
  }
  d[i] = v;
  ix[i] = id;
  return size + 1;
}

function heapReplaceTop(d: Float64Array, ix: Int32Array, size: number, v: number, id: number): void {
  d[0] = v;
  ix[0] = id;
  siftDown(d, ix, size, 0);
}

function siftDown(d: Float64Array, ix: Int32Array, size: number, start: number): void {
  let i = start;
  const v = d[i];
  const id = ix[i];
  for (;;) {
    let c = 2 * i + 1;
    if (c >= size) break;
    if (c + 1 < size && d[c + 1] > d[c]) c++;
    if (d[c] <= v) break;
    d[i] = d[c];
    ix[i] = ix[c];
    i = c;
  }
  d[i] = v;
  ix[i] = id;
}
