/**
 * Small dense linear algebra on flat row-major Float64Arrays, for the PCA and Gaussian mixture
 * models: a symmetric eigendecomposition (cyclic Jacobi; exact to rounding, deterministic, fine for
 * the d <= 256 matrices these models build) and a Cholesky factorization.
 */

export interface Eigen {
  /** Eigenvalues, largest first. */
  values: Float64Array;
  /** Row k (offset k·n) is the unit eigenvector of values[k]. */
  vectors: Float64Array;
}

/** Eigenvalues and eigenvectors of the symmetric n×n matrix `a` (not modified). */
export function symmetricEigen(a: Float64Array, n: number, maxSweeps = 60): Eigen {
  const m = a.slice(0, n * n);
  // v holds eigenvectors as columns while rotating.
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    let diag = 0;
    for (let p = 0; p < n; p++) {
      diag += m[p * n + p] ** 2;
      for (let q = p + 1; q < n; q++) off += m[p * n + q] ** 2;
    }
    if (off <= 1e-30 * Math.max(diag, 1e-300)) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q];
        if (apq === 0) continue;
        const app = m[p * n + p];
        const aqq = m[q * n + q];
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const mkp = m[k * n + p];
          const mkq = m[k * n + q];
          m[k * n + p] = c * mkp - s * mkq;
          m[k * n + q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < n; k++) {
          const mpk = m[p * n + k];
          const mqk = m[q * n + k];
          m[p * n + k] = c * mpk - s * mqk;
          m[q * n + k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => m[j * n + j] - m[i * n + i] || i - j);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((col, k) => {
    values[k] = m[col * n + col];
    // A fixed sign (largest component positive) so the result does not depend on rotation order.
    let big = 0;
    for (let i = 0; i < n; i++) if (Math.abs(v[i * n + col]) > Math.abs(v[big * n + col])) big = i;
    const sign = v[big * n + col] < 0 ? -1 : 1;
    for (let i = 0; i < n; i++) vectors[k * n + i] = sign * v[i * n + col];
  });
  return { values, vectors };
}

/**
 * Lower-triangular L with L·Lᵀ = a (row-major, upper part zero), or null when `a` is not
 * positive definite. Returns log det(a) alongside.
 */
export function cholesky(a: Float64Array, n: number): { l: Float64Array; logDet: number } | null {
  const l = new Float64Array(n * n);
  let logDet = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
      if (i === j) {
        if (!(s > 0)) return null;
        l[i * n + i] = Math.sqrt(s);
        logDet += Math.log(s);
      } else {
        l[i * n + j] = s / l[j * n + j];
      }
    }
  }
  return { l, logDet };
}
