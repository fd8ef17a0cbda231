/**
 * Robust z-score: distance from the rolling median in units of 1.4826 * MAD, so a few outliers
 * in the window neither move the centre nor inflate the scale the way they do for mean/std.
 * Gaps: the window counts points, not time.
 */
import { z } from "zod";
import { skippedResult, univariateStream } from "../common/input-guard";
import { scoreAgainst } from "../common/normal";
import { MAD_TO_SIGMA, SortedWindow } from "../common/sorted-window";
import type { Detector, DetectorDefinition } from "../types";
import { scaleFloor } from "./zscore";

export const robustZscoreParams = z.object({
  window: z.number().int().min(3).max(100_000).default(200).describe("Points in the rolling reference window"),
  minPoints: z.number().int().min(3).default(20).describe("Points needed before scoring starts (warm-up)"),
  bandSigmas: z.number().positive().default(3).describe("Half-width of the reported normal band, in robust sigmas"),
  minScale: z
    .number()
    .min(0)
    .default(0)
    .describe("Smallest scale (value units) a deviation is measured in; stops flat series flagging tiny changes"),
});
export type RobustZscoreParams = z.infer<typeof robustZscoreParams>;

export interface RobustZscoreState {
  lastT: number | null;
  window: number[];
  /** The last spread measured while the window still varied (absent in states before it existed). */
  lastScale?: number;
}

/** Mean absolute deviation of a normal sample times this estimates its standard deviation. */
const MEAN_AD_TO_SIGMA = Math.sqrt(Math.PI / 2);

/**
 * Robust sigma of a window: MAD, then the interquartile range when more than half the window is
 * one value (MAD = 0 on step-like series), then, when more than three quarters are (a plateau),
 * the larger of the mean absolute deviation and `lastScale`, the spread the series had before the
 * plateau; then the floors. Without the plateau rung a flat stretch has a scale of 1e-9 and its
 * first change scores exactly 1.
 */
export function robustScale(w: SortedWindow, center: number, minScale: number, lastScale = 0): number {
  let s = MAD_TO_SIGMA * w.mad(center);
  if (s === 0) s = (w.quantile(0.75) - w.quantile(0.25)) / 1.349;
  if (s === 0) s = Math.max(MEAN_AD_TO_SIGMA * w.meanAbsDeviation(center), lastScale);
  return Math.max(s, minScale, scaleFloor(center));
}

/** MAD or IQR spread of the window, 0 on a plateau: what `lastScale` remembers. */
function spreadOf(w: SortedWindow, center: number): number {
  const s = MAD_TO_SIGMA * w.mad(center);
  return s > 0 ? s : (w.quantile(0.75) - w.quantile(0.25)) / 1.349;
}

export const robustZscore: DetectorDefinition<RobustZscoreParams, RobustZscoreState> = {
  kind: "robust-zscore",
  label: "Robust z-score (median/MAD)",
  description: "Flags points far from the rolling median, in rolling median absolute deviations.",
  input: "univariate",
  needsTraining: false,
  params: robustZscoreParams,
  defaultThreshold: 0.5,
  create(params, state) {
    const p = robustZscoreParams.parse(params);
    const win = new SortedWindow(p.window, state?.window);
    let lastScale = state?.lastScale ?? 0;
    const stream = univariateStream(state?.lastT ?? null, (t, x) => {
      if (win.size < p.minPoints) {
        win.push(x);
        return skippedResult(t, "warmup");
      }
      const med = win.median();
      const scale = robustScale(win, med, p.minScale, lastScale);
      const spread = spreadOf(win, med);
      if (spread > 0) lastScale = spread;
      win.push(x);
      return scoreAgainst(t, x, med, scale, p.bandSigmas);
    });
    const detector: Detector<RobustZscoreState> = {
      kind: "robust-zscore",
      train: stream.train,
      update: stream.update,
      getState: () => ({ lastT: stream.lastT, window: win.toArray(), lastScale }),
    };
    return detector;
  },
};
