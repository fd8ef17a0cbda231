/**
 * The precision-recall curve over the threshold and the suggested thresholds. Pure: each series of
 * the labelled history is scored once with the detector preview (`scorePreview`, the same pure
 * library the worker runs); events at each threshold come from `previewEventsAt`.
 */
import { previewEventsAt, type ScoredPreview } from "@/lib/detectors/preview";
import { evaluate, overlaps, type DetectedEvent, type Metrics, type Span, type TruthSpan } from "@/lib/feedback/evaluate";

export interface ScoredSeries {
  seriesId: string;
  preview: ScoredPreview;
}

export interface CurvePoint extends Metrics {
  threshold: number;
  /**
   * F1 with unlabelled events counted as false positives. Suggestions use it: a threshold is not
   * moved on no evidence (a lower one flags events nobody labelled; only missed spans it finds
   * speak for it). The measured precision, recall and F1 keep unlabelled events apart.
   */
  cautiousF1: number | null;
  /** Points inside the events at this threshold, and the scored points of the period: the flood guard reads them. */
  flaggedPoints: number;
  points: number;
}

/** Adds `cautiousF1` to metrics. */
export function withCautious<M extends Metrics>(m: M): M & { cautiousF1: number | null } {
  const p = m.tp + m.fp + m.unlabelled > 0 ? m.tp / (m.tp + m.fp + m.unlabelled) : null;
  const cautiousF1 = p !== null && m.recall !== null ? (p + m.recall > 0 ? (2 * p * m.recall) / (p + m.recall) : 0) : m.f1;
  return { ...m, cautiousF1 };
}

/** 0.05, 0.06, ... 0.99: the grid the curve and the suggestions are computed on. */
export const THRESHOLD_GRID: readonly number[] = Array.from({ length: 95 }, (_, i) => Math.round((0.05 + i * 0.01) * 100) / 100);

/** The events of every series at `threshold` that overlap the period. */
export function eventsAt(series: readonly ScoredSeries[], threshold: number, period: Span): (DetectedEvent & { peakScore: number; pointCount: number })[] {
  return series.flatMap((s) =>
    previewEventsAt(s.preview, threshold)
      .filter((e) => overlaps({ start: e.start, end: e.end }, period))
      .map((e) => ({ seriesId: s.seriesId, start: e.start, end: e.end, peakScore: e.peakScore, pointCount: e.pointCount })),
  );
}

/** Scored points (after training) of every series inside the period. */
export function scoredPointsIn(series: readonly ScoredSeries[], period: Span): number {
  return series.reduce((n, s) => n + s.preview.scored.filter((x) => x.t >= period.start && x.t <= period.end).length, 0);
}

function pointAt(series: readonly ScoredSeries[], truth: readonly TruthSpan[], period: Span, threshold: number, points: number): CurvePoint {
  const events = eventsAt(series, threshold, period);
  return { ...withCautious({ threshold, ...evaluate(events, truth) }), flaggedPoints: events.reduce((n, e) => n + e.pointCount, 0), points };
}

export function precisionRecallCurve(series: readonly ScoredSeries[], truth: readonly TruthSpan[], period: Span, grid: readonly number[] = THRESHOLD_GRID): CurvePoint[] {
  const points = scoredPointsIn(series, period);
  return grid.map((threshold) => pointAt(series, truth, period, threshold, points));
}

/** Labels a suggestion needs: this many labelled spans, with both true and false ones among them. */
export const MIN_LABELS = 10;

export function enoughLabels(truth: readonly TruthSpan[]): boolean {
  const pos = truth.filter((s) => s.kind === "positive").length;
  const neg = truth.filter((s) => s.kind === "negative").length;
  return pos > 0 && neg > 0 && pos + neg >= MIN_LABELS;
}

export interface Suggestion {
  threshold: number;
  rule: "best-f1" | "target-recall";
  metrics: CurvePoint;
  /** The threshold the labels alone would pick, when the flood guard held it back, and why. */
  withheld?: { threshold: number; reason: string };
}

/**
 * The flood guard. A threshold below today's is suggested only when it stays within
 * `MAX_FLAG_FACTOR` times today's flagged points (or `MAX_FLAGGED_SHARE` of all points, whichever
 * is more) and is judged on at least `MIN_POSITIVES_TO_LOWER` true anomalies (labelled or missed).
 * Without it, when today's threshold finds none of one or two labelled anomalies, a much lower
 * threshold that merges a stretch of points into one long event "finds" them, wins on F1 and
 * floods the data the labels did not see (bench:feedback, lib/feedback/README.md).
 */
export const MAX_FLAGGED_SHARE = 0.01;
export const MAX_FLAG_FACTOR = 2;
export const MIN_POSITIVES_TO_LOWER = 3;

const pct = (x: number) => `${(x * 100).toFixed(x < 0.01 ? 2 : 1)}%`;

/** Why `p` may not be suggested over `current` (null: it may). */
export function floodReason(p: CurvePoint, current: CurvePoint | undefined): string | null {
  if (!current || p.threshold >= current.threshold) return null;
  if (p.positives < MIN_POSITIVES_TO_LOWER) {
    return `a lower threshold needs at least ${MIN_POSITIVES_TO_LOWER} true anomalies (labelled or marked missed) to be judged on; there ${p.positives === 1 ? "is 1" : `are ${p.positives}`}`;
  }
  const cap = Math.max(MAX_FLAG_FACTOR * current.flaggedPoints, MAX_FLAGGED_SHARE * p.points);
  if (p.flaggedPoints > cap) {
    const share = (n: number) => pct(p.points ? n / p.points : 0);
    return `it would flag ${share(p.flaggedPoints)} of points (today ${share(current.flaggedPoints)}); a lower threshold may flag at most ${MAX_FLAG_FACTOR}× today's points or ${pct(MAX_FLAGGED_SHARE)} of them`;
  }
  return null;
}

function guarded(pick: (curve: readonly CurvePoint[]) => CurvePoint | null, curve: readonly CurvePoint[], current: CurvePoint | undefined, rule: Suggestion["rule"]): Suggestion | null {
  const free = pick(curve);
  if (!free) return null;
  const reason = floodReason(free, current);
  if (reason === null) return { threshold: free.threshold, rule, metrics: free };
  const allowed = pick(curve.filter((p) => floodReason(p, current) === null)) ?? current ?? null;
  const withheld = { threshold: free.threshold, reason };
  return allowed ? { threshold: allowed.threshold, rule, metrics: allowed, withheld } : null;
}

/**
 * The threshold with the best F1 (cautious: unlabelled events count as false); null without a usable label. When several thresholds tie (a
 * plateau between the scores of the labelled events), the middle one: it keeps a margin on both
 * sides, so it carries over to data the labels did not see better than the plateau's edge. When
 * the `current` threshold already does as well on the labels, it is the suggestion: a change the
 * labels cannot tell apart is not worth making.
 */
export function suggestBestF1(curve: readonly CurvePoint[], current?: CurvePoint): Suggestion | null {
  return guarded((c) => bestF1Point(c, current), curve, current, "best-f1");
}

function bestF1Point(curve: readonly CurvePoint[], current?: CurvePoint): CurvePoint | null {
  const best = Math.max(0, ...curve.map((p) => p.cautiousF1 ?? 0));
  if (best <= 0) return null;
  if (current?.cautiousF1 != null && current.cautiousF1 >= best - 1e-12) return current;
  const tied = curve.filter((p) => p.cautiousF1 !== null && Math.abs(p.cautiousF1 - best) < 1e-12).sort((a, b) => a.threshold - b.threshold);
  return tied[Math.floor((tied.length - 1) / 2)];
}

/** The current threshold judged on the same scored history, to compare suggestions with. */
export function curvePointAt(series: readonly ScoredSeries[], truth: readonly TruthSpan[], period: Span, threshold: number): CurvePoint {
  return pointAt(series, truth, period, threshold, scoredPointsIn(series, period));
}

/**
 * The lowest alert volume whose recall is at least `target`: the highest such threshold (a higher
 * threshold flags a subset of the points; counting events instead would favour one event merged
 * over everything). Null if no threshold reaches it.
 */
export function suggestForRecall(curve: readonly CurvePoint[], target: number, current?: CurvePoint): Suggestion | null {
  const pick = (c: readonly CurvePoint[]) => {
    let best: CurvePoint | null = null;
    for (const p of c) if (p.recall !== null && p.recall >= target && (best === null || p.threshold > best.threshold)) best = p;
    return best;
  };
  return guarded(pick, curve, current, "target-recall");
}
