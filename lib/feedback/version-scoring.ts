/**
 * Scoring a period with a stored model version (lib/server/queries/model-versions.ts). A version's
 * state is the detector as it was when training ended; the live detector has since seen every
 * point after that. So the points between the version's end and the period (`warmUp`, the last
 * WARMUP_POINTS of them, as the preview and the anomaly window warm up) are fed first, unscored,
 * and only the period's points are scored. Pure.
 */
import { scorePreview, type ScoredPreview } from "@/lib/detectors/preview";

type Point = { t: number; value: number };

export function scoreWithVersion(algorithm: string, params: unknown, state: unknown, warmUp: readonly Point[], points: Point[]): ScoredPreview {
  const first = points[0]?.t ?? Infinity;
  const warm = warmUp.filter((p) => p.t < first);
  const all = scorePreview({ algorithm, params, points: [...warm, ...points], state });
  return { ...all, points, scored: all.scored.slice(warm.length), unscored: 0 };
}

/** The warm-up of a version that ended at `trainedTo`: the points after it, before the period (time order). */
export const warmUpAfter = (before: readonly Point[], trainedTo: number) => before.filter((p) => p.t > trainedTo);
