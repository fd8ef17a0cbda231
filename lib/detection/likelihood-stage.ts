/**
 * The default ensemble's anomaly-likelihood stage for a single calibrated kind (issue 13): the
 * kind's score goes through the same `AnomalyLikelihood` (common/anomaly-likelihood.ts, with the
 * default ensemble's parameters: 5-point short window, 1000-point horizon, 100 learning points,
 * minStd 0.625 decades) and the point's own calibrated score times `pointWeight` (0.75) joins after
 * it, exactly as in the default ensemble. Alone, a kind's calibrated score flickers around its
 * threshold on noisy stretches; the likelihood asks whether the last few points together are
 * unusual for this series, so noisy series stay quiet and a run of surprises alerts early.
 *
 * The likelihood averages 5 points, so it lingers after the point that raised it: its run above
 * the threshold says little about how long the anomaly lasted. `span: "hold"` (hysteresis) takes
 * the event's START from the likelihood (score at or above `openAbove`) and its SPAN from the
 * kind's own calibrated score: the span goes on while that score stays at or above `hold` (default
 * 0.5, the threshold: each point of the span is itself that rare), reported as at least `openAbove`; when it falls below `hold` the span ends,
 * and while the likelihood's tail is still at or above `openAbove` it reports its score times
 * openAbove / 2 (a new span opens only when the point itself is at `openAbove` again).
 * `span: "likelihood"` reports the likelihood stage as it is (the incident gate's `keep` decides).
 *
 * State: under `likelihood` in the detector's state (wrapped by calibrated.ts). A saved state
 * without it ran without the stage and resumes without it (the gate's pattern, gate.ts).
 */
import { z } from "zod";
import {
  AnomalyLikelihood,
  likelihoodParams,
  surprise,
  type LikelihoodState,
} from "./common/anomaly-likelihood";

export const likelihoodStageParams = (enabledByDefault: boolean) =>
  likelihoodParams
    .extend({
      enabled: z.boolean().default(enabledByDefault).describe("Report the anomaly likelihood of the calibrated score (the default ensemble's stage)"),
      shortWindow: z.number().int().min(1).max(1000).default(5).describe("Points averaged into the short-term score"),
      longWindow: z.number().int().min(10).max(1_000_000).default(1000).describe("Horizon in points of the long-term score distribution"),
      learningPoints: z.number().int().min(1).default(100).describe("Points before the likelihood reports (the calibrated score until then)"),
      minStd: z.number().positive().default(0.625).describe("Floor on the spread of averaged surprise (decades)"),
      from: z
        .enum(["native", "calibrated"])
        .default("native")
        .describe("The likelihood averages the surprise of the native score (as the default ensemble) or of the calibrated one"),
      pointWeight: z.number().min(0).max(1).default(0.75).describe("The point's own calibrated score times this joins after the likelihood"),
      span: z
        .enum(["hold", "likelihood"])
        .default("hold")
        .describe("hold: an event starts on the likelihood and lasts while the calibrated score stays at or above hold; likelihood: the stage's score as is"),
      openAbove: z.number().min(0.01).max(1).default(0.5).describe("Stage score that starts an event (the default threshold)"),
      hold: z.number().min(0).max(1).default(0.5).describe("Calibrated score an event's span needs to go on (0.5: each point of the span as rare as the threshold)"),
    })
    .describe("Anomaly-likelihood stage");
export type LikelihoodStageParams = z.infer<ReturnType<typeof likelihoodStageParams>>;

export interface LikelihoodStageState {
  l: LikelihoodState;
  /** 0 idle, 1 inside a span, 2 after a span while the likelihood is still at or above openAbove. */
  phase: 0 | 1 | 2;
}

export function isLikelihoodStageState(x: unknown): x is LikelihoodStageState {
  return !!x && typeof x === "object" && typeof (x as LikelihoodStageState).phase === "number";
}

export class LikelihoodStage {
  private readonly likelihood: AnomalyLikelihood;
  private phase: 0 | 1 | 2;

  constructor(
    private readonly p: LikelihoodStageParams,
    state?: LikelihoodStageState,
  ) {
    this.likelihood = new AnomalyLikelihood(p, state?.l);
    this.phase = state?.phase ?? 0;
  }

  /** The reported score for one point: `native` the kind's own score, `calibrated` its calibrated score. */
  update(native: number, calibrated: number): number {
    const p = this.p;
    const r = this.likelihood.update(surprise(p.from === "native" ? native : calibrated));
    const l = r.learning ? calibrated : Math.max(r.logScore, p.pointWeight * calibrated);
    if (p.span === "likelihood") return l;
    const open = p.openAbove;
    if (this.phase === 1) {
      if (calibrated >= p.hold) return Math.max(l, open);
      this.phase = l >= open ? 2 : 0;
      return this.phase === 2 ? l * (open / 2) : l;
    }
    if (this.phase === 2) {
      if (l < open) {
        this.phase = 0;
        return l;
      }
      if (calibrated < open) return l * (open / 2);
      this.phase = 1;
      return l;
    }
    if (l >= open) this.phase = 1;
    return l;
  }

  getState(): LikelihoodStageState {
    return { l: this.likelihood.getState(), phase: this.phase };
  }
}
