/**
 * One-class SVM with an RBF kernel approximated by random Fourier features (Rahimi & Recht 2007):
 * z(x) = √(2/D)·cos(Wx + b), W ~ N(0, 2γ), b ~ U(0, 2π), so z(x)·z(y) ≈ exp(−γ‖x − y‖²). The
 * Schölkopf dual, min ½‖Σ αᵢ z(xᵢ)‖² over 0 ≤ αᵢ ≤ 1/(νn), Σ αᵢ = 1, is then a small QP solved exactly
 * (to tolerance) by accelerated projected gradient (FISTA) with w = Σ αᵢ z(xᵢ) kept in D dimensions.
 * W and b are drawn again from `featureSeed` when a state is loaded, so the state holds only w and ρ.
 */
import { createRng, type Rng } from "@/lib/detection/random";

export interface OcsvmJson {
  width: number;
  /** Random features D. */
  features: number;
  gamma: number;
  featureSeed: number;
  w: number[];
  rho: number;
  /** Training rows with α > 0 on the margin (0 < α < C), at most `maxSupport` of them: the attribution's reference. */
  support: number[];
  iterations: number;
}

export class FourierFeatures {
  readonly omega: Float64Array;
  readonly phase: Float64Array;
  private scale: number;

  constructor(
    readonly width: number,
    readonly d: number,
    gamma: number,
    seed: number,
  ) {
    const rng = createRng(seed);
    const s = Math.sqrt(2 * gamma);
    this.omega = Float64Array.from({ length: d * width }, () => s * rng.normal());
    this.phase = Float64Array.from({ length: d }, () => 2 * Math.PI * rng.next());
    this.scale = Math.sqrt(2 / d);
  }

  /** z(x) of the row at `off` into out[outOff..outOff+D). */
  map(x: Float64Array, off: number, out: Float64Array, outOff: number): void {
    const { omega, phase, width: w, d } = this;
    for (let k = 0; k < d; k++) {
      let s = phase[k];
      const base = k * w;
      for (let j = 0; j < w; j++) s += omega[base + j] * x[off + j];
      out[outOff + k] = this.scale * Math.cos(s);
    }
  }

  /** w·z(x) without materializing z. */
  dot(wv: Float64Array, x: Float64Array, off: number): number {
    const { omega, phase, width: w, d } = this;
    let total = 0;
    for (let k = 0; k < d; k++) {
      let s = phase[k];
      const base = k * w;
      for (let j = 0; j < w; j++) s += omega[base + j] * x[off + j];
      total += wv[k] * Math.cos(s);
    }
    return this.scale * total;
  }
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
  features: number;
  maxIterations: number;
  maxSupport: number;
}

export function fitOcsvm(x: Float64Array, rows: number, w: number, o: OcsvmFitOptions, rng: Rng): OcsvmJson {
  const D = o.features;
  const featureSeed = rng.int(4294967296);
  const ff = new FourierFeatures(w, D, o.gamma, featureSeed);
  const z = new Float64Array(rows * D);
  for (let i = 0; i < rows; i++) ff.map(x, i * w, z, i * D);
  const C = 1 / (o.nu * rows);
  const lipschitz = 1.05 * largestEigen(z, rows, D, rng) + 1e-12;

  let alpha = new Float64Array(rows).fill(1 / rows);
  let prevAlpha = alpha.slice();
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
  for (; it < o.maxIterations; it++) {
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
    if (Math.abs(objective - next) <= 1e-9 * Math.max(next, 1e-12)) {
      objective = next;
      break;
    }
    objective = next;
  }
  // ρ: free support vectors lie on the margin (w·z = ρ); without any, the midpoint of the bounds.
  times(z, rows, D, wAlpha, g);
  const eps = 1e-9 * C;
  let free = 0;
  let freeSum = 0;
  let lo = -Infinity;
  let hi = Infinity;
  for (let i = 0; i < rows; i++) {
    if (alpha[i] > eps && alpha[i] < C - eps) {
      free++;
      freeSum += g[i];
    } else if (alpha[i] <= eps) hi = Math.min(hi, g[i]);
    else lo = Math.max(lo, g[i]);
  }
  const rho = free > 0 ? freeSum / free : Number.isFinite(lo) && Number.isFinite(hi) ? (lo + hi) / 2 : Number.isFinite(lo) ? lo : hi;
  return {
    width: w,
    features: D,
    gamma: o.gamma,
    featureSeed,
    w: Array.from(wAlpha),
    rho,
    support: pickSupport(x, w, alpha, C, o.maxSupport),
    iterations: it,
  };
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
