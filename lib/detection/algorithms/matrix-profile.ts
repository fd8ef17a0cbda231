/**
 * Matrix-profile discords (Yeh et al. 2016; the streaming left profile of STAMPI, Zhu et al. 2018):
 * each new point completes a subsequence of the last `window` values; its left matrix profile value is the
 * z-normalized Euclidean distance to its nearest earlier subsequence (within the last `history`
 * subsequences, outside an exclusion zone of ceil(window / 4)). A shape never seen before is far from all
 * of them: a discord. Exact (no approximation; STAMPI's O(history) dot-product update per point, refreshed
 * directly every `history` points) and resumable bit for bit from the state. No random draws.
 *
 * `raw` is the distance; the native score is ratioToScore(distance / edge), edge = the running level +
 * 3 scales of past profile values (common/level-band.ts, Huber-clipped, so a discord does not widen it).
 * `expected`/`lower`/`upper` are the robust running level of the values, as for the forests.
 */
import { z } from "zod";
import { univariateStream } from "../common/input-guard";
import { bandFromSeries, updateBand, type BandState } from "../ml/common/level-band";
import { ratioToScore, safeScale } from "../ml/common/score-map";
import type { Detector, DetectorDefinition, Scored } from "../types";

export const matrixProfileParams = z.object({
  window: z.number().int().min(4).max(1000).default(32).describe("Subsequence length in points"),
  history: z
    .number()
    .int()
    .min(10)
    .max(20_000)
    .default(2000)
    .describe("Earlier subsequences each new one is compared with (the left profile's reach)"),
  minHistory: z
    .number()
    .int()
    .min(1)
    .max(20_000)
    .default(100)
    .describe("Earlier subsequences needed before scoring starts (warm-up)"),
});
export type MatrixProfileParams = z.infer<typeof matrixProfileParams>;

export interface MatrixProfileState {
  lastT: number | null;
  /** The streaming profile: recent values, subsequence count, dot products by lag. */
  mp: ProfileState;
  /** Running level and scale of the profile values (the score's edge). */
  profile: BandState;
  /** Running level and scale of the values (the reported band). */
  level: BandState;
}

/** Both constant: identical shapes (0); one constant: sqrt(m), as STUMPY's convention. */
export function znormDistance(dot: number, m: number, muA: number, sdA: number, muB: number, sdB: number): number {
  const flatA = sdA <= 1e-12 * Math.max(1, Math.abs(muA));
  const flatB = sdB <= 1e-12 * Math.max(1, Math.abs(muB));
  if (flatA && flatB) return 0;
  if (flatA || flatB) return Math.sqrt(m);
  const corr = (dot - m * muA * muB) / (m * sdA * sdB);
  return Math.sqrt(Math.max(0, 2 * m * (1 - Math.min(1, corr))));
}

export interface ProfileState {
  /** The last history + window values at most, oldest first, minus `shift`. */
  values: number[];
  /** Subtracted from every value (the newest subsequence's mean at the last refresh): keeps dot products small. */
  shift: number;
  /** Subsequences seen so far. */
  count: number;
  /** Dot products of the newest subsequence with the one `lag` steps earlier, by lag (index 0 unused). */
  dots: number[];
}

/**
 * Streaming left matrix profile over a bounded history (STAMPI): the dot products of the newest
 * subsequence with each earlier one are kept by lag and updated in O(1) each (QT_i[lag] = QT_{i-1}[lag]
 * − x[i−1]·x[i−1−lag] + x[i+m−1]·x[i+m−1−lag]), so a point costs O(history + window). Every `history`
 * subsequences the dot products are recomputed directly, which bounds the rounding drift; the schedule
 * counts subsequences, not buffer positions, and the dot products are in the state, so resuming is exact.
 */
export class LeftMatrixProfile {
  private buf: Float64Array;
  private mu: Float64Array;
  private sd: Float64Array;
  private dots: Float64Array;
  private n = 0;
  private count = 0;
  private shift = 0;
  readonly exclusion: number;

  constructor(
    readonly m: number,
    readonly history: number,
  ) {
    this.buf = new Float64Array(2 * (history + m));
    this.mu = new Float64Array(this.buf.length);
    this.sd = new Float64Array(this.buf.length);
    this.dots = new Float64Array(history + 1);
    this.exclusion = Math.ceil(m / 4);
  }

  /** Loads a state: the values and their subsequence statistics (recomputed, same arithmetic), without searching. */
  restore(state: ProfileState): void {
    for (const x of state.values) {
      this.buf[this.n++] = x;
      if (this.n >= this.m) this.stats(this.n - this.m);
    }
    this.count = state.count;
    this.shift = state.shift;
    this.dots.set(state.dots.slice(0, this.dots.length));
  }

  getState(): ProfileState {
    const keep = this.history + this.m;
    return {
      values: Array.from(this.buf.subarray(Math.max(0, this.n - keep), this.n)),
      shift: this.shift,
      count: this.count,
      dots: Array.from(this.dots),
    };
  }

  private stats(i: number): void {
    const m = this.m;
    let s = 0;
    for (let k = 0; k < m; k++) s += this.buf[i + k];
    const mu = s / m;
    let v = 0;
    for (let k = 0; k < m; k++) v += (this.buf[i + k] - mu) ** 2;
    this.mu[i] = mu;
    this.sd[i] = Math.sqrt(v / m);
  }

  /** Appends x; returns the newest subsequence's left profile value and how many it was compared with, or null. */
  push(x: number): { distance: number; candidates: number } | null {
    if (this.n === this.buf.length) this.compact();
    const buf = this.buf;
    buf[this.n++] = x - this.shift;
    const m = this.m;
    const i = this.n - m;
    if (i < 0) return null;
    this.stats(i);
    const index = this.count++;
    const refresh = index % this.history === 0;
    if (refresh) this.recenter(this.mu[i]);
    const mu = this.mu[i];
    const sd = this.sd[i];
    const maxLag = Math.min(this.history, index);
    let best = Infinity;
    for (let lag = this.exclusion; lag <= maxLag; lag++) {
      const j = i - lag;
      let dot: number;
      // The previous subsequence had this lag when index - 1 >= lag; otherwise (and on refresh) compute it.
      if (refresh || lag > index - 1) {
        dot = 0;
        for (let k = 0; k < m; k++) dot += buf[i + k] * buf[j + k];
      } else {
        dot = this.dots[lag] - buf[i - 1] * buf[j - 1] + buf[i + m - 1] * buf[j + m - 1];
      }
      this.dots[lag] = dot;
      const d = znormDistance(dot, m, mu, sd, this.mu[j], this.sd[j]);
      if (d < best) best = d;
    }
    return { distance: best, candidates: Math.max(0, maxLag - this.exclusion + 1) };
  }

  /**
   * z-normalized distances do not depend on the level, but dot products of values far from 0 lose digits to
   * cancellation; so at each refresh the stored values are re-centred on the newest subsequence's mean and
   * their statistics recomputed (as `restore` computes them: resuming stays exact).
   */
  private recenter(delta: number): void {
    if (delta === 0) return;
    this.shift += delta;
    for (let k = 0; k < this.n; k++) this.buf[k] -= delta;
    for (let i = 0; i + this.m <= this.n; i++) this.stats(i);
  }

  /** Keeps the last history + window values: the oldest is x[j − 1] of the largest lag's update. */
  private compact(): void {
    const keep = this.history + this.m;
    const from = this.n - keep;
    this.buf.copyWithin(0, from, this.n);
    this.mu.copyWithin(0, from, this.n);
    this.sd.copyWithin(0, from, this.n);
    this.n = keep;
  }
}

export const matrixProfile: DetectorDefinition<MatrixProfileParams, MatrixProfileState> = {
  kind: "matrix-profile",
  label: "Matrix profile discords",
  description:
    "Compares the shape of the last `window` points with every earlier window (z-normalized distance); a " +
    "shape unlike anything seen before (a discord) scores high, whatever its level.",
  input: "univariate",
  needsTraining: false,
  params: matrixProfileParams,
  defaultThreshold: 0.5,
  create(params, state) {
    const p = matrixProfileParams.parse(params);
    const mp = new LeftMatrixProfile(p.window, p.history);
    if (state?.mp) mp.restore(state.mp);
    const profile: BandState = state ? { ...state.profile } : bandFromSeries([]);
    const level: BandState = state ? { ...state.level } : bandFromSeries([]);
    const stream = univariateStream(state?.lastT ?? null, (t, x): Scored => {
      const band = updateBand(level, x);
      const r = mp.push(x);
      if (!r || r.candidates < Math.min(p.minHistory, p.history)) return { t, score: 0, raw: 0, skipped: "warmup" };
      const edgeBand = updateBand(profile, r.distance);
      const edge = safeScale(edgeBand.upper, 1e-6);
      const score = profile.n <= 1 ? 0 : ratioToScore(r.distance / edge);
      return { t, score, raw: r.distance, ...band };
    });
    const detector: Detector<MatrixProfileState> = {
      kind: "matrix-profile",
      train: stream.train,
      update: stream.update,
      getState: () => ({ lastT: stream.lastT, mp: mp.getState(), profile: { ...profile }, level: { ...level } }),
    };
    return detector;
  },
};
