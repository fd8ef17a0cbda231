/**
 * The training window without labelled anomalies (lib/feedback/README.md, Retraining): points
 * inside a span an analyst labelled a true anomaly or marked missed are left out, so a model
 * learns normal behaviour from the rest. Pure.
 */
import type { Span } from "@/lib/feedback/evaluate";

export function leaveOutSpans<P extends { ts: Date }>(points: readonly P[], spans: readonly Span[]): { kept: P[]; excluded: number } {
  if (spans.length === 0) return { kept: [...points], excluded: 0 };
  const kept = points.filter((p) => !spans.some((s) => s.start <= p.ts.getTime() && p.ts.getTime() <= s.end));
  return { kept, excluded: points.length - kept.length };
}
