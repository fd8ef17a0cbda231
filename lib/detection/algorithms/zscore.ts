/**
 * Rolling z-score: how many standard deviations a point sits from the mean of the previous
 * `window` points. Gaps: the window counts points, not time, so after a gap the reference is
 * simply the last `window` points seen.
 */
import { z } from "zod";
import { skippedResult, univariateStream } from "../common/input-guard";
import { scoreAgainst } from "../common/normal";
import { RollingStats, type RollingStatsState } from "../common/rolling-stats";
import type { Detector, DetectorDefinition } from "../types";

export const zscoreParams = z.object({
  window: z.number().int().min(2).max(100_000).default(100).describe("Points in the rolling reference window"),
  minPoints: z.number().int().min(2).default(20).describe("Points needed before scoring starts (warm-up)"),
  bandSigmas: z.number().positive().default(3).describe("Half-width of the reported normal band, in standard deviations"),
});
export type ZscoreParams = z.infer<typeof zscoreParams>;

export interface ZscoreState {
  lastT: number | null;
  stats: RollingStatsState | null;
}

/** Keeps z finite (and JSON-safe) when the window is constant. */
export function scaleFloor(center: number): number {
  return 1e-9 * Math.max(1, Math.abs(center));
}

export const zscore: DetectorDefinition<ZscoreParams, ZscoreState> = {
  kind: "zscore",
  label: "Rolling z-score",
  description: "Flags points far from the rolling mean, in rolling standard deviations.",
  input: "univariate",
  needsTraining: false,
  params: zscoreParams,
  defaultThreshold: 0.5,
  create(params, state) {
    const p = zscoreParams.parse(params);
    const stats = new RollingStats(p.window, state?.stats ?? undefined);
    const stream = univariateStream(state?.lastT ?? null, (t, x) => {
      if (stats.size < p.minPoints) {
        stats.push(x);
        return skippedResult(t, "warmup");
      }
      const mean = stats.mean;
      const std = Math.max(stats.std(), scaleFloor(mean));
      stats.push(x);
      return scoreAgainst(t, x, mean, std, p.bandSigmas);
    });
    const detector: Detector<ZscoreState> = {
      kind: "zscore",
      train: stream.train,
      update: stream.update,
      getState: () => ({ lastT: stream.lastT, stats: stats.getState() }),
    };
    return detector;
  },
};
