/**
 * Scoring a period with a stored model version (lib/server/queries/model-versions.ts). A version's
 * state is the detector as it was when training ended; the live detector has since seen every
 * step after that. So the steps between the version's end and the period (`warmUp`, the last
 * WARMUP_POINTS of them, as the preview and the anomaly window warm up) are fed first, unscored,
 * and only the period's steps are scored. A step is a series' point (one value) or a group's
 * aligned vector (lib/server/queries/subject-points.ts): one path for both. Pure.
 */
import { createDetector, type Observation, type Scored } from "@/lib/detection";
import type { ScoredPreview } from "@/lib/detectors/preview";

type Point = { t: number; value: number };

/** The period's steps scored by the version resumed from `state`, warmed on `warmUp` (the steps before them). */
export function scoreStepsWithVersion(algorithm: string, params: unknown, state: unknown, warmUp: readonly Observation[], steps: readonly Observation[]): Scored[] {
  const first = steps[0]?.t ?? Infinity;
  const detector = createDetector(algorithm, params, state);
  for (const o of warmUp) if (o.t < first) detector.update(o);
  return steps.map((o) => detector.update(o));
}

/** `scoreStepsWithVersion` over a series' points, as a preview (events with `previewEventsAt`). */
export function scoreWithVersion(algorithm: string, params: unknown, state: unknown, warmUp: readonly Point[], points: Point[]): ScoredPreview {
  const obs = (p: Point): Observation => ({ t: p.t, values: [p.value] });
  return { points, scored: scoreStepsWithVersion(algorithm, params, state, warmUp.map(obs), points.map(obs)), unscored: 0, trainedOn: 0, trainedTo: null, excludedLabelled: 0 };
}

/** The warm-up of a version that ended at `trainedTo`: the steps after it, before the period (time order). */
export const warmUpAfter = <P extends { t: number }>(before: readonly P[], trainedTo: number) => before.filter((p) => p.t > trainedTo);
