/**
 * The one train/score split (issue 13): whether a detector trains, and on which points. The
 * pipeline's `train.run`, the detector preview, the evaluation's re-scoring and the anomaly page's
 * band all use it, so what the preview shows is what the worker does: a model trained on the
 * `trainingWindowHours` (default a week, at most MAX_TRAINING_POINTS points) ending at the
 * watermark scores every point after it.
 */
import { detectorDefinitions } from "./registry";

export const DEFAULT_TRAINING_HOURS = 7 * 24;
export const MAX_TRAINING_POINTS = 50_000;

/**
 * Whether a detector is trained (by `train.run`, on demand or on its retrain cron): its algorithm
 * is, or, for an ensemble, any of its members is (at any depth). Unknown kinds are not.
 */
export function needsTraining(algorithm: string, params?: unknown): boolean {
  if (!Object.hasOwn(detectorDefinitions, algorithm)) return false;
  if (detectorDefinitions[algorithm].needsTraining) return true;
  const members = (params as { members?: unknown } | null | undefined)?.members;
  return Array.isArray(members) && members.some((m: { kind?: unknown; params?: unknown }) => typeof m?.kind === "string" && needsTraining(m.kind, m.params));
}

export const trainingHours = (hours: number | null | undefined) => hours ?? DEFAULT_TRAINING_HOURS;

/**
 * The training window of `history` (time order) ending at its last point, the watermark: the
 * points after `watermark - hours`, the newest MAX_TRAINING_POINTS of them.
 */
export function trainingWindow<P extends { t: number }>(history: readonly P[], hours: number | null | undefined): P[] {
  const last = history.at(-1);
  if (!last) return [];
  const from = last.t - trainingHours(hours) * 3_600_000;
  let i = history.length;
  while (i > 0 && history[i - 1].t > from && history.length - i < MAX_TRAINING_POINTS) i--;
  return history.slice(i);
}

export interface TrainingSplit<P> {
  /** What the model trains on (empty for detectors that do not train). */
  train: P[];
  /** What is scored, in order: for a trained detector, the points after the watermark. */
  score: P[];
}

/**
 * Splits points (time order) the way the worker would: `history` is what lies before the scored
 * range. A detector that trains learns the training window ending at the last history point and
 * scores `points`; one that does not scores history and points alike (the history warms it up).
 * When a trained detector has no history (a series younger than the range), the watermark falls
 * inside the range: the range's first `hours`, at most half its points, train and the rest is scored.
 */
export function trainingSplit<P extends { t: number }>(
  input: { algorithm: string; params?: unknown; trainingWindowHours?: number | null },
  history: readonly P[],
  points: readonly P[],
): TrainingSplit<P> {
  if (!needsTraining(input.algorithm, input.params)) return { train: [], score: [...history, ...points] };
  if (history.length > 0) return { train: trainingWindow(history, input.trainingWindowHours), score: [...points] };
  if (points.length === 0) return { train: [], score: [] };
  const until = points[0].t + trainingHours(input.trainingWindowHours) * 3_600_000;
  let end = 0;
  while (end < points.length && end < Math.floor(points.length / 2) && points[end].t < until) end++;
  return { train: trainingWindow(points.slice(0, end), input.trainingWindowHours), score: points.slice(end) };
}
