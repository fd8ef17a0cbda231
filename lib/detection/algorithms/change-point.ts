/**
 * Change points of the level (and, with `bocpd`, of the variance). Two methods:
 *
 * `cusum` (default): two-sided CUSUM (Page 1954) for sustained shifts of the mean. A reference
 * mean/std is learned over `referencePoints`; S+ and S- accumulate standardized deviations beyond
 * the slack k and an alarm fires when either exceeds h. After an alarm the sums reset and the
 * reference is re-learned on the data after the change, so one shift is one alarm (those points
 * are reported as warm-up). Score = S / (S + h): 0.5 exactly at the alarm boundary.
 *
 * `bocpd`: Bayesian online change-point detection (Adams & MacKay 2007, see ./bocpd.ts), Normal-
 * Gamma model, hazard 1/expectedRunLength, run lengths truncated at maxRunLength. The reference
 * points set the prior and the initial run. Score = posterior probability that the current
 * segment started within the last `changeWindow` points, P(ℓ_t ≤ changeWindow | x_1..t); raw =
 * the MAP run length; expected/lower/upper = the predictive Student-t of the MAP run length
 * before the point (band at the 3-sigma tail mass). Never re-learns: changes are in the model.
 *
 * Gaps: per point.
 */
import { z } from "zod";
import { skippedResult, univariateStream } from "../common/input-guard";
import { RunningStats, type RunningStatsState } from "../common/rolling-stats";
import type { Detector, DetectorDefinition, Scored } from "../types";
import { Bocpd, type BocpdState } from "./bocpd";
import { scaleFloor } from "./zscore";

export const changePointParams = z.object({
  method: z
    .enum(["cusum", "bocpd"])
    .default("cusum")
    .describe("cusum: two-sided CUSUM chart; bocpd: Bayesian online change-point detection (run-length posterior)"),
  referencePoints: z
    .number()
    .int()
    .min(3)
    .max(100_000)
    .default(50)
    .describe("Points used to learn the in-control mean and std (again after each alarm)"),
  k: z.number().min(0).default(0.5).describe("Slack, in std: shifts smaller than this are tolerated (half the shift to detect)"),
  h: z.number().positive().default(5).describe("Decision interval, in std: the accumulated evidence that raises an alarm"),
  expectedRunLength: z
    .number()
    .min(2)
    .default(250)
    .describe("bocpd: expected points between changes (constant hazard 1/this)"),
  maxRunLength: z
    .number()
    .int()
    .min(2)
    .max(100_000)
    .default(500)
    .describe("bocpd: run lengths kept in the posterior (cost per point is linear in it)"),
  changeWindow: z
    .number()
    .int()
    .min(1)
    .default(5)
    .describe("bocpd: score = posterior probability that the current segment started within this many points"),
});
export type ChangePointParams = z.infer<typeof changePointParams>;

export interface ChangePointState {
  lastT: number | null;
  reference: RunningStatsState;
  learning: boolean;
  up: number;
  down: number;
  /** bocpd only, once the reference is learned. */
  bocpd?: BocpdState | null;
}

export const changePoint: DetectorDefinition<ChangePointParams, ChangePointState> = {
  kind: "change-point",
  label: "Change point (CUSUM / Bayesian)",
  description:
    "Detects sustained shifts of the level with a two-sided cumulative-sum chart, or with Bayesian online change-point detection.",
  input: "univariate",
  needsTraining: false,
  params: changePointParams,
  defaultThreshold: 0.5,
  create(params, state) {
    const p = changePointParams.parse(params);
    let ref = new RunningStats(state?.reference);
    let learning = state?.learning ?? true;
    let up = state?.up ?? 0;
    let down = state?.down ?? 0;
    let bocpd = p.method === "bocpd" && state?.bocpd ? new Bocpd(p.maxRunLength, p.expectedRunLength, state.bocpd) : null;

    const stream = univariateStream(state?.lastT ?? null, (t, x) => {
      if (learning) {
        ref.push(x);
        if (ref.n >= p.referencePoints) {
          learning = false;
          if (p.method === "bocpd") {
            const floor = scaleFloor(ref.mean);
            bocpd = new Bocpd(p.maxRunLength, p.expectedRunLength);
            const { n, mean, m2 } = ref.getState();
            bocpd.init(n, mean, m2, floor * floor);
          }
        }
        return skippedResult(t, "warmup");
      }
      if (bocpd) {
        const band = bocpd.band();
        const step = bocpd.update(x, p.changeWindow);
        return { t: t, score: step.changeProbability, raw: step.mapRunLength, ...band };
      }
      const mu = ref.mean;
      const sigma = Math.max(ref.std(), scaleFloor(mu));
      // The band is what this point alone may be without tripping the chart, given the evidence so far.
      const upper = mu + sigma * (p.h + p.k - up);
      const lower = mu - sigma * (p.h + p.k - down);
      const zv = (x - mu) / sigma;
      up = Math.max(0, up + zv - p.k);
      down = Math.max(0, down - zv - p.k);
      const s = Math.max(up, down);
      const result: Scored = { t: t, score: s / (s + p.h), raw: up >= down ? up : -down, expected: mu, lower, upper };
      if (s > p.h) {
        up = 0;
        down = 0;
        ref = new RunningStats();
        learning = true;
      }
      return result;
    });
    const detector: Detector<ChangePointState> = {
      kind: "change-point",
      train: stream.train,
      update: stream.update,
      getState: () => ({ lastT: stream.lastT, reference: ref.getState(), learning, up, down, bocpd: bocpd ? bocpd.getState() : null }),
    };
    return detector;
  },
};
