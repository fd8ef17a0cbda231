/**
 * Static limits. Outside [min, max] the score is 1; inside, it is 0 except within `margin` of a
 * limit, where it ramps linearly from 0 up to 0.5 at the limit itself (on the limit is still
 * normal). The default threshold 0.9 flags only values outside; a threshold at or below 0.5 also
 * flags the warning zone. Stateless apart
 * from the ordering guard, so gaps change nothing.
 */
import { z } from "zod";
import { checkObservation, skippedResult } from "../common/input-guard";
import type { Detector, DetectorDefinition, Observation, Scored } from "../types";

export const thresholdParams = z
  .object({
    min: z.number().nullable().default(null).describe("Lowest normal value (empty: no lower limit)"),
    max: z.number().nullable().default(null).describe("Highest normal value (empty: no upper limit)"),
    margin: z
      .number()
      .min(0)
      .default(0)
      .describe("Warning zone inside each limit, in value units: scores ramp towards 0.5 across it"),
  })
  .refine((p) => p.min === null || p.max === null || p.min <= p.max, {
    message: "min must not exceed max",
    path: ["max"],
  });
export type ThresholdParams = z.infer<typeof thresholdParams>;

export interface ThresholdState {
  lastT: number | null;
}

export const threshold: DetectorDefinition<ThresholdParams, ThresholdState> = {
  kind: "threshold",
  label: "Static threshold",
  description: "Flags values below a minimum or above a maximum.",
  input: "univariate",
  needsTraining: false,
  params: thresholdParams,
  defaultThreshold: 0.9,
  create(params, state) {
    const p = thresholdParams.parse(params);
    let lastT = state?.lastT ?? null;
    const lo = p.min ?? -Infinity;
    const hi = p.max ?? Infinity;
    const detector: Detector<ThresholdState> = {
      kind: "threshold",
      update(obs: Observation): Scored {
        const reason = checkObservation(obs, lastT);
        if (reason) return skippedResult(obs.t, reason);
        lastT = obs.t;
        const x = obs.values[0];
        // raw: how far outside the range (negative inside: distance to the nearest limit).
        const outside = Math.max(lo - x, x - hi);
        let score = 0;
        if (outside > 0) score = 1;
        else if (p.margin > 0 && -outside < p.margin) score = 0.5 * (1 + outside / p.margin);
        const result: Scored = { t: obs.t, score, raw: Number.isFinite(outside) ? outside : 0 };
        result.expected = Math.min(hi, Math.max(lo, x));
        if (p.min !== null) result.lower = p.min;
        if (p.max !== null) result.upper = p.max;
        return result;
      },
      getState: () => ({ lastT }),
    };
    return detector;
  },
};
