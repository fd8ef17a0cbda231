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
import type { IncidentWrite } from "@/lib/server/queries/incidents";

export interface DetectorRow {
  id: string;
  algorithm: string;
  params: unknown;
  threshold: number;
}

/** What a DetectorSnapshot holds. `config` detects an edited detector whose old state no longer fits. */
export interface SavedState {
  v: 1;
  config: string;
  detector: unknown;
  events: EventTrackerState;
}

export interface Scorer {
  detector: Detector;
  tracker: EventTracker;
  /** Feeds one step (one value per member of the subject); returns the events it closed. */
  push(t: number, values: number[]): AnomalyEvent[];
  save(): SavedState;
  /** Points pushed since the state it was built from (a snapshot is written when this grows large). */
  sinceSnapshot: number;
}

/**
 * What decides whether saved state still fits: the algorithm and its parameters. The threshold is
 * not part of it: it only turns scores into incidents, so changing it keeps the model and its state
 * (incidents are re-derived by a re-detection, see lib/server/queries/detectors.ts).
 */
export function configKey(d: Pick<DetectorRow, "algorithm" | "params">): string {
  return JSON.stringify({ a: d.algorithm, p: d.params ?? {} });
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
  const scorer: Scorer = {
    detector,
    tracker,
    sinceSnapshot: 0,
    push: (t, values) => {
      scorer.sinceSnapshot++;
      return tracker.push(detector.update({ t, values }), values.length === 1 ? values[0] : undefined);
    },
    save: () => ({ v: 1, config, detector: detector.getState(), events: tracker.getState() }),
  };
  return scorer;
}

const num = (x: number | undefined) => (x === undefined || !Number.isFinite(x) ? null : x);

/**
 * An event as the incident row stores it. `members`: the subject's series in vector order; a group's
 * incident is shown under the member with the largest share of the peak's score (the first when
 * the model reports no attribution or nothing stood out).
 */
export function toAnomalyWrite(e: AnomalyEvent, members: readonly string[]): IncidentWrite {
  const attribution =
    members.length > 1 && e.attribution?.length === members.length
      ? e.attribution.map((a, i) => ({ seriesId: members[i], share: a.share, direction: a.direction }))
      : null;
  let lead = 0;
  if (attribution) attribution.forEach((a, i) => (a.share > attribution[lead].share ? (lead = i) : undefined));
  return {
    seriesId: members[lead],
    attribution,
    ongoing: e.ongoing,
    startTs: new Date(e.start),
    endTs: new Date(e.end),
    peakTs: new Date(e.peakT),
    peakScore: e.peakScore,
    severity: e.severity.toUpperCase() as IncidentWrite["severity"],
    pointCount: e.pointCount,
    actual: num(e.actual),
    expected: num(e.expected),
    lower: num(e.lower),
    upper: num(e.upper),
  };
}
