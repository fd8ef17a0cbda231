/**
 * Local Outlier Factor (Breunig et al. 2000) in novelty mode, as scikit-learn's novelty=True: the
 * reference set's k-distances and local reachability densities are computed once at fit time, and a
 * query is compared with its k nearest reference points. Exactly k neighbours are used (ties broken by
 * the search, as in scikit-learn), and lrd = 1 / (mean reach-dist + 1e-10) like scikit-learn.
 * `reachFloor` (0 = scikit-learn's exact LOF) is a least reach distance: on plateaus and integer
 * counts many shingles coincide, their k-distance is 0 and their density 1e10, so any point a step
 * away would have a LOF of millions; with the floor, duplicates are as dense as points that close.
 */
import { KdTree } from "./kd-tree";

const LRD_EPS = 1e-10;

export interface LofJson {
  k: number;
  width: number;
  /** Reference rows, standardized, row-major. */
  points: number[];
  kDistance: number[];
  lrd: number[];
  /** Training (leave-one-out) LOF p99: the edge of normal for the score mapping. */
  p99: number;
  /** Least reach distance (standardized units); absent in states from before it existed (= 0). */
  reachFloor?: number;
}

export class LofModel {
  private tree: KdTree;
  private x: Float64Array;
  private kDist: Float64Array;
  private lrd: Float64Array;
  private nbrI: Int32Array;
  private nbrD: Float64Array;
  readonly rows: number;

  constructor(
    readonly k: number,
    readonly width: number,
    points: Float64Array,
    kDist?: ArrayLike<number>,
    lrd?: ArrayLike<number>,
    readonly reachFloor = 0,
  ) {
    this.x = points;
    this.rows = Math.floor(points.length / Math.max(1, width));
    this.tree = new KdTree(this.x, this.rows, width);
    this.nbrI = new Int32Array(k);
    this.nbrD = new Float64Array(k);
    this.kDist = kDist ? Float64Array.from(kDist) : new Float64Array(this.rows);
    this.lrd = lrd ? Float64Array.from(lrd) : new Float64Array(this.rows);
    if (!kDist || !lrd) this.fitReference();
  }

  private fitReference(): void {
    const { k, rows, width } = this;
    const allI = new Int32Array(rows * k);
    const allD = new Float64Array(rows * k);
    for (let i = 0; i < rows; i++) {
      this.tree.knn(this.x, i * width, k, i, this.nbrI, this.nbrD);
      allI.set(this.nbrI, i * k);
      allD.set(this.nbrD, i * k);
      this.kDist[i] = this.nbrD[k - 1];
    }
    for (let i = 0; i < rows; i++) {
      let sum = 0;
      for (let j = 0; j < k; j++) sum += Math.max(this.kDist[allI[i * k + j]], allD[i * k + j], this.reachFloor);
      this.lrd[i] = 1 / (sum / k + LRD_EPS);
    }
    this.trainLof = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      let sum = 0;
      for (let j = 0; j < k; j++) sum += this.lrd[allI[i * k + j]];
      this.trainLof[i] = sum / k / this.lrd[i];
    }
  }

  /** Leave-one-out LOF of each reference row; only available right after fitting. */
  trainLof: Float64Array | null = null;

  /** LOF of the query at q[off..off+width); writes the neighbours into nbrI/nbrD as a side effect. */
  score(q: Float64Array, off = 0): number {
    const { k } = this;
    this.tree.knn(q, off, k, -1, this.nbrI, this.nbrD);
    let reach = 0;
    let lrdSum = 0;
    for (let j = 0; j < k; j++) {
      const o = this.nbrI[j];
      reach += Math.max(this.kDist[o], this.nbrD[j], this.reachFloor);
      lrdSum += this.lrd[o];
    }
    const lrdQ = 1 / (reach / k + LRD_EPS);
    return lrdSum / k / lrdQ;
  }

  /**
   * After `score(q)`: per feature, the mean over the k neighbours of (q_f - n_f)² (the feature's part of
   * the mean squared distance to the neighbours) into `contrib`, and q_f minus the neighbours' mean into `dev`.
   */
  neighbourDeviation(q: Float64Array, off: number, contrib: Float64Array, dev: Float64Array): void {
    const { k, width, x } = this;
    contrib.fill(0);
    dev.fill(0);
    for (let j = 0; j < k; j++) {
      const base = this.nbrI[j] * width;
      for (let f = 0; f < width; f++) {
        const d = q[off + f] - x[base + f];
        contrib[f] += d * d;
        dev[f] += d;
      }
    }
    for (let f = 0; f < width; f++) {
      contrib[f] /= k;
      dev[f] /= k;
    }
  }

  toJSON(p99: number): LofJson {
    const j: LofJson = {
      k: this.k,
      width: this.width,
      points: Array.from(this.x),
      kDistance: Array.from(this.kDist),
      lrd: Array.from(this.lrd),
      p99,
    };
    if (this.reachFloor > 0) j.reachFloor = this.reachFloor;
    return j;
  }

  static fromJSON(j: LofJson): LofModel {
    return new LofModel(j.k, j.width, Float64Array.from(j.points), j.kDistance, j.lrd, j.reachFloor ?? 0);
  }
}
