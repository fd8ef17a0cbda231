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
  /** Per node, the bounding box of its rows (lower corner then upper corner), for tight pruning. */
  private box: Float64Array;
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
    this.box = new Float64Array(maxNodes * 2 * w);
    this.heapD = new Float64Array(0);
    this.heapI = new Int32Array(0);
    this.build();
    this.chooseStrategy();
  }

  /** Distance evaluations so far (deterministic, used to pick the strategy). */
  private evals = 0;
  /** True when the tree prunes too little to beat a linear scan (high intrinsic dimension). */
  bruteForce = false;

  /**
   * In high intrinsic dimension a kd-tree visits most leaves and loses to a plain scan. Probe a
   * fixed sample of rows and count distance evaluations (not time, so the choice is deterministic).
   */
  private chooseStrategy(): void {
    const probes = Math.min(64, this.rows);
    if (probes === 0) return;
    const k = Math.min(20, Math.max(1, this.rows - 1));
    const outI = new Int32Array(k);
    const outD = new Float64Array(k);
    this.evals = 0;
    for (let p = 0; p < probes; p++) {
      const row = Math.floor((p * this.rows) / probes);
      this.knn(this.x, row * this.w, k, row, outI, outD);
    }
    // A tree visit costs a few scan steps (box bounds, stack), so it only pays when it prunes ~85%.
    this.bruteForce = this.evals / probes > 0.15 * this.rows;
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
      let best = -1;
      let bestSpread = 0;
      const b = node * 2 * w;
      for (let f = 0; f < w; f++) {
        let mn = Infinity;
        let mx = -Infinity;
        for (let i = lo; i < hi; i++) {
          const v = x[this.idx[i] * w + f];
          if (v < mn) mn = v;
          if (v > mx) mx = v;
        }
        this.box[b + f] = mn;
        this.box[b + w + f] = mx;
        if (mx - mn > bestSpread) {
          bestSpread = mx - mn;
          best = f;
        }
      }
      if (hi - lo <= this.leafSize || best < 0) continue; // small, or all rows identical: a leaf
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

  /** Squared distance from q to the node's bounding box (0 inside): a lower bound for its rows. */
  private boxDist2(node: number, q: Float64Array, qOff: number): number {
    const { box, w } = this;
    const b = node * 2 * w;
    let d = 0;
    for (let j = 0; j < w; j++) {
      const v = q[qOff + j];
      const below = box[b + j] - v;
      const above = v - box[b + w + j];
      const e = below > 0 ? below : above > 0 ? above : 0;
      d += e * e;
    }
    return d;
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
    if (this.rows === 0) return 0;
    const size = this.bruteForce ? this.scan(q, qOff, k, exclude) : this.search(q, qOff, k, exclude);
    const { heapD, heapI } = this;
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

  /** Every row within distance `r` of q[qOff..qOff+w) (inclusive), appended to `out` in tree order. */
  withinRadius(q: Float64Array, qOff: number, r: number, out: number[]): void {
    const { x, w, idx, stackNode } = this;
    if (this.rows === 0) return;
    const r2 = r * r;
    let sp = 0;
    stackNode[sp++] = 0;
    while (sp > 0) {
      const node = stackNode[--sp];
      if (this.boxDist2(node, q, qOff) > r2) continue;
      if (this.dim[node] >= 0) {
        stackNode[sp++] = this.left[node];
        stackNode[sp++] = this.right[node];
        continue;
      }
      for (let p = this.lo[node]; p < this.hi[node]; p++) {
        const base = idx[p] * w;
        let d = 0;
        for (let j = 0; j < w && d <= r2; j++) d += (q[qOff + j] - x[base + j]) ** 2;
        if (d <= r2) out.push(idx[p]);
      }
    }
  }

  /** Linear scan with early exit on partial distances; fills the heap, returns its size. */
  private scan(q: Float64Array, qOff: number, k: number, exclude: number): number {
    const { x, w, heapD, heapI } = this;
    let size = 0;
    let worst = Infinity;
    for (let row = 0; row < this.rows; row++) {
      if (row === exclude) continue;
      let d = 0;
      const base = row * w;
      // Four dimensions per early-exit check: a test per dimension costs more than it saves.
      let j = 0;
      for (; j + 4 <= w && d < worst; j += 4) {
        const e0 = q[qOff + j] - x[base + j];
        const e1 = q[qOff + j + 1] - x[base + j + 1];
        const e2 = q[qOff + j + 2] - x[base + j + 2];
        const e3 = q[qOff + j + 3] - x[base + j + 3];
        d += e0 * e0;
        d += e1 * e1;
        d += e2 * e2;
        d += e3 * e3;
      }
      for (; j < w && d < worst; j++) {
        const diff = q[qOff + j] - x[base + j];
        d += diff * diff;
      }
      if (d >= worst) continue;
      if (size < k) size = heapPush(heapD, heapI, size, d, row);
      else heapReplaceTop(heapD, heapI, size, d, row);
      if (size === k) worst = heapD[0];
    }
    this.evals += this.rows;
    return size;
  }

  /** Best-first kd-tree search; fills the heap, returns its size. */
  private search(q: Float64Array, qOff: number, k: number, exclude: number): number {
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
          this.evals++;
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
      const worst = size === k ? heapD[0] : Infinity;
      const farBound = this.boxDist2(far, q, qOff);
      if (farBound < worst) {
        stackNode[sp] = far;
        stackBound[sp++] = farBound;
      }
      const nearBound = this.boxDist2(near, q, qOff);
      if (nearBound < worst) {
        stackNode[sp] = near;
        stackBound[sp++] = nearBound;
      }
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
