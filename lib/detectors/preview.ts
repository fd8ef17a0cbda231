/**
 * The detector preview: the same pure detector the worker runs, over a window of stored points.
 * Algorithms that need training are trained on the first quarter and score the rest.
 */
import { createDetector, getDefinition, toEvents, type Scored } from "@/lib/detection";
import type { PreviewEvent, PreviewPoint, PreviewResult } from "@/lib/detectors/schemas";

export const TRAIN_FRACTION = 0.25;

export interface PreviewInput {
  algorithm: string;
  params: unknown;
  threshold: number;
  points: { t: number; value: number }[];
}

const finite = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? null : x);

export interface ScoredPreview {
  points: { t: number; value: number }[];
  /** One result per point after the training part. */
  scored: Scored[];
  trainedOn: number;
}

/**
 * Scores the points once (training on the first quarter when the algorithm needs it). The
 * threshold plays no part in scoring, so events at any threshold come from `previewEventsAt`
 * without scoring again: the evaluation's precision-recall curve and the what-if use this. With
 * `state` (a stored model version's detector state) the detector resumes from it instead.
 */
export function scorePreview({ algorithm, params, points, state }: Omit<PreviewInput, "threshold"> & { state?: unknown }): ScoredPreview {
  const detector = createDetector(algorithm, params, state);
  // A saved state (a stored model version) is already trained: it scores every point.
  const trainedOn = state === undefined && getDefinition(algorithm).needsTraining && detector.train ? Math.floor(points.length * TRAIN_FRACTION) : 0;
  if (trainedOn > 0) detector.train!(points.slice(0, trainedOn).map((p) => ({ t: p.t, values: [p.value] })));
  const scored: Scored[] = points.slice(trainedOn).map((p) => detector.update({ t: p.t, values: [p.value] }));
  return { points, scored, trainedOn };
}

/** The events a scored preview gives at `threshold`. */
export function previewEventsAt({ points, scored, trainedOn }: ScoredPreview, threshold: number): PreviewEvent[] {
  return toEvents(scored, { threshold }, points.slice(trainedOn).map((p) => p.value)).map((e) => ({
    start: e.start,
    end: e.end,
    peakT: e.peakT,
    peakScore: e.peakScore,
    severity: e.severity,
    pointCount: e.pointCount,
  }));
}

export function runPreview({ algorithm, params, threshold, points }: PreviewInput): PreviewResult {
  const preview = scorePreview({ algorithm, params, points });
  const { scored, trainedOn } = preview;
  const events = previewEventsAt(preview, threshold);
  const out: PreviewPoint[] = points.map((p, i) => {
    const s = i >= trainedOn ? scored[i - trainedOn] : undefined;
    const real = s && !s.skipped;
    return {
      t: p.t,
      value: p.value,
      score: real ? s.score : null,
      expected: real ? finite(s.expected) : null,
      lower: real ? finite(s.lower) : null,
      upper: real ? finite(s.upper) : null,
    };
  });
  return { points: out, events, trainedOn };
}
