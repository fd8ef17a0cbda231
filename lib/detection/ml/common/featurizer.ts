/**
 * Turns observations into standardized feature vectors. Univariate series are shingled (the last
 * `shingleSize` values form the vector); multivariate observations are used as they are. Standardization
 * uses training statistics; a univariate series shares one mean/std across the shingle so that the
 * shape of the window, not the position inside it, is what the models see.
 */
import type { Observation, SkipReason } from "@/lib/detection/types";
import { checkObservation, cleanHistory } from "./input-policy";

/**
 * What a univariate shingle shows the model: `raw` the values as they are (one mean/std for the
 * whole shingle), `centered` the values minus the shingle's own mean, so the model sees the window's
 * shape and not its level: a level shift or a trend is new only while a shingle straddles it.
 * Multivariate input is always used as it is.
 */
export type ShingleMode = "raw" | "centered";

export interface FeatureState {
  shingleSize: number;
  /** Values per observation (1 = univariate); 0 until training or the first observation fixes it. */
  dim: number;
  /** Per-feature standardization; empty until fitted. */
  mean: number[];
  std: number[];
  /** Univariate: the last values, oldest first (at most shingleSize). */
  recent: number[];
  lastT: number | null;
  /** How the fitted statistics were computed; absent in states from before the mode existed (= raw). */
  mode?: ShingleMode;
}

export interface TrainingSet {
  /** Row-major standardized matrix, rows × width. */
  x: Float64Array;
  rows: number;
  width: number;
  /** Univariate raw values in time order (empty for multivariate), for level estimates. */
  series: number[];
}

export class Featurizer {
  private ring: Float64Array;
  private head = 0;
  private count = 0;
  private meanArr = new Float64Array(0);
  private stdArr = new Float64Array(0);

  private s: FeatureState;
  /** The level removed from the latest univariate vector (centered mode), added back by `unscale`. */
  private level = 0;

  /**
   * `fitMode`: the shingle mode the next `fit` uses (the detector's parameter); until then the
   * state's own mode applies, so a saved model keeps scoring what it was trained on.
   */
  constructor(
    state: FeatureState,
    private readonly fitMode: ShingleMode = state.mode ?? "raw",
  ) {
    this.s = { ...state, recent: [] };
    this.ring = new Float64Array(Math.max(1, state.shingleSize));
    for (const v of state.recent) this.pushRing(v);
    this.setStats(state.mean, state.std);
  }

  static initial(shingleSize: number, mode: ShingleMode = "raw"): FeatureState {
    const s: FeatureState = { shingleSize, dim: 0, mean: [], std: [], recent: [], lastT: null };
    if (mode !== "raw") s.mode = mode;
    return s;
  }

  private get centered(): boolean {
    return this.s.dim === 1 && this.s.mode === "centered";
  }

  get dim(): number {
    return this.s.dim;
  }
  get lastT(): number | null {
    return this.s.lastT;
  }
  /** Feature vector length: shingleSize for univariate, dim otherwise; 0 while unknown. */
  get width(): number {
    return this.s.dim === 1 ? this.s.shingleSize : this.s.dim;
  }
  get fitted(): boolean {
    return this.s.mean.length > 0;
  }
  get univariate(): boolean {
    return this.s.dim === 1;
  }

  check(obs: Observation): SkipReason | null {
    return checkObservation(obs, this.s.lastT, this.s.dim);
  }

  setStats(mean: ArrayLike<number>, std: ArrayLike<number>): void {
    this.s.mean = Array.from(mean);
    // A feature that was constant in training keeps its units (scale 1, as scikit-learn's
    // StandardScaler does) instead of blowing any later change up by 1/ε.
    this.s.std = Array.from(std, (v) => (v > 1e-12 && Number.isFinite(v) ? v : 1));
    this.meanArr = Float64Array.from(this.s.mean);
    this.stdArr = Float64Array.from(this.s.std);
  }

  /** Records an accepted observation; fills `out` with the raw (unstandardized) vector when available. */
  pushRaw(obs: Observation, out: Float64Array): boolean {
    if (this.s.dim === 0) this.s.dim = obs.values.length;
    this.s.lastT = obs.t;
    if (this.s.dim > 1) {
      for (let j = 0; j < this.s.dim; j++) out[j] = obs.values[j];
      return true;
    }
    this.pushRing(obs.values[0]);
    if (this.count < this.s.shingleSize) return false;
    const n = this.s.shingleSize;
    for (let j = 0; j < n; j++) out[j] = this.ring[(this.head + j) % n];
    return true;
  }

  /** Like pushRaw, then standardizes in place; needs fitted statistics. */
  push(obs: Observation, out: Float64Array): boolean {
    if (this.s.dim > 1 && this.meanArr.length === this.s.dim) {
      // A vector as it is: copied and standardized in one pass (the same arithmetic as pushRaw + standardize).
      this.s.lastT = obs.t;
      const values = obs.values;
      const { meanArr, stdArr } = this;
      for (let j = 0; j < meanArr.length; j++) out[j] = (values[j] - meanArr[j]) / stdArr[j];
      return true;
    }
    if (!this.pushRaw(obs, out)) return false;
    this.center(out);
    this.standardize(out);
    return true;
  }

  /**
   * The shared start of a trained detector's `update`: applies the input policy, keeps the shingle
   * filling while the model is untrained, and otherwise writes the standardized vector into `out`.
   * `beforePush` runs once the observation is admitted to a trained model (e.g. to track a level band).
   * Returns why the point gets no score, or null when `out` holds the vector to score.
   */
  admit(obs: Observation, out: Float64Array, trained: boolean, beforePush?: () => void): SkipReason | null {
    const reason = this.check(obs);
    if (reason) return reason;
    if (!trained || !this.fitted) {
      this.pushRaw(obs, out);
      return "warmup";
    }
    beforePush?.();
    return this.push(obs, out) ? null : "warmup";
  }

  standardize(v: Float64Array, offset = 0): void {
    const w = this.meanArr.length;
    for (let j = 0; j < w; j++) v[offset + j] = (v[offset + j] - this.meanArr[j]) / this.stdArr[j];
  }

  /** Centered mode: removes the shingle's own mean from the raw vector (remembered for `unscale`). */
  center(v: Float64Array, offset = 0): void {
    if (!this.centered) return;
    const w = this.s.shingleSize;
    let m = 0;
    for (let j = 0; j < w; j++) m += v[offset + j];
    m /= w;
    for (let j = 0; j < w; j++) v[offset + j] -= m;
    this.level = m;
  }

  /** Back to the original units for feature j of the latest vector (used for expected values and bands). */
  unscale(j: number, z: number): number {
    return z * this.stdArr[j] + this.meanArr[j] + (this.centered ? this.level : 0);
  }
  unscaleWidth(j: number, z: number): number {
    return z * this.stdArr[j];
  }

  /** Cleans history, fixes the dimension, fits statistics and primes the shingle so scoring starts at once. */
  fit(history: Observation[]): TrainingSet {
    const clean = cleanHistory(history, this.s.dim);
    if (clean.length === 0) return { x: new Float64Array(0), rows: 0, width: this.width, series: [] };
    this.s.dim = clean[0].values.length;
    // Centering needs a shingle of two or more values of one series (one value minus itself is 0).
    if (this.fitMode === "raw" || this.s.dim !== 1 || this.s.shingleSize < 2) delete this.s.mode;
    else this.s.mode = this.fitMode;
    this.s.recent = [];
    this.head = 0;
    this.count = 0;
    this.s.lastT = null;
    const w = this.width;
    const rows = this.s.dim === 1 ? Math.max(0, clean.length - w + 1) : clean.length;
    const x = new Float64Array(rows * w);
    const row = new Float64Array(w);
    let r = 0;
    for (const obs of clean) if (this.pushRaw(obs, row)) x.set(row, r++ * w);
    for (let i = 0; i < rows; i++) this.center(x, i * w);
    const { mean, std } = this.centered ? centeredStats(x, w) : this.s.dim === 1 ? pooledStats(clean, w) : columnStats(x, rows, w);
    this.setStats(mean, std);
    for (let i = 0; i < rows; i++) this.standardize(x, i * w);
    const series = this.s.dim === 1 ? clean.map((o) => o.values[0]) : [];
    return { x, rows, width: w, series };
  }

  getState(): FeatureState {
    const recent: number[] = [];
    const n = this.s.shingleSize;
    for (let j = 0; j < this.count; j++) recent.push(this.ring[(this.head + j) % n]);
    return { ...this.s, mean: [...this.s.mean], std: [...this.s.std], recent };
  }

  private pushRing(v: number): void {
    // head points at the oldest slot once full; writing there makes the next slot the oldest.
    const n = this.s.shingleSize;
    if (this.count < n) {
      this.ring[(this.head + this.count) % n] = v;
      this.count++;
    } else {
      this.ring[this.head] = v;
      this.head = (this.head + 1) % n;
    }
  }
}

function pooledStats(clean: Observation[], w: number): { mean: number[]; std: number[] } {
  let m = 0;
  for (const o of clean) m += o.values[0];
  m /= clean.length;
  let v = 0;
  for (const o of clean) v += (o.values[0] - m) ** 2;
  const sd = Math.sqrt(v / clean.length);
  return { mean: new Array<number>(w).fill(m), std: new Array<number>(w).fill(sd) };
}

/** Centered shingles: mean 0, one spread (root mean square of every centered value) for the whole shingle. */
function centeredStats(x: Float64Array, w: number): { mean: number[]; std: number[] } {
  let v = 0;
  for (let i = 0; i < x.length; i++) v += x[i] * x[i];
  const sd = Math.sqrt(v / Math.max(1, x.length));
  return { mean: new Array<number>(w).fill(0), std: new Array<number>(w).fill(sd) };
}

export function columnStats(x: Float64Array, rows: number, w: number): { mean: number[]; std: number[] } {
  const mean = new Array<number>(w).fill(0);
  const std = new Array<number>(w).fill(0);
  for (let i = 0; i < rows; i++) for (let j = 0; j < w; j++) mean[j] += x[i * w + j];
  for (let j = 0; j < w; j++) mean[j] /= Math.max(1, rows);
  for (let i = 0; i < rows; i++) for (let j = 0; j < w; j++) std[j] += (x[i * w + j] - mean[j]) ** 2;
  for (let j = 0; j < w; j++) std[j] = Math.sqrt(std[j] / Math.max(1, rows));
  return { mean, std };
}
