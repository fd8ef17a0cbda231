/**
 * Scored points -> anomaly events (incidents). Anomalous points (not skipped, score >= threshold)
 * join one event when separated by at most `mergeGapPoints` normal points OR at most `mergeGapMs`
 * of time (both default 0: only consecutive anomalous points merge). Skipped points are ignored:
 * they neither extend nor break an event. Events with fewer than `minPoints` anomalous points are
 * dropped. The streaming tracker and the batch function share one implementation, so a worker
 * extending an ongoing event across batches gets exactly the events a backfill would.
 *
 * Severity compares the peak with the threshold as odds, o(s) = s / (1 - s): on the library's
 * score scale odds are proportional to decades of rarity, so r = o(peak) / o(threshold) says how
 * many times rarer (in decades) the peak is. r < 1.5: low; < 2: medium; < 3: high; else critical.
 * At the 3-sigma threshold 0.5 the bands start near 3, 3.7, 4.5 and 5.6 sigma; a score of 1
 * (e.g. a static limit breached) is always critical.
 */
import type { FeatureAttribution, Scored } from "./types";

export type Severity = "low" | "medium" | "high" | "critical";

export interface AnomalyEvent {
  start: number;
  end: number;
  peakT: number;
  peakScore: number;
  severity: Severity;
  /** Anomalous points in the event. */
  pointCount: number;
  /** Value and expectation at the peak, when the detector reported them. */
  actual?: number;
  expected?: number;
  lower?: number;
  upper?: number;
  /** Whether the value at the peak was above or below what the detector expected. */
  direction?: "above" | "below";
  /** Ensembles: the member that drove the peak. */
  driver?: string;
  /** Multivariate input: each feature's part in the peak's score, in input order. */
  attribution?: FeatureAttribution[];
  /** True while more points could still extend it (streaming only). */
  ongoing: boolean;
}

export interface EventOptions {
  threshold: number;
  mergeGapMs?: number;
  mergeGapPoints?: number;
  minPoints?: number;
}

export interface EventTrackerState {
  open: Omit<AnomalyEvent, "severity" | "ongoing"> | null;
  /** Normal (non-skipped, below threshold) points since the open event's last anomalous point. */
  normalSince: number;
}

export function severityOf(peakScore: number, threshold: number): Severity {
  const odds = (x: number) => (x >= 1 ? Infinity : Math.max(x, 1e-12) / (1 - x));
  const r = odds(peakScore) / odds(threshold);
  if (r < 1.5) return "low";
  if (r < 2) return "medium";
  if (r < 3) return "high";
  return "critical";
}

/**
 * `values`, when given, supplies the actual value per scored point (Scored does not carry it);
 * `push(s, actual)` takes it point by point.
 */
export interface EventTracker {
  /** Returns the events this point closed (at most one). */
  push(s: Scored, actual?: number): AnomalyEvent[];
  /** The event still open (once it has minPoints points), marked ongoing, or null. */
  current(): AnomalyEvent | null;
  /** Closes the open event (end of data); returns it when it qualifies. */
  flush(): AnomalyEvent[];
  getState(): EventTrackerState;
}

export function createEventTracker(opts: EventOptions, state?: EventTrackerState): EventTracker {
  const gapMs = opts.mergeGapMs ?? 0;
  const gapPoints = opts.mergeGapPoints ?? 0;
  const minPoints = opts.minPoints ?? 1;
  let open = state?.open ? { ...state.open } : null;
  let normalSince = state?.normalSince ?? 0;

  const finish = (ongoing: boolean): AnomalyEvent | null =>
    open && open.pointCount >= minPoints
      ? { ...open, severity: severityOf(open.peakScore, opts.threshold), ongoing }
      : null;

  const close = (): AnomalyEvent[] => {
    const e = finish(false);
    open = null;
    normalSince = 0;
    return e ? [e] : [];
  };

  return {
    push(s, actual) {
      if (s.skipped) return [];
      const anomalous = s.score >= opts.threshold;
      if (!anomalous) {
        if (!open) return [];
        normalSince++;
        // No later point can merge any more: too many normal points and (later t only grows) too much time.
        return normalSince > gapPoints && s.t - open.end >= gapMs ? close() : [];
      }
      let closed: AnomalyEvent[] = [];
      if (open && !(normalSince <= gapPoints || s.t - open.end <= gapMs)) closed = close();
      if (!open) {
        open = { start: s.t, end: s.t, peakT: s.t, peakScore: -1, pointCount: 0 };
      }
      open.end = s.t;
      open.pointCount++;
      normalSince = 0;
      if (s.score > open.peakScore) {
        open.peakT = s.t;
        open.peakScore = s.score;
        open.actual = actual;
        open.expected = s.expected;
        open.lower = s.lower;
        open.upper = s.upper;
        open.direction =
          actual !== undefined && s.expected !== undefined && actual !== s.expected
            ? actual > s.expected
              ? "above"
              : "below"
            : undefined;
        open.driver = s.driver;
        open.attribution = s.attribution;
        for (const k of ["actual", "expected", "lower", "upper", "direction", "driver", "attribution"] as const) {
          if (open[k] === undefined) delete open[k];
        }
      }
      return closed;
    },
    current: () => finish(true),
    flush: close,
    getState: () => ({ open: open ? { ...open } : null, normalSince }),
  };
}

/** Batch form: all events in `scored` (assumed in time order), the last one closed at the end. */
export function toEvents(scored: readonly Scored[], opts: EventOptions, values?: readonly number[]): AnomalyEvent[] {
  const tracker = createEventTracker(opts);
  const out: AnomalyEvent[] = [];
  scored.forEach((s, i) => out.push(...tracker.push(s, values?.[i])));
  out.push(...tracker.flush());
  return out;
}
