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
/** exp(−45) · 32 components < 2^-53: below half an ulp of a sum whose largest term is 1. */
const NEGLIGIBLE = 45;

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
  const init = fitKMeans(x, rows, w, k, 100, rng, false);
  const cent = init.centroids;
  // Each row's likeliest component so far, evaluated first in the next E-step.
  const hint = new Int32Array(rows);
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
    hint[i] = best;
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
      total += scorer.logLik(x, i * w, hint[i]);
      hint[i] = scorer.best;
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
 * applied through L⁻¹ (computed once, its lower triangle packed row by row), so the Mahalanobis term
 * is a plain triangular product without the serial dependency of a forward substitution
 * (scikit-learn's precisions_cholesky). A component more than NEGLIGIBLE nats below the best one
 * gets posterior 0: its share is under half an ulp of the sum, so the log-likelihood is the same
 * double and the posterior differs by < 1e-19. Its Mahalanobis sum stops as soon as that is
 * certain, which is why the likeliest component is evaluated first (`first`: the row's component
 * in the previous EM pass, or the previous row's when streaming); the result does not depend on it.
 */
export class GmmScorer {
  /** Posterior of each component for the last row. */
  readonly post: Float64Array;
  /** The most responsible component for the last row. */
  best = 0;
  readonly k: number;
  readonly diag: boolean;
  /** log w_c − ½(d·log 2π + log det Σ_c) per component. */
  readonly bias: Float64Array;
  /** Full: L⁻¹ per component, lower triangle packed by rows; diag: 1/σ. */
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
    this.bias = Float64Array.from(m.weights, (v, c) => Math.log(v) - 0.5 * (w * LOG_2PI + m.logDets[c]));
    const factors = Float64Array.from(m.factors);
    this.shift = new Float64Array(k * w);
    this.sds = new Float64Array(k * w);
    if (this.diag) {
      this.inv = Float64Array.from(factors, (v) => 1 / v);
      for (let i = 0; i < k * w; i++) this.shift[i] = m.means[i] * this.inv[i];
      this.sds.set(factors);
      return;
    }
    const tri = (w * (w + 1)) / 2;
    this.inv = new Float64Array(k * tri);
    const full = new Float64Array(w * w);
    for (let c = 0; c < k; c++) {
      const off = c * w * w;
      lowerInverse(factors, off, w, full);
      let t = c * tri;
      for (let i = 0; i < w; i++) {
        let s = 0;
        for (let j = 0; j <= i; j++) {
          this.inv[t++] = full[i * w + j];
          s += full[i * w + j] * m.means[c * w + j];
        }
        this.shift[c * w + i] = s;
        // Row i of L: Σ_ii = Σ_t L_it².
        let v = 0;
        for (let j = 0; j <= i; j++) v += factors[off + i * w + j] ** 2;
        this.sds[c * w + i] = Math.sqrt(v);
      }
    }
  }

  logLik(x: Float64Array, off: number, first = this.best): number {
    const { k, width: w } = this.m;
    const { post, inv, shift, bias, diag } = this;
    const tri = (w * (w + 1)) / 2;
    let max = -Infinity;
    for (let n = 0; n < k; n++) {
      // first, then the others in order
      const c = n === 0 ? first : n <= first ? n - 1 : n;
      const b = bias[c];
      // q only grows term by term; past this the component is negligible whatever the rest adds.
      const stop = 2 * (b - max + NEGLIGIBLE);
      const so = c * w;
      let q = 0;
      if (diag) {
        for (let j = 0; j < w && q <= stop; j++) {
          const e = x[off + j] * inv[so + j] - shift[so + j];
          q += e * e;
        }
      } else {
        let t = c * tri;
        for (let i = 0; i < w && q <= stop; i++) {
          let s = -shift[so + i];
          for (let j = 0; j <= i; j++) s += inv[t++] * x[off + j];
          q += s * s;
        }
      }
      // A stopped sum marks the component negligible outright (−∞), so the result does not depend on `first`.
      const v = q > stop ? -Infinity : b - 0.5 * q;
      post[c] = v;
      if (v > max) max = v;
    }
    let sum = 0;
    let best = -1;
    for (let c = 0; c < k; c++) {
      const d = post[c] - max;
      if (d === 0 && best < 0) best = c;
      const e = d < -NEGLIGIBLE ? 0 : Math.exp(d);
      post[c] = e;
      sum += e;
    }
    this.best = Math.max(0, best);
    for (let c = 0; c < k; c++) post[c] /= sum;
    return max + Math.log(sum);
  }

  /** Standard deviation of feature j in component c. */
  sd(c: number, j: number): number {
    return this.sds[c * this.m.width + j];
  }
}

/** Inverse of the lower-triangular w×w matrix at l[off..], written to out (w×w, upper part left as is). */
function lowerInverse(l: Float64Array, off: number, w: number, out: Float64Array): void {
  for (let col = 0; col < w; col++) {
    out[col * w + col] = 1 / l[off + col * w + col];
    for (let i = col + 1; i < w; i++) {
      let s = 0;
      for (let j = col; j < i; j++) s += l[off + i * w + j] * out[j * w + col];
      out[i * w + col] = -s / l[off + i * w + i];
    }
  }
}
