/**
 * Event-level precision and recall against NAB windows, the view an on-call user has: alerts
 * (events, e.g. from `toEvents` in ../events.ts) either point at a real incident (window) or they do not.
 *
 * - An event is a hit when its closed interval [start, end] overlaps some window.
 * - A window is recalled when at least one event overlaps it.
 * - precision = hits / events, recall = recalled / windows, F1 their harmonic mean;
 *   each is null when its denominator is 0.
 * - `scoredFrom` drops events and windows that end before it (NAB's probationary period).
 */
import type { NabWindow } from "./windows";

export interface EventSpan {
  start: number;
  end: number;
}

export interface EventCounts {
  events: number;
  hits: number;
  windows: number;
  recalled: number;
}

export interface EventMetrics extends EventCounts {
  precision: number | null;
  recall: number | null;
  f1: number | null;
}

const overlaps = (a: EventSpan, b: NabWindow) => a.start <= b.end && b.start <= a.end;

export function countEvents(events: EventSpan[], windows: NabWindow[], scoredFrom = -Infinity): EventCounts {
  const liveEvents = events.filter((e) => e.end >= scoredFrom);
  const liveWindows = windows.filter((w) => w.end >= scoredFrom);
  return {
    events: liveEvents.length,
    hits: liveEvents.filter((e) => liveWindows.some((w) => overlaps(e, w))).length,
    windows: liveWindows.length,
    recalled: liveWindows.filter((w) => liveEvents.some((e) => overlaps(e, w))).length,
  };
}

export function addEventCounts(a: EventCounts, b: EventCounts): EventCounts {
  return {
    events: a.events + b.events,
    hits: a.hits + b.hits,
    windows: a.windows + b.windows,
    recalled: a.recalled + b.recalled,
  };
}

export function eventMetrics(counts: EventCounts): EventMetrics {
  const precision = counts.events > 0 ? counts.hits / counts.events : null;
  const recall = counts.windows > 0 ? counts.recalled / counts.windows : null;
  const f1 =
    precision === null || recall === null ? null : precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { ...counts, precision, recall, f1 };
}
