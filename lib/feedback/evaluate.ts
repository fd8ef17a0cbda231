/**
 * Precision, recall and F1 of detected events against analysts' labels. Pure.
 *
 * The truth is a set of labelled spans: a true-positive label or a missed span is a positive, a
 * false-positive label a negative, unsure is neither. An event that overlaps a positive is a true
 * positive. A negative that any event overlaps is a false positive (once, however many events
 * flag it; an event that also covers a positive does not hide it, so one event spanning
 * everything is not "perfect"). An event that overlaps neither is unsure or unlabelled, counted
 * apart and never as right or wrong. A positive that no event overlaps is a false negative.
 */
export interface Span {
  start: number;
  end: number;
}

export type TruthKind = "positive" | "negative" | "unsure";

export interface TruthSpan extends Span {
  kind: TruthKind;
  /** Where it came from: a label on an incident, or a span marked missed. */
  origin: "label" | "missed";
  seriesId: string;
}

export interface DetectedEvent extends Span {
  seriesId: string;
}

export interface Counts {
  tp: number;
  fp: number;
  fn: number;
  unsure: number;
  unlabelled: number;
  /** Positive spans (labelled true positives and missed spans). */
  positives: number;
  events: number;
}

export interface Metrics extends Counts {
  precision: number | null;
  recall: number | null;
  f1: number | null;
}

export const overlaps = (a: Span, b: Span) => a.start <= b.end && b.start <= a.end;

export function withMetrics(c: Counts): Metrics {
  const precision = c.tp + c.fp > 0 ? c.tp / (c.tp + c.fp) : null;
  const recall = c.positives > 0 ? (c.positives - c.fn) / c.positives : null;
  const f1 = precision !== null && recall !== null && precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : precision === 0 || recall === 0 ? 0 : null;
  return { ...c, precision, recall, f1 };
}

/** What each event is against the truth of its series. */
export function classifyEvent(e: DetectedEvent, truth: readonly TruthSpan[]): "tp" | "fp" | "unsure" | "unlabelled" {
  let best: "tp" | "fp" | "unsure" | "unlabelled" = "unlabelled";
  for (const s of truth) {
    if (s.seriesId !== e.seriesId || !overlaps(s, e)) continue;
    if (s.kind === "positive") return "tp";
    if (s.kind === "negative") best = "fp";
    else if (best === "unlabelled") best = "unsure";
  }
  return best;
}

/** Positive spans that at least one event of their series overlaps. */
export function foundPositives(events: readonly DetectedEvent[], truth: readonly TruthSpan[]): Set<TruthSpan> {
  const found = new Set<TruthSpan>();
  for (const s of truth) {
    if (s.kind === "positive" && events.some((e) => e.seriesId === s.seriesId && overlaps(s, e))) found.add(s);
  }
  return found;
}

/** Negative spans (labelled false positives) that at least one event of their series overlaps. */
export function flaggedNegatives(events: readonly DetectedEvent[], truth: readonly TruthSpan[]): Set<TruthSpan> {
  return new Set(truth.filter((s) => s.kind === "negative" && events.some((e) => e.seriesId === s.seriesId && overlaps(e, s))));
}

function countEvents(c: Counts, events: readonly DetectedEvent[], truth: readonly TruthSpan[]) {
  for (const e of events) {
    const k = classifyEvent(e, truth);
    if (k !== "fp") c[k]++;
  }
}

export function evaluate(events: readonly DetectedEvent[], truth: readonly TruthSpan[]): Metrics {
  const c: Counts = { tp: 0, fp: 0, fn: 0, unsure: 0, unlabelled: 0, positives: 0, events: events.length };
  countEvents(c, events, truth);
  c.fp = flaggedNegatives(events, truth).size;
  const positives = truth.filter((s) => s.kind === "positive");
  c.positives = positives.length;
  c.fn = positives.length - foundPositives(events, positives).size;
  return withMetrics(c);
}

const DAY_MS = 86_400_000;

/** Monday 00:00 UTC of the week `t` falls in. */
export function weekStart(t: number): number {
  const day = Math.floor(t / DAY_MS);
  // 1970-01-01 was a Thursday: (day + 3) % 7 is days since Monday.
  return (day - (((day + 3) % 7) + 7) % 7) * DAY_MS;
}

export interface WeekMetrics extends Metrics {
  week: number;
}

/** One row per week from `from` to `to` (weeks without events or labels included, as zeros and nulls). */
export function weeklyTrend(events: readonly DetectedEvent[], truth: readonly TruthSpan[], from: number, to: number): WeekMetrics[] {
  const out: WeekMetrics[] = [];
  for (let w = weekStart(from); w <= to; w += 7 * DAY_MS) {
    const inWeek = (s: Span) => s.start >= w && s.start < w + 7 * DAY_MS;
    const weekEvents = events.filter(inWeek);
    // Events are judged against all the truth; the week's false negatives are its positives missed.
    const c: Counts = { tp: 0, fp: 0, fn: 0, unsure: 0, unlabelled: 0, positives: 0, events: weekEvents.length };
    countEvents(c, weekEvents, truth);
    c.fp = flaggedNegatives(events, truth.filter((s) => s.kind === "negative" && inWeek(s))).size;
    const positives = truth.filter((s) => s.kind === "positive" && inWeek(s));
    c.positives = positives.length;
    c.fn = positives.length - foundPositives(events, positives).size;
    out.push({ week: w, ...withMetrics(c) });
  }
  return out;
}
