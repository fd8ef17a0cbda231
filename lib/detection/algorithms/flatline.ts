/**
 * Flatline / stuck sensor: a run of repeated values (within `tolerance` of the run's first value)
 * longer than this series makes, once it has changed value at least `minChanges` times (a series
 * that never moved is constant, not stuck). The series' own habits, from completed runs, set the bar:
 * - p, the share of consecutive points that repeat (exponentially weighted over `horizon` points,
 *   prior `priorRepeat`), so a run of r repeats beyond the reference has probability p^(r - ref)
 *   if repeats were independent: decades of surprise (r - ref) * -log10(p);
 * - ref, the longest run seen (decaying by 1/`horizon` per point), so series that plateau by
 *   nature (step-like counters, integer counts) must exceed their own longest plateaus.
 * A continuous noisy series that repeats one value 8 times scores high; a step-like one does only
 * when it sticks far longer than it ever did. Gaps: counts points, not time.
 */
import { z } from "zod";
import { skippedResult, univariateStream } from "../common/input-guard";
import { decadesToScore } from "../common/normal";
import type { Detector, DetectorDefinition } from "../types";

export const flatlineParams = z.object({
  tolerance: z.number().min(0).default(0).describe("Values within this of the run's first value count as unchanged"),
  horizon: z.number().int().min(10).max(1_000_000).default(5000).describe("Points over which repeat habits are learned"),
  priorRepeat: z.number().gt(0).lt(1).default(0.05).describe("Share of repeats assumed before any history"),
  minPoints: z.number().int().min(2).default(50).describe("Points needed before scoring starts (warm-up)"),
  minChanges: z
    .number()
    .int()
    .min(1)
    .default(10)
    .describe("Changes of value needed before a run can be judged: a series that never moved is not stuck"),
});
export type FlatlineParams = z.infer<typeof flatlineParams>;

export interface FlatlineState {
  lastT: number | null;
  /** First value of the current run, and its repeats so far. */
  runValue: number | null;
  run: number;
  /** Exponentially weighted pairs seen and repeats among them, over completed runs only. */
  pairs: number;
  repeats: number;
  changes: number;
  /** Longest completed run, decaying. */
  longest: number;
  seen: number;
}

/** The prior is worth this many pairs. */
const PRIOR_PAIRS = 20;
/** p never reaches 1: a series that always repeats still flags a run far beyond its longest. */
const MAX_REPEAT = 0.999;

export const flatline: DetectorDefinition<FlatlineParams, FlatlineState> = {
  kind: "flatline",
  label: "Flatline (stuck sensor)",
  description: "Flags a value that stops changing for longer than this series' repeats and plateaus make likely.",
  input: "univariate",
  needsTraining: false,
  params: flatlineParams,
  defaultThreshold: 0.5,
  create(params, state) {
    const p = flatlineParams.parse(params);
    const s: FlatlineState = state
      ? { ...state }
      : { lastT: null, runValue: null, run: 0, pairs: 0, repeats: 0, changes: 0, longest: 0, seen: 0 };
    s.changes ??= 0;
    const keep = 1 - 1 / p.horizon;
    const stream = univariateStream(s.lastT, (t, x) => {
      s.seen++;
      if (s.runValue !== null) {
        s.pairs *= keep;
        s.repeats *= keep;
        s.longest *= keep;
        if (Math.abs(x - s.runValue) <= p.tolerance) s.run++;
        else {
          // The run's pairs join the habits only once it ended: the current run is what is judged.
          s.pairs += s.run + 1;
          s.repeats += s.run;
          s.longest = Math.max(s.longest, s.run);
          s.changes++;
          s.run = 0;
          s.runValue = x;
        }
      } else s.runValue = x;
      if (s.seen < p.minPoints) return skippedResult(t, "warmup");
      if (s.changes < p.minChanges) return { t, score: 0, raw: s.run, expected: x, lower: x - p.tolerance, upper: x + p.tolerance };
      const repeatShare = Math.min(
        MAX_REPEAT,
        (s.repeats + PRIOR_PAIRS * p.priorRepeat) / (s.pairs + PRIOR_PAIRS),
      );
      const beyond = s.run - s.longest;
      const decades = beyond > 0 ? -beyond * Math.log10(repeatShare) : 0;
      const value = s.runValue!;
      return { t, score: decadesToScore(decades), raw: s.run, expected: value, lower: value - p.tolerance, upper: value + p.tolerance };
    });
    const detector: Detector<FlatlineState> = {
      kind: "flatline",
      train: stream.train,
      update: stream.update,
      getState: () => ({ ...s, lastT: stream.lastT }),
    };
    return detector;
  },
};
