/**
 * One-class SVM with an RBF kernel k(x, y) = exp(−γ‖x − y‖²) in Nyström form (Williams & Seeger 2001):
 * m landmark rows drawn from the training window, features z(x) = Λ^(−1/2)·Vᵀ·k_m(x) from the
 * eigendecomposition K_mm = VΛVᵀ, so z(x)·z(y) is the kernel projected on the landmarks' span. The
 * Schölkopf dual, min ½‖Σ αᵢ z(xᵢ)‖² over 0 ≤ αᵢ ≤ 1/(νn), Σ αᵢ = 1, is then a small QP solved to
 * tolerance by accelerated projected gradient (FISTA) with w = Σ αᵢ z(xᵢ) kept in m dimensions. The
 * decision function folds back into a kernel expansion on the landmarks, f(x) = Σⱼ βⱼ k(x, lⱼ) − ρ
 * with β = VΛ^(−1/2)·w, which is all the state keeps.
 */
import type { Rng } from "@/lib/detection/random";
import { subsampleRows } from "./common/subsample";
import { symmetricEigen } from "./linalg";

export interface OcsvmJson {
  width: number;
  gamma: number;
  /** Landmark rows, row-major (m × width). */
  landmarks: number[];
  /** Kernel expansion weights on the landmarks. */
  beta: number[];
  rho: number;
  /** Training rows with α > 0 on the margin (0 < α < C), at most `maxSupport` of them: the attribution's reference. */
  support: number[];
  iterations: number;
}

/** Σⱼ βⱼ exp(−γ‖x − lⱼ‖²) for the row of `x` at `off`. */
export function kernelExpansion(landmarks: Float64Array, beta: Float64Array, gamma: number, w: number, x: Float64Array, off: number): number {
  let total = 0;
  const m = beta.length;
  for (let j = 0; j < m; j++) {
    let d = 0;
    const base = j * w;
    for (let f = 0; f < w; f++) {
      const e = x[off + f] - landmarks[base + f];
      d += e * e;
    }
    total += beta[j] * Math.exp(-gamma * d);
  }
  return total;
}

/** scikit-learn's gamma='scale': 1 / (features × variance of all values). */
export function scaleGamma(x: Float64Array, rows: number, w: number): number {
  const n = rows * w;
  let m = 0;
  for (let i = 0; i < n; i++) m += x[i];
  m /= Math.max(1, n);
  let v = 0;
  for (let i = 0; i < n; i++) v += (x[i] - m) ** 2;
  v /= Math.max(1, n);
  return v > 0 ? 1 / (w * v) : 1;
}

export interface OcsvmFitOptions {
  nu: number;
  gamma: number;
  landmarks: number;
  maxIterations: number;
  maxSupport: number;
}

export function fitOcsvm(x: Float64Array, rows: number, w: number, o: OcsvmFitOptions, rng: Rng): OcsvmJson {
  const { x: land, rows: m } = subsampleRows(x, rows, w, o.landmarks, rng);
  const kmm = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    kmm[i * m + i] = 1;
    for (let j = 0; j < i; j++) kmm[i * m + j] = kmm[j * m + i] = rbf(land, i * w, land, j * w, w, o.gamma);
  }
  const { values, vectors } = symmetricEigen(kmm, m);
  let D = 0;
  while (D < m && values[D] > 1e-8 * values[0]) D++;
  // t (m × D): column c is v_c / √λ_c; z(x) = tᵀ·k_m(x).
  const t = new Float64Array(m * D);
  for (let c = 0; c < D; c++) {
    const s = 1 / Math.sqrt(values[c]);
    for (let j = 0; j < m; j++) t[j * D + c] = vectors[c * m + j] * s;
  }
  const z = new Float64Array(rows * D);
  const k = new Float64Array(m);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < m; j++) k[j] = rbf(x, i * w, land, j * w, w, o.gamma);
    const base = i * D;
    for (let j = 0; j < m; j++) {
      const kj = k[j];
      const row = j * D;
      for (let c = 0; c < D; c++) z[base + c] += kj * t[row + c];
    }
  }
  const C = 1 / (o.nu * rows);
  const { alpha, wAlpha, iterations } = solveDual(z, rows, D, C, o.maxIterations, rng);
  const g = new Float64Array(rows);
  times(z, rows, D, wAlpha, g);
  const beta = new Array<number>(m).fill(0);
  for (let j = 0; j < m; j++) for (let c = 0; c < D; c++) beta[j] += t[j * D + c] * wAlpha[c];
  return {
    width: w,
    gamma: o.gamma,
    landmarks: Array.from(land),
    beta,
    rho: offsetOf(alpha, g, C),
    support: pickSupport(x, w, alpha, C, o.maxSupport),
    iterations,
  };
}

function rbf(a: Float64Array, aOff: number, b: Float64Array, bOff: number, w: number, gamma: number): number {
  let d = 0;
  for (let f = 0; f < w; f++) {
    const e = a[aOff + f] - b[bOff + f];
    d += e * e;
  }
  return Math.exp(-gamma * d);
}

/** FISTA on the dual; stops when the objective changes by less than 1e-6 of itself. */
function solveDual(z: Float64Array, rows: number, D: number, C: number, maxIter: number, rng: Rng) {
  const lipschitz = 1.05 * largestEigen(z, rows, D, rng) + 1e-12;
  let alpha: Float64Array = new Float64Array(rows).fill(1 / rows);
  let prevAlpha: Float64Array = alpha.slice();
  const wAlpha = new Float64Array(D);
  const wPrev = new Float64Array(D);
  const wY = new Float64Array(D);
  transposeTimes(z, rows, D, alpha, wAlpha);
  wPrev.set(wAlpha);
  const g = new Float64Array(rows);
  const v = new Float64Array(rows);
  let t = 1;
  let objective = 0.5 * dot(wAlpha, wAlpha);
  let it = 0;
  while (it < maxIter) {
    it++;
    const tNext = (1 + Math.sqrt(1 + 4 * t * t)) / 2;
    const beta = (t - 1) / tNext;
    // y = α + β(α − α_prev); w(y) is the same combination of w(α) and w(α_prev): no extra pass.
    for (let k = 0; k < D; k++) wY[k] = wAlpha[k] + beta * (wAlpha[k] - wPrev[k]);
    times(z, rows, D, wY, g);
    for (let i = 0; i < rows; i++) v[i] = alpha[i] + beta * (alpha[i] - prevAlpha[i]) - g[i] / lipschitz;
    prevAlpha = alpha;
    alpha = projectCappedSimplex(v, C);
    wPrev.set(wAlpha);
    transposeTimes(z, rows, D, alpha, wAlpha);
    t = tNext;
    const next = 0.5 * dot(wAlpha, wAlpha);
    const done = Math.abs(objective - next) <= 1e-6 * Math.max(next, 1e-12);
    objective = next;
    if (done) break;
  }
  return { alpha, wAlpha, iterations: it };
}

/** ρ: margin support vectors lie on it (w·z = ρ); without any, the midpoint of the bounds. */
function offsetOf(alpha: Float64Array, g: Float64Array, C: number): number {
  const eps = 1e-9 * C;
  let free = 0;
  let freeSum = 0;
  let lo = -Infinity;
  let hi = Infinity;
  for (let i = 0; i < alpha.length; i++) {
    if (alpha[i] > eps && alpha[i] < C - eps) {
      free++;
      freeSum += g[i];
    } else if (alpha[i] <= eps) hi = Math.min(hi, g[i]);
    else lo = Math.max(lo, g[i]);
  }
  if (free > 0) return freeSum / free;
  if (Number.isFinite(lo) && Number.isFinite(hi)) return (lo + hi) / 2;
  return Number.isFinite(lo) ? lo : hi;
}

/** Margin support vectors first (they trace the boundary), then bounded ones, evenly thinned to `max`. */
function pickSupport(x: Float64Array, w: number, alpha: Float64Array, C: number, max: number): number[] {
  const eps = 1e-9 * C;
  const margin: number[] = [];
  const bounded: number[] = [];
  alpha.forEach((a, i) => (a > eps && a < C - eps ? margin : a > eps ? bounded : []).push(i));
  const pool = margin.length >= Math.min(max, 8) ? margin : margin.concat(bounded);
  const step = Math.max(1, pool.length / max);
  const out: number[] = [];
  for (let p = 0; p < pool.length && out.length < max * w; p += step) {
    const i = pool[Math.floor(p)];
    for (let j = 0; j < w; j++) out.push(x[i * w + j]);
  }
  return out;
}

/** Euclidean projection onto {0 ≤ α ≤ C, Σα = 1}: α = clip(v − τ, 0, C), τ by bisection. */
function projectCappedSimplex(v: Float64Array, C: number): Float64Array {
  const n = v.length;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    if (v[i] < lo) lo = v[i];
    if (v[i] > hi) hi = v[i];
  }
  lo -= C;
  const sumAt = (tau: number) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += Math.min(C, Math.max(0, v[i] - tau));
    return s;
  };
  for (let k = 0; k < 100 && hi - lo > 1e-15 * Math.max(1, Math.abs(hi)); k++) {
    const mid = (lo + hi) / 2;
    if (sumAt(mid) > 1) lo = mid;
    else hi = mid;
  }
  const tau = (lo + hi) / 2;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.min(C, Math.max(0, v[i] - tau));
  return out;
}

/** out = Z·wv (rows). */
function times(z: Float64Array, rows: number, D: number, wv: Float64Array, out: Float64Array): void {
  for (let i = 0; i < rows; i++) {
    let s = 0;
    const base = i * D;
    for (let k = 0; k < D; k++) s += z[base + k] * wv[k];
    out[i] = s;
  }
}

/** out = Zᵀ·a (D). */
function transposeTimes(z: Float64Array, rows: number, D: number, a: Float64Array, out: Float64Array): void {
  out.fill(0);
  for (let i = 0; i < rows; i++) {
    const ai = a[i];
    if (ai === 0) continue;
    const base = i * D;
    for (let k = 0; k < D; k++) out[k] += ai * z[base + k];
  }
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k] * b[k];
  return s;
}

/** Largest eigenvalue of ZᵀZ (= of ZZᵀ, the QP's Lipschitz constant) by power iteration. */
function largestEigen(z: Float64Array, rows: number, D: number, rng: Rng): number {
  let u = Float64Array.from({ length: D }, () => 1 + 0.01 * rng.next());
  const zu = new Float64Array(rows);
  const next = new Float64Array(D);
  let lambda = 0;
  for (let k = 0; k < 50; k++) {
    const norm = Math.sqrt(dot(u, u)) || 1;
    for (let j = 0; j < D; j++) u[j] /= norm;
    times(z, rows, D, u, zu);
    transposeTimes(z, rows, D, zu, next);
    const l = dot(next, u);
    u = next.slice();
    if (Math.abs(l - lambda) <= 1e-6 * l) return l;
    lambda = l;
  }
  return lambda;
}
