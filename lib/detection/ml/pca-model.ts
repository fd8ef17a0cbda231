/**
 * PCA reconstruction model: eigendecomposition of the training covariance, the leading components
 * that explain `varianceKept` of the variance (scikit-learn's `n_components=0.95` rule: the fewest
 * with cumulative ratio above it) or a fixed count, and per-row reconstruction error.
 */
import { symmetricEigen } from "./linalg";
import { quantile, safeScale } from "./common/score-map";

export interface PcaJson {
  width: number;
  /** Number of components kept. */
  k: number;
  mean: number[];
  /** k rows of width values, unit length, largest variance first. */
  components: number[];
  /** Share of variance of every component (all of them, for explanation). */
  explained: number[];
  /** Training p99 of the reconstruction error norm. */
  edge: number;
  /** Training p99 of |residual| of the last feature (the univariate band). */
  lastEdge: number;
}

export function fitPca(x: Float64Array, rows: number, w: number, varianceKept: number, fixed: number | null): PcaJson {
  const mean = new Float64Array(w);
  for (let i = 0; i < rows; i++) for (let j = 0; j < w; j++) mean[j] += x[i * w + j];
  for (let j = 0; j < w; j++) mean[j] /= Math.max(1, rows);
  const cov = covariance(x, rows, w, mean);
  const { values, vectors } = symmetricEigen(cov, w);
  let total = 0;
  for (let j = 0; j < w; j++) total += Math.max(0, values[j]);
  const explained = Array.from(values, (v) => (total > 0 ? Math.max(0, v) / total : 0));
  let k = fixed ?? w;
  if (fixed === null) {
    let cum = 0;
    for (let j = 0; j < w; j++) {
      cum += explained[j];
      if (cum > varianceKept) {
        k = j + 1;
        break;
      }
    }
  }
  k = Math.max(1, Math.min(k, w));
  const model: PcaJson = {
    width: w,
    k,
    mean: Array.from(mean),
    components: Array.from(vectors.subarray(0, k * w)),
    explained,
    edge: 1,
    lastEdge: 1,
  };
  const pca = new PcaProjector(model);
  const err = new Float64Array(rows);
  const last = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    err[i] = pca.residual(x, i * w);
    last[i] = Math.abs(pca.resid[w - 1]);
  }
  model.edge = safeScale(quantile(err, 0.99, rows));
  model.lastEdge = safeScale(quantile(last, 0.99, rows));
  return model;
}

const BLOCK = 128;

/**
 * Sample covariance (divisor rows − 1) as a blocked XᵀX: the centred rows of a block are copied
 * column by column, so each entry is a dot product of two contiguous columns summed in registers
 * (two accumulators), instead of a load and store of the entry for every row.
 */
function covariance(x: Float64Array, rows: number, w: number, mean: Float64Array): Float64Array {
  const cov = new Float64Array(w * w);
  const block = new Float64Array(w * BLOCK);
  for (let start = 0; start < rows; start += BLOCK) {
    const n = Math.min(BLOCK, rows - start);
    for (let i = 0; i < n; i++) {
      const off = (start + i) * w;
      for (let j = 0; j < w; j++) block[j * BLOCK + i] = x[off + j] - mean[j];
    }
    for (let a = 0; a < w; a++) {
      const ao = a * BLOCK;
      for (let b = a; b < w; b++) {
        const bo = b * BLOCK;
        let s0 = 0;
        let s1 = 0;
        let i = 0;
        for (; i + 1 < n; i += 2) {
          s0 += block[ao + i] * block[bo + i];
          s1 += block[ao + i + 1] * block[bo + i + 1];
        }
        if (i < n) s0 += block[ao + i] * block[bo + i];
        cov[a * w + b] += s0 + s1;
      }
    }
  }
  const denom = Math.max(1, rows - 1);
  for (let a = 0; a < w; a++)
    for (let b = a; b < w; b++) {
      cov[a * w + b] /= denom;
      cov[b * w + a] = cov[a * w + b];
    }
  return cov;
}

/**
 * Reconstruction with preallocated scratch: `recon` and `resid` hold the last row's results. The
 * centred row is computed once per row (not once per component) and the components are also kept
 * transposed, so both passes read contiguous memory; every sum adds the same terms in the same order.
 */
export class PcaProjector {
  readonly recon: Float64Array;
  readonly resid: Float64Array;
  private comps: Float64Array;
  /** comps transposed: feature j's loadings on components 0..k-1 at j * k. */
  private compsT: Float64Array;
  private mean: Float64Array;
  private proj: Float64Array;
  private centred: Float64Array;
  private readonly w: number;
  private readonly k: number;

  constructor(m: PcaJson) {
    this.w = m.width;
    this.k = m.k;
    this.comps = Float64Array.from(m.components);
    this.compsT = new Float64Array(m.k * m.width);
    for (let c = 0; c < m.k; c++) for (let j = 0; j < m.width; j++) this.compsT[j * m.k + c] = this.comps[c * m.width + j];
    this.mean = Float64Array.from(m.mean);
    this.recon = new Float64Array(m.width);
    this.resid = new Float64Array(m.width);
    this.proj = new Float64Array(m.k);
    this.centred = new Float64Array(m.width);
  }

  /** Norm of x − reconstruction(x) for the row at `off`. */
  residual(x: Float64Array, off: number): number {
    const { w, k, comps, compsT, mean, proj, recon, resid, centred } = this;
    for (let j = 0; j < w; j++) centred[j] = x[off + j] - mean[j];
    for (let c = 0; c < k; c++) {
      const o = c * w;
      let s = 0;
      for (let j = 0; j < w; j++) s += comps[o + j] * centred[j];
      proj[c] = s;
    }
    let err = 0;
    for (let j = 0; j < w; j++) {
      const o = j * k;
      let r = mean[j];
      for (let c = 0; c < k; c++) r += proj[c] * compsT[o + c];
      recon[j] = r;
      const e = x[off + j] - r;
      resid[j] = e;
      err += e * e;
    }
    return Math.sqrt(err);
  }
}
