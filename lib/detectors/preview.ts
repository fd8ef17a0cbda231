/**
 * The detector preview: the same pure detector the worker runs, over a window of stored points,
 * split into training and scoring by the worker's own rule (`trainingSplit`, lib/detection/training.ts):
 * a detector that trains learns the training window ending just before the window (the points
 * given as `history`) and scores the window; one that does not is warmed up on the history.
 */
import { createDetector, toEvents, type Observation, type Scored } from "@/lib/detection";
import { trainingSplit } from "@/lib/detection/training";
import type { GroupPreviewResult, PreviewEvent, PreviewPoint, PreviewResult } from "@/lib/detectors/schemas";
import type { Span } from "@/lib/feedback/evaluate";
import { leaveOutSpans } from "@/lib/feedback/training-window";

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
  /** Spans left out of training (the detector's labelled anomalies), as `train.run` leaves them out. */
  leaveOut?: readonly Span[];
}

const finite = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? null : x);
const obs = (p: Point): Observation => ({ t: p.t, values: [p.value] });

export interface ScoredPreview {
  /** The scored points (a series') or steps (a group's: no single value). */
  points: { t: number; value?: number }[];
  /** One result per point of `points` after the first `unscored`. */
  scored: Scored[];
  /** Leading points of `points` the model trained on instead of scoring them (a series without history). */
  unscored: number;
  /** Points the model trained on, before or inside the window, and the last one's time. */
  trainedOn: number;
  trainedTo: number | null;
  /** Points of the training window left out as labelled anomalies (`leaveOut`). */
  excludedLabelled: number;
}

/**
 * Scores the points once. The threshold plays no part in scoring, so events at any threshold come
 * from `previewEventsAt` without scoring again: the evaluation's precision-recall curve and the
 * what-if use this. With `state` (a stored model version's detector state) the detector resumes
 * from it instead and scores every point (it is already trained).
 */
export function scorePreview({ algorithm, params, points, history = [], trainingWindowHours, leaveOut, state }: Omit<PreviewInput, "threshold"> & { state?: unknown }): ScoredPreview {
  return { points, ...scoreSplit({ algorithm, params, trainingWindowHours, leaveOut, state }, history, points, obs) };
}

/**
 * The worker's split and scoring over any observations (a series' points, a group's steps):
 * trained on the training window before `points` (or, without history, on their first part), less
 * the `leaveOut` spans (train.run's rule: the window first, then labelled anomalies out of it), or
 * resumed from `state`.
 */
function scoreSplit<P extends { t: number }>(
  { algorithm, params, trainingWindowHours, leaveOut = [], state }: { algorithm: string; params: unknown; trainingWindowHours?: number | null; leaveOut?: readonly Span[]; state?: unknown },
  history: P[],
  points: P[],
  toObs: (p: P) => Observation,
): Omit<ScoredPreview, "points"> {
  const detector = createDetector(algorithm, params, state);
  if (state !== undefined) return { scored: points.map((p) => detector.update(toObs(p))), unscored: 0, trainedOn: 0, trainedTo: null, excludedLabelled: 0 };
  const split = trainingSplit({ algorithm, params, trainingWindowHours }, history, points);
  const { kept: train, excluded } = leaveOutSpans(split.train, leaveOut);
  if (train.length > 0) detector.train?.(train.map(toObs));
  const all = split.score.map((p) => detector.update(toObs(p)));
  const scored = all.slice(all.length - Math.min(all.length, points.length));
  return { scored, unscored: points.length - scored.length, trainedOn: train.length, trainedTo: train.at(-1)?.t ?? null, excludedLabelled: excluded };
}

/** The events a scored preview gives at `threshold`. */
export function previewEventsAt({ points, scored, unscored }: ScoredPreview, threshold: number): PreviewEvent[] {
  const values = points.length && points[0].value !== undefined ? points.slice(unscored).map((p) => p.value!) : undefined;
  return toEvents(scored, { threshold }, values).map(eventSummary);
}

/** What a preview shows of an event: its span, peak, severity and length. */
function eventSummary(e: PreviewEvent): PreviewEvent {
  return { start: e.start, end: e.end, peakT: e.peakT, peakScore: e.peakScore, severity: e.severity, pointCount: e.pointCount };
}

export function runPreview(input: PreviewInput): PreviewResult {
  const preview = scorePreview(input);
  const { scored, unscored, trainedOn, trainedTo, excludedLabelled } = preview;
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
  return { points: out, events, trainedOn, trainedTo, unscored, excludedLabelled };
}

export interface GroupPreviewInput {
  algorithm: string;
  params: unknown;
  threshold: number;
  /** The group's aligned steps shown and scored (lib/pipeline/align.ts), members in vector order. */
  steps: Observation[];
  /** Steps before them: a trained detector's training window, else its warm-up. */
  history?: Observation[];
  trainingWindowHours?: number | null;
  /** Spans left out of training (the detector's labelled anomalies on the members). */
  leaveOut?: readonly Span[];
}

/**
 * A group's aligned steps scored once, as the worker scores a group (one vector per step): split
 * into training and scoring by the worker's rule, less `leaveOut`. The group preview and the
 * evaluation of a grouped detector without a model version (lib/server/queries/group-scoring.ts) use it.
 */
export function scoreGroupSteps({ algorithm, params, steps, history = [], trainingWindowHours, leaveOut }: Omit<GroupPreviewInput, "threshold">): ScoredPreview {
  return { points: steps.map((s) => ({ t: s.t })), ...scoreSplit({ algorithm, params, trainingWindowHours, leaveOut }, history, steps, (s) => s) };
}

/**
 * A grouped detector's preview: the group's steps, split and scored as the worker scores a group
 * (one vector per step), each scored step and event with the model's attribution per member.
 */
export function runGroupPreview({ algorithm, params, threshold, steps, history = [], trainingWindowHours, leaveOut }: GroupPreviewInput): Omit<GroupPreviewResult, "members"> {
  const { scored, unscored, trainedOn, trainedTo, excludedLabelled } = scoreGroupSteps({ algorithm, params, steps, history, trainingWindowHours, leaveOut });
  const events = toEvents(scored, { threshold }).map((e) => ({ ...eventSummary(e), attribution: e.attribution ?? null }));
  const points = steps.map((p, i) => {
    const s = i >= unscored ? scored[i - unscored] : undefined;
    const real = s && !s.skipped;
    return { t: p.t, values: p.values, score: real ? s.score : null, attribution: real ? (s.attribution ?? null) : null };
  });
  return { points, events, trainedOn, trainedTo, unscored, excludedLabelled };
}
