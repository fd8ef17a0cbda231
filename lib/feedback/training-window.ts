/**
 * The training window without labelled anomalies (lib/feedback/README.md, Retraining): points
 * inside a span an analyst labelled a true anomaly or marked missed are left out, so a model
 * learns normal behaviour from the rest. Pure.
 */
import type { Span } from "@/lib/feedback/evaluate";

/** A point's or step's time: `t` in ms, or its `ts`. */
const timeOf = (p: { t: number } | { ts: Date }) => ("t" in p ? p.t : p.ts.getTime());

export function leaveOutSpans<P extends { t: number } | { ts: Date }>(points: readonly P[], spans: readonly Span[]): { kept: P[]; excluded: number } {
  if (spans.length === 0) return { kept: [...points], excluded: 0 };
  const kept = points.filter((p) => !spans.some((s) => s.start <= timeOf(p) && timeOf(p) <= s.end));
  return { kept, excluded: points.length - kept.length };
}
