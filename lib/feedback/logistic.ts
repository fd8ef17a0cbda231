/**
 * L2-regularised logistic regression, fitted exactly by Newton's method (IRLS). Pure and
 * deterministic: no random start, so the same rows always give the same model.
 *
 * Objective (scikit-learn's `LogisticRegression(C)` with its default solver): minimise
 * 0.5·|w|² + C·Σ log(1 + exp(-y'·(w·x + b))) with y' = ±1; the intercept b is not penalised.
 * Features are standardised first (mean 0, sd 1 over the training rows; a constant feature keeps
 * sd 1), and the weights are on the standardised scale.
 */
export interface LogisticModel {
  mean: number[];
  scale: number[];
  weights: number[];
  bias: number;
}

export interface LogisticOptions {
  /** Inverse regularisation strength, as scikit-learn's C. */
  c?: number;
  maxIterations?: number;
  /** Stop when the largest Newton step is below this. */
  tolerance?: number;
}

const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

export function standardiser(rows: readonly number[][]): { mean: number[]; scale: number[] } {
  const d = rows[0]?.length ?? 0;
  const mean = Array.from({ length: d }, (_, j) => rows.reduce((s, r) => s + r[j], 0) / rows.length);
  const scale = mean.map((m, j) => {
    const sd = Math.sqrt(rows.reduce((s, r) => s + (r[j] - m) ** 2, 0) / rows.length);
    return sd > 1e-12 ? sd : 1;
  });
  return { mean, scale };
}

/** Solves A·x = b for a symmetric positive definite A (Cholesky). */
function solveSpd(a: number[][], b: number[]): number[] {
  const n = b.length;
  const l = a.map((row) => row.map(() => 0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i][j];
      for (let k = 0; k < j; k++) s -= l[i][k] * l[j][k];
      l[i][j] = i === j ? Math.sqrt(Math.max(s, 1e-300)) : s / l[j][j];
    }
  }
  const y = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i][k] * y[k];
    y[i] = s / l[i][i];
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= l[k][i] * x[k];
    x[i] = s / l[i][i];
  }
  return x;
}

/** Fits on rows `x` with labels `y` (1 = positive class). Needs both classes. */
export function fitLogistic(x: readonly number[][], y: readonly (0 | 1)[], opts: LogisticOptions = {}): LogisticModel {
  if (x.length !== y.length || x.length === 0) throw new Error("fitLogistic: rows and labels must be non-empty and of one length");
  if (!y.includes(0) || !y.includes(1)) throw new Error("fitLogistic: both classes are needed");
  const c = opts.c ?? 1;
  const { mean, scale } = standardiser(x);
  const z = x.map((r) => r.map((v, j) => (v - mean[j]) / scale[j]));
  const d = mean.length;
  // theta = [w_1..w_d, b]
  let theta = new Array<number>(d + 1).fill(0);
  for (let it = 0; it < (opts.maxIterations ?? 100); it++) {
    const grad = theta.map((t, j) => (j < d ? t : 0));
    const hess = Array.from({ length: d + 1 }, (_, i) => Array.from({ length: d + 1 }, (_, j) => (i === j && i < d ? 1 : 0)));
    for (let i = 0; i < z.length; i++) {
      const row = [...z[i], 1];
      const p = sigmoid(row.reduce((s, v, j) => s + v * theta[j], 0));
      const r = c * (p - y[i]);
      const w = c * Math.max(p * (1 - p), 1e-12);
      for (let j = 0; j <= d; j++) {
        grad[j] += r * row[j];
        for (let k = 0; k <= j; k++) hess[j][k] += w * row[j] * row[k];
      }
    }
    for (let j = 0; j <= d; j++) for (let k = 0; k < j; k++) hess[k][j] = hess[j][k];
    const step = solveSpd(hess, grad);
    theta = theta.map((t, j) => t - step[j]);
    if (Math.max(...step.map(Math.abs)) < (opts.tolerance ?? 1e-10)) break;
  }
  return { mean, scale, weights: theta.slice(0, d), bias: theta[d] };
}

/** P(positive class) of one row. */
export function predictLogistic(m: LogisticModel, row: readonly number[]): number {
  let s = m.bias;
  for (let j = 0; j < m.weights.length; j++) s += (m.weights[j] * (row[j] - m.mean[j])) / m.scale[j];
  return sigmoid(s);
}
