/**
 * Seasonal model: additive Holt-Winters (level + one seasonal profile, no trend) whose season is
 * found from history by autocorrelation over hourly/daily/weekly candidates, falling back to
 * level-only smoothing. Residuals are scored against 1.4826·MAD of recent residuals.
 *
 * Gaps: a timestamp maps to its phase by (t - anchor) mod period in time units, so missing data
 * never shifts the season; the level simply waits. Updates use residuals clipped at `clipSigmas`
 * (robust Holt-Winters, Gelper et al. 2010) so an outlier does not bend the model it is judged by.
 *
 * `weeklyRecheckPoints` > 0: when the warm-up was too short to see two weeks (a weekly season
 * cannot be tested) and found a shorter season or none, the points keep being buffered until two
 * weeks are seen (if that takes at most this many points). Then each candidate profile, learned
 * on all but the last week, predicts the last week (level = that week's mean, so only the shape
 * counts); a weekly profile that predicts it at least 20% better (mean squared error) than the
 * current one, whose error must exceed the scale floor (noiseless series keep their season), wins
 * and the model is refit on the buffer with a weekly season. Autocorrelation
 * cannot make that call: a weekly lag correlates as well as a daily one when weekends differ only
 * a little. Scores meanwhile come from the first fit.
 */
import { z } from "zod";
import { checkObservation, skippedResult } from "../common/input-guard";
import { zToScore } from "../common/normal";
import { DAY_MS, HOUR_MS, WEEK_MS, detectPeriod, medianInterval } from "../common/period";
import { SortedWindow } from "../common/sorted-window";
import type { Detector, DetectorDefinition, Observation, Scored } from "../types";
import { robustScale } from "./robust-zscore";

const NAMED_PERIODS = { hour: HOUR_MS, day: DAY_MS, week: WEEK_MS } as const;

export const seasonalParams = z.object({
  period: z
    .enum(["auto", "none", "hour", "day", "week"])
    .default("auto")
    .describe("Season length; auto picks hour/day/week by autocorrelation of the training window"),
  warmupPoints: z
    .number()
    .int()
    .min(10)
    .max(200_000)
    .default(600)
    .describe("Points buffered to detect the season and initialise the model when train() is not used"),
  alpha: z.number().gt(0).max(1).default(0.1).describe("Level smoothing"),
  gamma: z.number().min(0).max(1).default(0.1).describe("Seasonal smoothing (per visit of a phase)"),
  residualWindow: z.number().int().min(10).max(100_000).default(500).describe("Residuals kept for the robust scale"),
  bandSigmas: z.number().positive().default(3).describe("Half-width of the reported normal band, in robust sigmas"),
  clipSigmas: z.number().positive().default(4).describe("Residuals beyond this many sigmas update the model clipped"),
  minScaleFraction: z
    .number()
    .min(0)
    .default(0.005)
    .describe("Residual scale floor as a fraction of the level plus the seasonal range: noiseless series stay calm"),
  slowAlpha: z
    .number()
    .min(0)
    .max(1)
    .default(0.002)
    .describe(
      "Smoothing of a slow level that follows the level; points are also scored against slow level + season (own robust scale)," +
        " which catches drifts, season breaks and frequency changes the level absorbs (0: off)",
    ),
  slowWeight: z
    .number()
    .min(0)
    .max(1)
    .default(1)
    .describe("The slow level's score counts times this weight against the fast one's (below 1: it needs to be rarer to win)"),
  slowNeedsSeason: z
    .boolean()
    .default(false)
    .describe("Score against the slow level only when a season was found (without one, real level changes keep tripping it)"),
  driftLambda: z
    .number()
    .min(0)
    .max(1)
    .default(0)
    .describe(
      "Drift test (0: off; needs slowAlpha): an EWMA with this weight of the slow level's z (clipped at clipSigmas), scored" +
        " against the robust spread of its own last driftWindow values, so a slow drift no single point shows adds up and" +
        " a series whose level wanders anyway needs a larger departure",
    ),
  driftWindow: z.number().int().min(100).max(20_000).default(2000).describe("Past drift-test values its spread is measured on"),
  driftReset: z
    .number()
    .min(0)
    .max(1)
    .default(0)
    .describe(
      "After a drift score at or above this (0: never) with the level 3 residual scales or more from the slow level, the slow" +
        " level re-bases on the level and the drift test restarts, so a level shift that persists is reported once, not again" +
        " while the slow level catches up",
    ),
  output: z
    .enum(["all", "drift", "split"])
    .default("all")
    .describe(
      "all: the largest of the level's, the slow level's and the drift score; drift: the drift test's alone (an ensemble's direct member);" +
        " split: the level's and the slow level's as the score, the drift test's beside it (`side`), one model for both",
    ),
  maxBuckets: z.number().int().min(1).max(20_000).default(2016).describe("Most phases a season is split into"),
  weeklyRecheckPoints: z
    .number()
    .int()
    .min(0)
    .max(200_000)
    .default(0)
    .describe("If the warm-up held less than two weeks, detect the season again once two weeks are buffered, when that takes at most this many points (0: never)"),
});
export type SeasonalParams = z.infer<typeof seasonalParams>;

interface Model {
  anchor: number;
  /** Scale floor in value units, fixed at fit time from the data's magnitude. */
  minScale: number;
  periodMs: number;
  buckets: number;
  level: number;
  season: number[];
  residuals: number[];
  /** With `slowAlpha`: the slow level and the residuals against slow level + season. */
  slowLevel?: number;
  slowResiduals?: number[];
  /** With `driftLambda`: the EWMA of the slow level's z, and its past values (oldest first). */
  driftEwma?: number;
  /** Every DRIFT_STRIDE-th drift-test value (oldest first), and how many values there have been. */
  driftValues?: number[];
  driftCount?: number;
}

export interface SeasonalState {
  lastT: number | null;
  buffer: { t: number[]; v: number[] } | null;
  model: Model | null;
  /** Points since the warm-up began, kept until the weekly recheck at t >= until (weeklyRecheckPoints). */
  recheck?: { t: number[]; v: number[]; until: number } | null;
}

/**
 * The drift test scores once this many past values give its spread. Its scale is at least twice an
 * EWMA's spread on independent unit z, sqrt(λ / (2 - λ)): an EWMA's values are so correlated that a
 * few hundred of them hold only a few independent ones, and neighbouring residuals are correlated too.
 */
const DRIFT_MIN_VALUES = 500;
/**
 * The drift test keeps every 8th of its values for its median and spread: an EWMA with λ 0.02 forgets over about
 * 2/λ = 100 points, so neighbouring values say nearly the same thing, and a window of driftWindow / 8 sorted values
 * costs an eighth of the inserts and moves of one holding them all.
 */
const DRIFT_STRIDE = 8;
/** `driftReset` re-bases only when the level is at least this many residual scales from the slow level. */
const DRIFT_RESET_GAP = 3;
const driftMinScale = (lambda: number) => 2 * Math.sqrt(lambda / (2 - lambda));

/** Weekly profile must beat the current one by this factor (out-of-sample MSE) to replace it. */
const WEEKLY_GAIN = 0.8;

/**
 * Mean squared error of predicting the last week of (ts, vs) by the per-phase mean deviation of
 * the earlier data for a season of `periodMs` (0: no season), level = the last week's own mean.
 */
export function holdoutError(ts: readonly number[], vs: readonly number[], periodMs: number): number {
  const dt = medianInterval(ts);
  const split = ts[ts.length - 1] - WEEK_MS;
  const n = periodMs > 0 && dt > 0 ? Math.max(1, Math.round(periodMs / dt)) : 1;
  const sum = new Float64Array(n);
  const count = new Float64Array(n);
  let trainMean = 0;
  let trainN = 0;
  let testMean = 0;
  let testN = 0;
  for (let i = 0; i < ts.length; i++) {
    if (ts[i] <= split) {
      trainMean += vs[i];
      trainN++;
    } else {
      testMean += vs[i];
      testN++;
    }
  }
  if (!trainN || !testN) return Infinity;
  trainMean /= trainN;
  testMean /= testN;
  const phase = (t: number) => (n === 1 ? 0 : Math.floor((((t - ts[0]) % periodMs) / periodMs) * n + 0.5) % n);
  for (let i = 0; i < ts.length && ts[i] <= split; i++) {
    const k = phase(ts[i]);
    sum[k] += vs[i] - trainMean;
    count[k]++;
  }
  let err = 0;
  for (let i = 0; i < ts.length; i++) {
    if (ts[i] <= split) continue;
    const k = phase(ts[i]);
    const e = vs[i] - testMean - (count[k] ? sum[k] / count[k] : 0);
    err += e * e;
  }
  return err / testN;
}

function medianOf(xs: number[]): number {
  xs.sort((a, b) => a - b);
  const n = xs.length;
  return n % 2 ? xs[(n - 1) / 2] : (xs[n / 2 - 1] + xs[n / 2]) / 2;
}

export const seasonal: DetectorDefinition<SeasonalParams, SeasonalState> = {
  kind: "seasonal",
  label: "Seasonal (Holt-Winters)",
  description: "Learns a daily/weekly/hourly profile and flags points far from the seasonal expectation.",
  input: "univariate",
  needsTraining: false,
  params: seasonalParams,
  defaultThreshold: 0.5,
  create(params, state) {
    const p = seasonalParams.parse(params);
    let lastT = state?.lastT ?? null;
    let buffer = state?.buffer ?? (state?.model ? null : { t: [] as number[], v: [] as number[] });
    let model: Model | null = state?.model ? { ...state.model, season: [...state.model.season] } : null;
    const driftCapacity = Math.ceil(p.driftWindow / DRIFT_STRIDE);
    let season = model ? Float64Array.from(model.season) : new Float64Array(1);
    let resid = new SortedWindow(p.residualWindow, model?.residuals);
    let slowResid = new SortedWindow(p.residualWindow, model?.slowResiduals);
    let driftValues = new SortedWindow(driftCapacity, model?.driftValues);
    let recheck = state?.recheck ? { t: [...state.recheck.t], v: [...state.recheck.v], until: state.recheck.until } : null;

    const phase = (m: Model, t: number) => {
      const off = (((t - m.anchor) % m.periodMs) + m.periodMs) % m.periodMs;
      return Math.floor((off / m.periodMs) * m.buckets + 0.5) % m.buckets;
    };

    /** Scores x against the model and folds it in; `score = false` while fitting history. */
    const step = (m: Model, t: number, x: number): Scored => {
      const b = phase(m, t);
      const expected = m.level + season[b];
      const e = x - expected;
      const ready = resid.size >= 10;
      const scale = robustScale(resid, resid.size ? resid.median() : 0, m.minScale);
      const zv = ready ? e / scale : 0;
      const limit = p.clipSigmas * scale;
      const ec = ready ? Math.max(-limit, Math.min(limit, e)) : e;
      // Against the slow level: the level's own departure shows (a drift, a broken season).
      let zs = 0;
      let drift = 0;
      let reset = false;
      if (p.slowAlpha > 0 && (m.buckets > 1 || !p.slowNeedsSeason)) {
        m.slowLevel ??= m.level;
        const es = x - m.slowLevel - season[b];
        if (ready && slowResid.size >= 10) {
          const center = slowResid.median(); // a trend keeps the slow level a steady lag behind
          zs = (es - center) / robustScale(slowResid, center, m.minScale);
          if (p.driftLambda > 0) {
            const zc = Math.max(-p.clipSigmas, Math.min(p.clipSigmas, zs));
            const ewma = (m.driftEwma ?? 0) + p.driftLambda * (zc - (m.driftEwma ?? 0));
            m.driftEwma = ewma;
            if (driftValues.size * DRIFT_STRIDE >= DRIFT_MIN_VALUES) {
              const center = driftValues.median();
              drift = (ewma - center) / robustScale(driftValues, center, driftMinScale(p.driftLambda));
            }
            m.driftCount = (m.driftCount ?? 0) + 1;
            if (m.driftCount % DRIFT_STRIDE === 0) driftValues.push(ewma);
            if (p.driftReset > 0 && zToScore(drift) >= p.driftReset) reset = true;
          }
        }
        slowResid.push(es);
      }
      m.level += p.alpha * ec;
      season[b] += p.gamma * (1 - p.alpha) * ec;
      if (m.slowLevel !== undefined) m.slowLevel += p.slowAlpha * (m.level - m.slowLevel!);
      // After the drift test's own report, when the level has moved away from the slow level (a step or a drift that is
      // now reported, not noise): the slow level re-bases on the level, its residuals become the level's, and the drift
      // test restarts (its EWMA at 0, its window empty, silent for DRIFT_MIN_VALUES points while it learns the new spread),
      // so a level that stays where it moved is not reported again while the slow level catches up.
      if (reset && Math.abs(m.level - m.slowLevel!) >= DRIFT_RESET_GAP * scale) {
        m.slowLevel = m.level;
        m.driftEwma = 0;
        m.driftCount = 0;
        slowResid = new SortedWindow(p.residualWindow, resid.toArray());
        driftValues = new SortedWindow(driftCapacity);
      }
      resid.push(e);
      if (!ready) return skippedResult(t, "warmup");
      const fast = zToScore(zv);
      const slow = p.slowWeight * zToScore(zs);
      const drifted = zToScore(drift);
      const score = p.output === "drift" ? drifted : p.output === "split" ? Math.max(fast, slow) : Math.max(fast, slow, drifted);
      const out: Scored = {
        t,
        score,
        raw: score === fast ? zv : score === slow ? zs : drift,
        expected,
        lower: expected - p.bandSigmas * scale,
        upper: expected + p.bandSigmas * scale,
      };
      if (p.output === "split") out.side = { name: "drift", score: drifted, raw: drift };
      return out;
    };

    const fit = (ts: number[], vs: number[], forcedPeriodMs?: number) => {
      const dt = medianInterval(ts);
      let periodMs = 0;
      if (forcedPeriodMs !== undefined) periodMs = forcedPeriodMs;
      else if (p.period === "auto") periodMs = detectPeriod(ts, vs)?.periodMs ?? 0;
      else if (p.period !== "none") periodMs = NAMED_PERIODS[p.period];
      const buckets = periodMs > 0 && dt > 0 ? Math.max(1, Math.min(p.maxBuckets, Math.round(periodMs / dt))) : 1;
      const m: Model = { anchor: ts[0], minScale: 0, periodMs: periodMs || 1, buckets, level: 0, season: [], residuals: [] };
      // Initial profile: per-phase median deviation from the overall mean, pooled over a few
      // neighbouring phases, so one outlier in a short warm-up cannot bake itself into the season.
      const mean = vs.reduce((a, b) => a + b, 0) / vs.length;
      const byBucket: number[][] = Array.from({ length: buckets }, () => []);
      for (let i = 0; i < ts.length; i++) byBucket[phase(m, ts[i])].push(vs[i] - mean);
      const half = buckets > 1 ? Math.max(1, Math.round(buckets / 96)) : 0;
      season = new Float64Array(buckets);
      for (let b = 0; b < buckets; b++) {
        const pool: number[] = [];
        for (let k = -half; k <= half; k++) pool.push(...byBucket[(b + k + buckets) % buckets]);
        season[b] = pool.length ? medianOf(pool) : 0;
      }
      m.level = mean;
      let lo = 0;
      let hi = 0;
      for (let b = 0; b < buckets; b++) {
        lo = Math.min(lo, season[b]);
        hi = Math.max(hi, season[b]);
      }
      m.minScale = p.minScaleFraction * (Math.abs(mean) + hi - lo);
      resid = new SortedWindow(p.residualWindow);
      slowResid = new SortedWindow(p.residualWindow);
      driftValues = new SortedWindow(driftCapacity);
      for (let i = 0; i < ts.length; i++) step(m, ts[i], vs[i]);
      model = m;
      buffer = null;
    };

    const detector: Detector<SeasonalState> = {
      kind: "seasonal",
      train(history) {
        const ts: number[] = [];
        const vs: number[] = [];
        let last: number | null = null;
        for (const obs of history) {
          if (checkObservation(obs, last)) continue;
          last = obs.t;
          ts.push(obs.t);
          vs.push(obs.values[0]);
        }
        if (ts.length < 2) return;
        fit(ts, vs);
        lastT = last;
      },
      update(obs: Observation): Scored {
        const reason = checkObservation(obs, lastT);
        if (reason) return skippedResult(obs.t, reason);
        lastT = obs.t;
        const x = obs.values[0];
        if (!model) {
          buffer!.t.push(obs.t);
          buffer!.v.push(x);
          if (buffer!.t.length >= p.warmupPoints) {
            const { t: ts, v: vs } = buffer!;
            fit(ts, vs);
            const dt = medianInterval(ts);
            const needed = dt > 0 ? Math.ceil((2 * WEEK_MS) / dt) : Infinity;
            const weekly = model!.periodMs >= WEEK_MS;
            if (p.period === "auto" && p.weeklyRecheckPoints > 0 && !weekly && ts[ts.length - 1] - ts[0] < 2 * WEEK_MS && needed <= p.weeklyRecheckPoints) {
              recheck = { t: ts, v: vs, until: ts[0] + 2 * WEEK_MS - dt };
            }
          }
          return skippedResult(obs.t, "warmup");
        }
        const result = step(model, obs.t, x);
        if (recheck) {
          recheck.t.push(obs.t);
          recheck.v.push(x);
          const { t: ts, v: vs } = recheck;
          if (obs.t >= recheck.until || ts.length >= p.weeklyRecheckPoints) {
            recheck = null;
            const current = holdoutError(ts, vs, model.buckets > 1 ? model.periodMs : 0);
            // Only when the current profile's error is above the noise floor the model ignores anyway.
            if (Math.sqrt(current) > model.minScale && holdoutError(ts, vs, WEEK_MS) < WEEKLY_GAIN * current) fit(ts, vs, WEEK_MS);
          }
        }
        return result;
      },
      getState: () => ({
        lastT,
        buffer: buffer ? { t: [...buffer.t], v: [...buffer.v] } : null,
        model: model ? { ...model, season: Array.from(season), residuals: resid.toArray(), ...(p.slowAlpha > 0 ? { slowResiduals: slowResid.toArray() } : {}), ...(p.driftLambda > 0 ? { driftValues: driftValues.toArray() } : {}) } : null,
        recheck: recheck ? { t: [...recheck.t], v: [...recheck.v], until: recheck.until } : null,
      }),
    };
    return detector;
  },
};
