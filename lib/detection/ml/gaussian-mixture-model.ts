/**
 * Gaussian mixture by EM (full or diagonal covariances, scikit-learn's defaults: reg_covar 1e-6,
 * tol 1e-3 on the mean log-likelihood, k-means initialization) for every component count 1..K, keeping
 * the one with the lowest BIC. Components keep a Cholesky factor of their covariance.
 */
import type { Rng } from "@/lib/detection/random";
import { fitKMeans } from "./kmeans-model";
import { cholesky, mahalanobis2 } from "./linalg";

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

function fitGmm(x: Float64Array, rows: number, w: number, k: number, covariance: CovarianceType, maxIter: number, rng: Rng) {
  const resp = new Float64Array(rows * k);
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
    resp[i * k + best] = 1;
  }
  let model = mStep(x, rows, w, k, covariance, resp);
  let prev = -Infinity;
  let meanLogLik = -Infinity;
  let it = 0;
  for (; it < maxIter; it++) {
    meanLogLik = eStep(model, x, rows, resp);
    if (Math.abs(meanLogLik - prev) < TOL) break;
    prev = meanLogLik;
    model = mStep(x, rows, w, k, covariance, resp);
  }
  if (it === maxIter) meanLogLik = eStep(model, x, rows, resp);
  return { model: { ...model, iterations: it }, meanLogLik };
}

function mStep(x: Float64Array, rows: number, w: number, k: number, covariance: CovarianceType, resp: Float64Array): GmmJson {
  const weights: number[] = [];
  const means = new Float64Array(k * w);
  const factors: number[] = [];
  const logDets: number[] = [];
  const cov = new Float64Array(w * w);
  const d = new Float64Array(w);
  for (let c = 0; c < k; c++) {
    let nk = 0;
    for (let i = 0; i < rows; i++) nk += resp[i * k + c];
    nk += 10 * Number.EPSILON;
    weights.push(nk / rows);
    for (let i = 0; i < rows; i++) {
      const r = resp[i * k + c];
      if (r !== 0) for (let j = 0; j < w; j++) means[c * w + j] += r * x[i * w + j];
    }
    for (let j = 0; j < w; j++) means[c * w + j] /= nk;
    cov.fill(0);
    for (let i = 0; i < rows; i++) {
      const r = resp[i * k + c];
      if (r === 0) continue;
      for (let j = 0; j < w; j++) d[j] = x[i * w + j] - means[c * w + j];
      if (covariance === "diag") for (let j = 0; j < w; j++) cov[j * w + j] += r * d[j] * d[j];
      else
        for (let a = 0; a < w; a++) {
          const ra = r * d[a];
          for (let b = 0; b <= a; b++) cov[a * w + b] += ra * d[b];
        }
    }
    for (let a = 0; a < w; a++) {
      for (let b = 0; b <= a; b++) cov[a * w + b] = cov[b * w + a] = cov[a * w + b] / nk;
      cov[a * w + a] += REG;
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

/** A covariance that lost definiteness to rounding gets a ridge of 1e-3 of its mean variance. */
function withRidge(cov: Float64Array, w: number): Float64Array {
  const out = cov.slice();
  let tr = 0;
  for (let j = 0; j < w; j++) tr += cov[j * w + j];
  for (let j = 0; j < w; j++) out[j * w + j] += 1e-3 * Math.max(tr / w, REG);
  return out;
}

/** Writes responsibilities, returns the mean log-likelihood. */
function eStep(m: GmmJson, x: Float64Array, rows: number, resp: Float64Array): number {
  const scorer = new GmmScorer(m);
  let total = 0;
  for (let i = 0; i < rows; i++) {
    total += scorer.logLik(x, i * m.width);
    for (let c = 0; c < m.k; c++) resp[i * m.k + c] = scorer.post[c];
  }
  return total / Math.max(1, rows);
}

/** Log-likelihood of one row under the mixture, with preallocated scratch. */
export class GmmScorer {
  /** Posterior of each component for the last row. */
  readonly post: Float64Array;
  private logW: Float64Array;
  private factors: Float64Array;
  private means: Float64Array;
  private diff: Float64Array;
  private tmp: Float64Array;

  constructor(private m: GmmJson) {
    this.post = new Float64Array(m.k);
    this.logW = Float64Array.from(m.weights, (v) => Math.log(v));
    this.factors = Float64Array.from(m.factors);
    this.means = Float64Array.from(m.means);
    this.diff = new Float64Array(m.width);
    this.tmp = new Float64Array(m.width);
  }

  logLik(x: Float64Array, off: number): number {
    const { k, width: w, covariance, logDets } = this.m;
    const { post, diff, factors, means } = this;
    let max = -Infinity;
    for (let c = 0; c < k; c++) {
      for (let j = 0; j < w; j++) diff[j] = x[off + j] - means[c * w + j];
      let q = 0;
      if (covariance === "diag") for (let j = 0; j < w; j++) q += (diff[j] / factors[c * w + j]) ** 2;
      else q = mahalanobis2(factors, c * w * w, diff, w, this.tmp);
      const v = this.logW[c] - 0.5 * (w * LOG_2PI + logDets[c] + q);
      post[c] = v;
      if (v > max) max = v;
    }
    let sum = 0;
    for (let c = 0; c < k; c++) sum += Math.exp(post[c] - max);
    const lse = max + Math.log(sum);
    for (let c = 0; c < k; c++) post[c] = Math.exp(post[c] - lse);
    return lse;
  }

  /** Standard deviation of feature j in component c. */
  sd(c: number, j: number): number {
    const w = this.m.width;
    if (this.m.covariance === "diag") return this.factors[c * w + j];
    let s = 0;
    for (let t = 0; t <= j; t++) s += this.factors[c * w * w + j * w + t] ** 2;
    return Math.sqrt(s);
  }
}
