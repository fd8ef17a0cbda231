/**
 * Bayesian online change-point detection (Adams & MacKay 2007) with a Normal-Gamma (unknown mean
 * and variance) conjugate model and a constant hazard H = 1/expectedRunLength.
 *
 * Indexing: the run length ℓ counts the points of the current segment INCLUDING the newest one
 * (ℓ = 1: the newest point started a new segment, scored under the prior predictive). This is
 * the paper's P(r_t = ℓ | r_t ≥ 1, x_1..t): with a constant hazard the paper's r_t = 0 entry (a
 * segment starting after x_t) is always exactly H and carries no information, so it is dropped.
 *
 * The distribution is truncated to `maxRunLength` entries, so an update is O(R) over typed
 * arrays: growth out of ℓ = R is merged into ℓ = R, whose statistics are those of the last R
 * points (a sliding window, as usual for truncated BOCPD).
 *
 * Prior: μ0 = mean and β0/α0 = variance of the reference points, κ0 = 1, α0 = 1 (weak: the
 * predictive of a new segment is a Student-t with 2 degrees of freedom, scale sqrt(2)·std). The
 * reference itself starts the distribution as one run of min(n, R) points with its mean and
 * variance.
 */
import { logGamma, studentTQuantileUpper } from "../common/student-t";
import { normalTail } from "../common/normal";

export const KAPPA0 = 1;
export const ALPHA0 = 1;

export interface BocpdState {
  mu0: number;
  beta0: number;
  /** P(ℓ = k + 1), the predictive mean and β of a run of k + 1 points, k = 0 .. active - 1. */
  prob: number[];
  mu: number[];
  beta: number[];
}

export interface BocpdStep {
  /** P(ℓ ≤ window | x_1..t): the current segment started within the last `window` points. */
  changeProbability: number;
  /** MAP run length after the update. */
  mapRunLength: number;
}

export interface Band {
  expected: number;
  lower: number;
  upper: number;
}

/** Two-sided tail of the band: as wide as ±3 sigma of a normal, 2Q(3) = 0.0027. */
const BAND_TAIL = normalTail(3);
const quantileCache = new Map<number, number>();

/** Upper quantile of the Student-t with `nu` dof at the 3-sigma tail; pure, so cached per nu. */
function bandQuantile(nu: number): number {
  let q = quantileCache.get(nu);
  if (q === undefined) {
    q = studentTQuantileUpper(BAND_TAIL, nu);
    if (quantileCache.size < 100_000) quantileCache.set(nu, q);
  }
  return q;
}

export class Bocpd {
  private readonly R: number;
  private readonly hazard: number;
  private mu0: number;
  private beta0: number;
  private active: number;
  private readonly prob: Float64Array;
  private readonly mu: Float64Array;
  private readonly beta: Float64Array;
  private readonly logPred: Float64Array;
  // Per run length ℓ = 0..R (0: the prior): log-density constant and κ/(2(κ+1)).
  private readonly constant: Float64Array;
  private readonly factor: Float64Array;

  constructor(maxRunLength: number, expectedRunLength: number, state?: BocpdState) {
    const R = maxRunLength;
    this.R = R;
    this.hazard = 1 / expectedRunLength;
    this.prob = new Float64Array(R);
    this.mu = new Float64Array(R);
    this.beta = new Float64Array(R);
    this.logPred = new Float64Array(R);
    this.constant = new Float64Array(R + 1);
    this.factor = new Float64Array(R + 1);
    for (let l = 0; l <= R; l++) {
      const kappa = KAPPA0 + l;
      const alpha = ALPHA0 + l / 2;
      this.constant[l] = logGamma(alpha + 0.5) - logGamma(alpha) - 0.5 * Math.log((2 * Math.PI * (kappa + 1)) / kappa);
      this.factor[l] = kappa / (2 * (kappa + 1));
    }
    this.mu0 = state?.mu0 ?? 0;
    this.beta0 = state?.beta0 ?? 1;
    this.active = 0;
    if (state) {
      this.active = Math.min(state.prob.length, R);
      this.prob.set(state.prob.slice(0, this.active));
      this.mu.set(state.mu.slice(0, this.active));
      this.beta.set(state.beta.slice(0, this.active));
    }
  }

  /** Starts from a reference of n points (mean, sum of squared deviations m2, variance floor). */
  init(n: number, mean: number, m2: number, minVariance: number): void {
    const variance = Math.max(n > 1 ? m2 / (n - 1) : 0, minVariance);
    this.mu0 = mean;
    this.beta0 = ALPHA0 * variance;
    const L = Math.max(1, Math.min(n, this.R));
    this.active = L;
    this.prob.fill(0);
    this.mu.fill(mean);
    this.beta.fill(this.beta0);
    this.prob[L - 1] = 1;
    this.mu[L - 1] = mean;
    // As if the reference were L points with its mean and variance (exact when n <= R).
    this.beta[L - 1] = this.beta0 + (0.5 * m2 * L) / Math.max(n, 1);
  }

  /** The predictive Student-t of the MAP run length, before the next point: centre and 3-sigma-tail band. */
  band(): Band {
    const k = this.argmax();
    const l = k + 1;
    const kappa = KAPPA0 + l;
    const alpha = ALPHA0 + l / 2;
    const scale = Math.sqrt((this.beta[k] * (kappa + 1)) / (alpha * kappa));
    const q = bandQuantile(2 * alpha);
    const expected = this.mu[k];
    return { expected, lower: expected - q * scale, upper: expected + q * scale };
  }

  update(x: number, window: number): BocpdStep {
    const { R, prob, mu, beta, logPred, constant, factor } = this;
    const H = this.hazard;
    const M = this.active;
    const d0 = x - this.mu0;
    const lp0 = constant[0] - 0.5 * Math.log(this.beta0) - (ALPHA0 + 0.5) * Math.log1p((factor[0] * d0 * d0) / this.beta0);
    let max = lp0;
    for (let k = 0; k < M; k++) {
      if (prob[k] === 0) {
        logPred[k] = -Infinity;
        continue;
      }
      const l = k + 1;
      const d = x - mu[k];
      const lp = constant[l] - 0.5 * Math.log(beta[k]) - (ALPHA0 + l / 2 + 0.5) * Math.log1p((factor[l] * d * d) / beta[k]);
      logPred[k] = lp;
      if (lp > max) max = lp;
    }
    // Growth ℓ -> ℓ + 1, in place from the top; the mass leaving ℓ = R stays at ℓ = R.
    const top = M === R ? prob[R - 1] * Math.exp(logPred[R - 1] - max) : 0;
    for (let k = Math.min(M - 1, R - 2); k >= 0; k--) {
      const l = k + 1;
      const d = x - mu[k];
      prob[k + 1] = (1 - H) * prob[k] * Math.exp(logPred[k] - max);
      mu[k + 1] = mu[k] + d / (KAPPA0 + l + 1);
      beta[k + 1] = beta[k] + factor[l] * d * d;
    }
    if (M === R) prob[R - 1] += (1 - H) * top;
    prob[0] = H * Math.exp(lp0 - max);
    mu[0] = this.mu0 + d0 / (KAPPA0 + 1);
    beta[0] = this.beta0 + factor[0] * d0 * d0;
    const active = Math.min(M + 1, R);
    this.active = active;

    let total = 0;
    for (let k = 0; k < active; k++) total += prob[k];
    if (!(total > 0) || !Number.isFinite(total)) {
      // Every continuing run underflowed against the prior: all the mass is on a new segment.
      prob.fill(0);
      prob[0] = 1;
      total = 1;
    }
    let change = 0;
    for (let k = 0; k < active; k++) {
      prob[k] /= total;
      if (k < window) change += prob[k];
    }
    return { changeProbability: Math.min(1, change), mapRunLength: this.argmax() + 1 };
  }

  private argmax(): number {
    let best = 0;
    for (let k = 1; k < this.active; k++) if (this.prob[k] > this.prob[best]) best = k;
    return best;
  }

  getState(): BocpdState {
    const n = this.active;
    return {
      mu0: this.mu0,
      beta0: this.beta0,
      prob: Array.from(this.prob.subarray(0, n)),
      mu: Array.from(this.mu.subarray(0, n)),
      beta: Array.from(this.beta.subarray(0, n)),
    };
  }
}
