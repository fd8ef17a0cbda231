/**
 * Matrix-profile discords (Yeh et al. 2016; the streaming left profile of STAMPI, Zhu et al. 2018):
 * each new point completes a subsequence of the last `window` values; its left matrix profile value is the
 * z-normalized Euclidean distance to its nearest earlier subsequence (within the last `history`
 * subsequences, outside an exclusion zone of ceil(window / 4)). A shape never seen before is far from all
 * of them: a discord. Exact: every distance is computed from the stored values (O(history·window) per
 * point), so nothing drifts and a resumed detector recomputes the same numbers bit for bit. No random draws.
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
  /** The last history + window - 1 values at most, oldest first. */
  values: number[];
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

/** Streaming left matrix profile over a bounded history; positions are absolute within the buffer. */
export class LeftMatrixProfile {
  private buf: Float64Array;
  private mu: Float64Array;
  private sd: Float64Array;
  private n = 0;
  readonly exclusion: number;

  constructor(
    readonly m: number,
    readonly history: number,
  ) {
    this.buf = new Float64Array(2 * (history + m));
    this.mu = new Float64Array(this.buf.length);
    this.sd = new Float64Array(this.buf.length);
    this.exclusion = Math.ceil(m / 4);
  }

  /** Subsequences stored (each ends at a stored value). */
  get subsequences(): number {
    return Math.max(0, this.n - this.m + 1);
  }

  /** Loads stored values (at most history + window - 1) and their subsequence statistics, without searching. */
  restore(values: number[]): void {
    for (const x of values) {
      this.buf[this.n++] = x;
      if (this.n >= this.m) this.stats(this.n - this.m);
    }
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

  /** Appends x; returns the newest subsequence's left profile value and its neighbour's start, or null. */
  push(x: number): { distance: number; neighbour: number; candidates: number } | null {
    if (this.n === this.buf.length) this.compact();
    this.buf[this.n++] = x;
    const m = this.m;
    const i = this.n - m;
    if (i < 0) return null;
    this.stats(i);
    const mu = this.mu[i];
    const last = i - this.exclusion;
    const first = Math.max(0, i - this.history);
    let best = Infinity;
    let at = -1;
    for (let j = first; j <= last; j++) {
      let dot = 0;
      for (let k = 0; k < m; k++) dot += this.buf[i + k] * this.buf[j + k];
      const d = znormDistance(dot, m, mu, this.sd[i], this.mu[j], this.sd[j]);
      if (d < best) {
        best = d;
        at = j;
      }
    }
    return { distance: best, neighbour: at, candidates: Math.max(0, last - first + 1) };
  }

  /** The values that future pushes can still reach, oldest first. */
  values(): number[] {
    return Array.from(this.buf.subarray(Math.max(0, this.n - (this.history + this.m - 1)), this.n));
  }

  private compact(): void {
    const keep = this.history + this.m - 1;
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
    // The subsequence statistics are recomputed from the stored values with the same arithmetic: exact.
    mp.restore(state?.values ?? []);
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
      getState: () => ({ lastT: stream.lastT, values: mp.values(), profile: { ...profile }, level: { ...level } }),
    };
    return detector;
  },
};
