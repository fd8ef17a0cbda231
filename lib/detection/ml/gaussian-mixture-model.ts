/**
 * Gaussian mixture by EM (full or diagonal covariances, scikit-learn's defaults: reg_covar 1e-6,
 * tol 1e-3 on the mean log-likelihood, k-means initialization) for every component count 1..K, keeping
 * the one with the lowest BIC. Components keep a Cholesky factor of their covariance.
 */
import type { Rng } from "@/lib/detection/random";
import { fitKMeans } from "./kmeans-model";
import { cholesky } from "./linalg";

export type CovarianceType = "full" | "diag";

export interface GmmJson {
  k: number;
  width: number;
  covariance: CovarianceType;
  weights: number[];
  /** k rows of width values. */
  means: number[];
  /** Per component: full, the lower Cholesky factor (width×width); diag, the standard deviations (width). */
  factors: number[];
  logDets: number[];
  /** BIC of every component count tried, 1..K. */
  bic: number[];
  iterations: number;
}

const REG = 1e-6;
const TOL = 1e-3;
const LOG_2PI = Math.log(2 * Math.PI);
/** exp(−x) is exactly 0 in double precision beyond x ≈ 745.2. */
const UNDERFLOW = 750;

export function fitGmmByBic(
  x: Float64Array,
  rows: number,
  w: number,
  maxK: number,
  covariance: CovarianceType,
  maxIter: number,
  rng: Rng,
): GmmJson {
  let best: GmmJson | null = null;
  const bic: number[] = [];
  for (let k = 1; k <= Math.max(1, Math.min(maxK, rows)); k++) {
    const { model, meanLogLik } = fitGmm(x, rows, w, k, covariance, maxIter, rng);
    const perComponent = covariance === "full" ? w + (w * (w + 1)) / 2 : 2 * w;
    const params = k - 1 + k * perComponent;
    const b = -2 * rows * meanLogLik + params * Math.log(rows);
    bic.push(b);
    if (!best || b < Math.min(...bic.slice(0, -1))) best = model;
  }
  return { ...best!, bic };
}

/**
 * EM with the E-step and the M-step's sums in one pass per iteration: each row's responsibilities
 * under the current parameters are folded straight into Σr, Σr·x and Σr·xxᵀ (lower triangle), and
 * the next parameters come from those (Σ = Σr·xxᵀ/N − μμᵀ; the data are standardized, so the
 * cancellation costs a couple of digits at most).
 */
function fitGmm(x: Float64Array, rows: number, w: number, k: number, covariance: CovarianceType, maxIter: number, rng: Rng) {
  const stats = new GmmStats(k, w, covariance);
  const init = fitKMeans(x, rows, w, k, 100, rng);
  const cent = init.centroids;
  for (let i = 0; i < rows; i++) {
    let best = 0;
    let bestD = Infinity;
    for (let c = 0; c < k; c++) {
      let d = 0;
      for (let j = 0; j < w; j++) d += (x[i * w + j] - cent[c * w + j]) ** 2;
      if (d < bestD) {
        bestD = d;
        best = c;
      }
    }
    stats.add(x, i * w, best, 1);
  }
  let model = stats.toModel(rows);
  let prev = -Infinity;
  let meanLogLik = -Infinity;
  let it = 0;
  for (; it < maxIter; it++) {
    stats.reset();
    const scorer = new GmmScorer(model);
    let total = 0;
    for (let i = 0; i < rows; i++) {
      total += scorer.logLik(x, i * w);
      for (let c = 0; c < k; c++) if (scorer.post[c] > 0) stats.add(x, i * w, c, scorer.post[c]);
    }
    meanLogLik = total / Math.max(1, rows);
    if (Math.abs(meanLogLik - prev) < TOL) break;
    prev = meanLogLik;
    model = stats.toModel(rows);
  }
  return { model: { ...model, iterations: it }, meanLogLik };
}

/** Responsibility-weighted sums per component: Σr, Σr·x, Σr·xxᵀ (lower triangle; diagonal only for diag). */
class GmmStats {
  private n: Float64Array;
  private sx: Float64Array;
  private sxx: Float64Array;

  constructor(
    private k: number,
    private w: number,
    private covariance: CovarianceType,
  ) {
    this.n = new Float64Array(k);
    this.sx = new Float64Array(k * w);
    this.sxx = new Float64Array(k * w * w);
  }

  reset(): void {
    this.n.fill(0);
    this.sx.fill(0);
    this.sxx.fill(0);
  }

  add(x: Float64Array, off: number, c: number, r: number): void {
    const { w, sx, sxx } = this;
    this.n[c] += r;
    const bx = c * w;
    const bxx = c * w * w;
    if (this.covariance === "diag") {
      for (let a = 0; a < w; a++) {
        const ra = r * x[off + a];
        sx[bx + a] += ra;
        sxx[bxx + a * w + a] += ra * x[off + a];
      }
      return;
    }
    for (let a = 0; a < w; a++) {
      const ra = r * x[off + a];
      sx[bx + a] += ra;
      const row = bxx + a * w;
      for (let b = 0; b <= a; b++) sxx[row + b] += ra * x[off + b];
    }
  }

  toModel(rows: number): GmmJson {
    const { k, w, covariance } = this;
    const weights: number[] = [];
    const means = new Float64Array(k * w);
    const factors: number[] = [];
    const logDets: number[] = [];
    const cov = new Float64Array(w * w);
    for (let c = 0; c < k; c++) {
      const nk = this.n[c] + 10 * Number.EPSILON;
      weights.push(nk / rows);
      for (let j = 0; j < w; j++) means[c * w + j] = this.sx[c * w + j] / nk;
      cov.fill(0);
      for (let a = 0; a < w; a++) {
        const ma = means[c * w + a];
        for (let b = covariance === "diag" ? a : 0; b <= a; b++) {
          const v = this.sxx[c * w * w + a * w + b] / nk - ma * means[c * w + b];
          cov[a * w + b] = cov[b * w + a] = v;
        }
        // Cancellation can leave a tiny negative variance for a (nearly) constant feature.
        cov[a * w + a] = Math.max(0, cov[a * w + a]) + REG;
      }
      if (covariance === "diag") {
        let logDet = 0;
        for (let j = 0; j < w; j++) {
          factors.push(Math.sqrt(cov[j * w + j]));
          logDet += Math.log(cov[j * w + j]);
        }
        logDets.push(logDet);
      } else {
        const ch = cholesky(cov, w) ?? cholesky(withRidge(cov, w), w)!;
        for (const v of ch.l) factors.push(v);
        logDets.push(ch.logDet);
      }
    }
    return { k, width: w, covariance, weights, means: Array.from(means), factors, logDets, bic: [], iterations: 0 };
  }
}

/** A covariance that lost definiteness to rounding gets a ridge of 1e-3 of its mean variance. */
function withRidge(cov: Float64Array, w: number): Float64Array {
  const out = cov.slice();
  let tr = 0;
  for (let j = 0; j < w; j++) tr += cov[j * w + j];
  for (let j = 0; j < w; j++) out[j * w + j] += 1e-3 * Math.max(tr / w, REG);
  return out;
}

/**
 * Log-likelihood of one row under the mixture, with preallocated scratch. Full covariances are
 * applied through L⁻¹ (computed once), so the Mahalanobis term is a plain triangular product
 * without the serial dependency of a forward substitution (scikit-learn's precisions_cholesky).
 */
export class GmmScorer {
  /** Posterior of each component for the last row. */
  readonly post: Float64Array;
  readonly k: number;
  readonly diag: boolean;
  readonly logW: Float64Array;
  readonly logDets: Float64Array;
  /** Full: L⁻¹ per component; diag: 1/σ. */
  readonly inv: Float64Array;
  /** L⁻¹μ (full) or μ/σ (diag) per component. */
  readonly shift: Float64Array;
  /** Standard deviation of every feature in every component (k rows of width). */
  private sds: Float64Array;

  constructor(private m: GmmJson) {
    const { k, width: w } = m;
    this.k = k;
    this.diag = m.covariance === "diag";
    this.post = new Float64Array(k);
    this.logW = Float64Array.from(m.weights, (v) => Math.log(v));
    this.logDets = Float64Array.from(m.logDets);
    const factors = Float64Array.from(m.factors);
    this.shift = new Float64Array(k * w);
    this.sds = new Float64Array(k * w);
    if (this.diag) {
      this.inv = Float64Array.from(factors, (v) => 1 / v);
      for (let i = 0; i < k * w; i++) this.shift[i] = m.means[i] * this.inv[i];
      this.sds.set(factors);
      return;
    }
    this.inv = new Float64Array(k * w * w);
    for (let c = 0; c < k; c++) {
      const off = c * w * w;
      lowerInverse(factors, off, w, this.inv);
      for (let i = 0; i < w; i++) {
        let s = 0;
        for (let j = 0; j <= i; j++) s += this.inv[off + i * w + j] * m.means[c * w + j];
        this.shift[c * w + i] = s;
        // Row i of L: Σ_ii = Σ_t L_it².
        let v = 0;
        for (let t = 0; t <= i; t++) v += factors[off + i * w + t] ** 2;
        this.sds[c * w + i] = Math.sqrt(v);
      }
    }
  }

  logLik(x: Float64Array, off: number): number {
    const { k, width: w } = this.m;
    const { post, inv, shift, logW, logDets, diag } = this;
    let max = -Infinity;
    for (let c = 0; c < k; c++) {
      const bias = logW[c] - 0.5 * (w * LOG_2PI + logDets[c]);
      // q only grows term by term; past this its exp(v − max) is exactly 0 whatever the rest adds.
      const cut = 2 * (bias - max + UNDERFLOW);
      let q = 0;
      if (diag) {
        for (let j = 0; j < w; j++) {
          const e = x[off + j] * inv[c * w + j] - shift[c * w + j];
          q += e * e;
        }
      } else {
        const base = c * w * w;
        for (let i = 0; i < w && q <= cut; i++) {
          let s = -shift[c * w + i];
          const row = base + i * w;
          for (let j = 0; j <= i; j++) s += inv[row + j] * x[off + j];
          q += s * s;
        }
      }
      const v = bias - 0.5 * q;
      post[c] = v;
      if (v > max) max = v;
    }
    let sum = 0;
    for (let c = 0; c < k; c++) {
      const e = Math.exp(post[c] - max);
      post[c] = e;
      sum += e;
    }
    for (let c = 0; c < k; c++) post[c] /= sum;
    return max + Math.log(sum);
  }

  /** Standard deviation of feature j in component c. */
  sd(c: number, j: number): number {
    return this.sds[c * this.m.width + j];
  }
}

/** Inverse of the lower-triangular w×w matrix at l[off..], written at out[off..]. */
function lowerInverse(l: Float64Array, off: number, w: number, out: Float64Array): void {
  for (let col = 0; col < w; col++) {
    out[off + col * w + col] = 1 / l[off + col * w + col];
    for (let i = col + 1; i < w; i++) {
      let s = 0;
      for (let j = col; j < i; j++) s += l[off + i * w + j] * out[off + j * w + col];
      out[off + i * w + col] = -s / l[off + i * w + i];
    }
  }
}
