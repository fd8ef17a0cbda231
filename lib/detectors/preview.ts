/**
 * The detector preview: the same pure detector the worker runs, over a window of stored points,
 * split into training and scoring by the worker's own rule (`trainingSplit`, lib/detection/training.ts):
 * a detector that trains learns the training window ending just before the window (the points
 * given as `history`) and scores the window; one that does not is warmed up on the history.
 */
import { createDetector, toEvents, type Scored } from "@/lib/detection";
import { trainingSplit } from "@/lib/detection/training";
import type { PreviewEvent, PreviewPoint, PreviewResult } from "@/lib/detectors/schemas";

type Point = { t: number; value: number };

export interface PreviewInput {
  algorithm: string;
  params: unknown;
  threshold: number;
  /** The points shown and scored. */
  points: Point[];
  /** Points before `points` (time order): a trained detector's training window, else its warm-up. */
  history?: Point[];
  /** The detector's training window (null: the default week). */
  trainingWindowHours?: number | null;
}

const finite = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? null : x);
const obs = (p: Point) => ({ t: p.t, values: [p.value] });

export interface ScoredPreview {
  points: Point[];
  /** One result per point of `points` after the first `unscored`. */
  scored: Scored[];
  /** Leading points of `points` the model trained on instead of scoring them (a series without history). */
  unscored: number;
  /** Points the model trained on, before or inside the window, and the last one's time. */
  trainedOn: number;
  trainedTo: number | null;
}

/**
 * Scores the points once. The threshold plays no part in scoring, so events at any threshold come
 * from `previewEventsAt` without scoring again: the evaluation's precision-recall curve and the
 * what-if use this. With `state` (a stored model version's detector state) the detector resumes
 * from it instead and scores every point (it is already trained).
 */
export function scorePreview({ algorithm, params, points, history = [], trainingWindowHours, state }: Omit<PreviewInput, "threshold"> & { state?: unknown }): ScoredPreview {
  const detector = createDetector(algorithm, params, state);
  if (state !== undefined) {
    const scored = points.map((p) => detector.update(obs(p)));
    return { points, scored, unscored: 0, trainedOn: 0, trainedTo: null };
  }
  const split = trainingSplit({ algorithm, params, trainingWindowHours }, history, points);
  if (split.train.length > 0) detector.train?.(split.train.map(obs));
  const all = split.score.map((p) => detector.update(obs(p)));
  const scored = all.slice(all.length - Math.min(all.length, points.length));
  return { points, scored, unscored: points.length - scored.length, trainedOn: split.train.length, trainedTo: split.train.at(-1)?.t ?? null };
}

/** The events a scored preview gives at `threshold`. */
export function previewEventsAt({ points, scored, unscored }: ScoredPreview, threshold: number): PreviewEvent[] {
  return toEvents(scored, { threshold }, points.slice(unscored).map((p) => p.value)).map((e) => ({
    start: e.start,
    end: e.end,
    peakT: e.peakT,
    peakScore: e.peakScore,
    severity: e.severity,
    pointCount: e.pointCount,
  }));
}

export function runPreview(input: PreviewInput): PreviewResult {
  const preview = scorePreview(input);
  const { scored, unscored, trainedOn, trainedTo } = preview;
  const events = previewEventsAt(preview, input.threshold);
  const out: PreviewPoint[] = input.points.map((p, i) => {
    const s = i >= unscored ? scored[i - unscored] : undefined;
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
  return { points: out, events, trainedOn, trainedTo, unscored };
}
