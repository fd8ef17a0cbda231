/**
 * EWMA control chart. The process mean and variance are exponentially weighted (decay `alpha`),
 * starting as plain running averages so early points are not dominated by the first value. The
 * charted statistic is an EWMA of the values with factor `lambda` (1 = chart each point as is;
 * smaller values detect small sustained shifts sooner); its limits are mean ± L·σ·sqrt(λ/(2-λ)).
 * Gaps: decay is per point, not per unit of time (a gap counts as one step).
 */
import { z } from "zod";
import { skippedResult, univariateStream } from "../common/input-guard";
import { zToScore } from "../common/normal";
import type { Detector, DetectorDefinition } from "../types";
import { scaleFloor } from "./zscore";

export const ewmaParams = z.object({
  alpha: z.number().gt(0).max(1).default(0.05).describe("Weight of each new point in the mean/variance estimate"),
  lambda: z.number().gt(0).max(1).default(1).describe("Smoothing of the charted statistic (1 = no smoothing)"),
  L: z.number().positive().default(3).describe("Control-limit width in standard deviations of the statistic"),
  minPoints: z.number().int().min(2).default(20).describe("Points needed before scoring starts (warm-up)"),
});
export type EwmaParams = z.infer<typeof ewmaParams>;

export interface EwmaState {
  lastT: number | null;
  n: number;
  mean: number;
  variance: number;
  stat: number;
}

export const ewma: DetectorDefinition<EwmaParams, EwmaState> = {
  kind: "ewma",
  label: "EWMA control chart",
  description: "Exponentially weighted mean and variance with L-sigma control limits.",
  input: "univariate",
  needsTraining: false,
  params: ewmaParams,
  defaultThreshold: 0.5,
  create(params, state) {
    const p = ewmaParams.parse(params);
    let { n, mean, variance, stat } = state ?? { n: 0, mean: 0, variance: 0, stat: 0 };
    const statFactor = Math.sqrt(p.lambda / (2 - p.lambda));

    const learn = (x: number) => {
      n++;
      const a = Math.max(1 / n, p.alpha);
      const d = x - mean;
      mean += a * d;
      // West (1979) incremental form; for a = 1/n it is the (biased) running variance.
      variance = (1 - a) * (variance + a * d * d);
    };

    const stream = univariateStream(state?.lastT ?? null, (t, x) => {
      if (n < p.minPoints) {
        learn(x);
        stat = mean;
        return skippedResult(t, "warmup");
      }
      const sigma = Math.max(Math.sqrt(variance), scaleFloor(mean));
      const statSigma = sigma * statFactor;
      const prevStat = stat;
      stat = p.lambda * x + (1 - p.lambda) * prevStat;
      const zv = (stat - mean) / statSigma;
      // The band is in value space: the values that would keep the statistic inside its limits.
      const lower = (mean - p.L * statSigma - (1 - p.lambda) * prevStat) / p.lambda;
      const upper = (mean + p.L * statSigma - (1 - p.lambda) * prevStat) / p.lambda;
      const expected = (mean - (1 - p.lambda) * prevStat) / p.lambda;
      learn(x);
      return { t: t, score: zToScore(zv), raw: zv, expected, lower, upper };
    });
    const detector: Detector<EwmaState> = {
      kind: "ewma",
      train: stream.train,
      update: stream.update,
      getState: () => ({ lastT: stream.lastT, n, mean, variance, stat }),
    };
    return detector;
  },
};
