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
export function eventsAt(series: readonly ScoredSeries[], threshold: number, period: Span): (DetectedEvent & { peakScore: number })[] {
  return series.flatMap((s) =>
    previewEventsAt(s.preview, threshold)
      .filter((e) => overlaps({ start: e.start, end: e.end }, period))
      .map((e) => ({ seriesId: s.seriesId, start: e.start, end: e.end, peakScore: e.peakScore })),
  );
}

export function precisionRecallCurve(series: readonly ScoredSeries[], truth: readonly TruthSpan[], period: Span, grid: readonly number[] = THRESHOLD_GRID): CurvePoint[] {
  return grid.map((threshold) => withCautious({ threshold, ...evaluate(eventsAt(series, threshold, period), truth) }));
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
}

/**
 * The threshold with the best F1 (cautious: unlabelled events count as false); null without a usable label. When several thresholds tie (a
 * plateau between the scores of the labelled events), the middle one: it keeps a margin on both
 * sides, so it carries over to data the labels did not see better than the plateau's edge. When
 * the `current` threshold already does as well on the labels, it is the suggestion: a change the
 * labels cannot tell apart is not worth making.
 */
export function suggestBestF1(curve: readonly CurvePoint[], current?: CurvePoint): Suggestion | null {
  const best = Math.max(0, ...curve.map((p) => p.cautiousF1 ?? 0));
  if (best <= 0) return null;
  if (current?.cautiousF1 != null && current.cautiousF1 >= best - 1e-12) return { threshold: current.threshold, rule: "best-f1", metrics: current };
  const tied = curve.filter((p) => p.cautiousF1 !== null && Math.abs(p.cautiousF1 - best) < 1e-12).sort((a, b) => a.threshold - b.threshold);
  const mid = tied[Math.floor((tied.length - 1) / 2)];
  return { threshold: mid.threshold, rule: "best-f1", metrics: mid };
}

/** The current threshold judged on the same scored history, to compare suggestions with. */
export function curvePointAt(series: readonly ScoredSeries[], truth: readonly TruthSpan[], period: Span, threshold: number): CurvePoint {
  return withCautious({ threshold, ...evaluate(eventsAt(series, threshold, period), truth) });
}

/**
 * The lowest alert volume whose recall is at least `target`: the highest such threshold (a higher
 * threshold flags a subset of the points; counting events instead would favour one event merged
 * over everything). Null if no threshold reaches it.
 */
export function suggestForRecall(curve: readonly CurvePoint[], target: number): Suggestion | null {
  let best: CurvePoint | null = null;
  for (const p of curve) if (p.recall !== null && p.recall >= target && (best === null || p.threshold > best.threshold)) best = p;
  return best ? { threshold: best.threshold, rule: "target-recall", metrics: best } : null;
}
