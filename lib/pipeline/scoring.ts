/**
 * The bridge between stored rows and the pure detection library: a detector row plus its saved
 * checkpoint become a live detector and event tracker, and back again.
 */
import {
  createDetector,
  createEventTracker,
  type AnomalyEvent,
  type Detector,
  type EventTracker,
  type EventTrackerState,
} from "@/lib/detection";
import type { AnomalyWrite } from "@/lib/server/queries/anomalies";

export interface DetectorRow {
  id: string;
  algorithm: string;
  params: unknown;
  threshold: number;
}

/** What DetectorState.state holds. `config` detects an edited detector, whose old state no longer fits. */
export interface SavedState {
  v: 1;
  config: string;
  detector: unknown;
  events: EventTrackerState;
}

export interface Scorer {
  detector: Detector;
  tracker: EventTracker;
  /** Feeds one point; returns the events it closed. */
  push(t: number, value: number): AnomalyEvent[];
  save(): SavedState;
}

export function configKey(d: DetectorRow): string {
  return JSON.stringify({ a: d.algorithm, p: d.params ?? {}, t: d.threshold });
}

function isSavedState(s: unknown, config: string): s is SavedState {
  return typeof s === "object" && s !== null && (s as SavedState).v === 1 && (s as SavedState).config === config;
}

/** A scorer resumed from `saved` when it belongs to the same configuration, else a fresh one. */
export function createScorer(d: DetectorRow, saved?: unknown): Scorer {
  const config = configKey(d);
  const resume = isSavedState(saved, config) ? saved : undefined;
  const detector = createDetector(d.algorithm, d.params, resume?.detector);
  const tracker = createEventTracker({ threshold: d.threshold }, resume?.events);
  return {
    detector,
    tracker,
    push: (t, value) => tracker.push(detector.update({ t, values: [value] }), value),
    save: () => ({ v: 1, config, detector: detector.getState(), events: tracker.getState() }),
  };
}

const num = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? null : x);

export function toAnomalyWrite(e: AnomalyEvent): AnomalyWrite {
  return {
    startTs: new Date(e.start),
    endTs: new Date(e.end),
    peakTs: new Date(e.peakT),
    peakScore: e.peakScore,
    severity: e.severity.toUpperCase() as AnomalyWrite["severity"],
    pointCount: e.pointCount,
    actual: num(e.actual),
    expected: num(e.expected),
    lower: num(e.lower),
    upper: num(e.upper),
  };
}
