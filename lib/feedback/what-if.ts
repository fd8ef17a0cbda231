/**
 * What a proposed threshold would have done over a period, next to the current one. Pure: both
 * sides are events from the same scored history (lib/feedback/curve.ts), judged against the same
 * labelled spans.
 */
import { evaluate, flaggedNegatives, foundPositives, type DetectedEvent, type Metrics, type Span, type TruthSpan } from "@/lib/feedback/evaluate";

const DAY_MS = 86_400_000;

export interface WhatIf {
  current: Metrics & { threshold: number };
  proposed: Metrics & { threshold: number };
  perDay: { day: number; current: number; proposed: number }[];
  falsePositives: { flagged: number; removed: number; added: number };
  truePositives: { found: number; kept: number; lost: number; gained: number };
  missed: { total: number; foundNow: number; foundProposed: number };
  sentence: string;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function describeWhatIf(w: Omit<WhatIf, "sentence">, days: number): string {
  const fp = w.falsePositives;
  const tp = w.truePositives;
  const parts: string[] = [];
  if (fp.flagged > 0 || fp.added > 0) parts.push(`removed ${fp.removed} of ${plural(fp.flagged, "false positive")}${fp.added ? ` (and flagged ${fp.added} more)` : ""}`);
  parts.push(tp.lost === 0 ? "lost no true positive" : `lost ${tp.lost} of ${plural(tp.found, "true positive")}`);
  if (w.missed.total > 0) parts.push(`found ${w.missed.foundProposed} of ${plural(w.missed.total, "missed span")} (now ${w.missed.foundNow})`);
  const volume = `${plural(w.proposed.events, "anomaly", "anomalies")} instead of ${w.current.events}`;
  const last = parts.pop()!;
  return `This change would have ${parts.length ? `${parts.join(", ")} and ${last}` : last} in the last ${plural(days, "day")}: ${volume}.`;
}

export function compareThresholds(
  input: { current: { threshold: number; events: DetectedEvent[] }; proposed: { threshold: number; events: DetectedEvent[] } },
  truth: readonly TruthSpan[],
  period: Span,
): WhatIf {
  const { current, proposed } = input;
  const perDay: WhatIf["perDay"] = [];
  for (let d = Math.floor(period.start / DAY_MS) * DAY_MS; d <= period.end; d += DAY_MS) {
    const inDay = (e: DetectedEvent) => e.start >= d && e.start < d + DAY_MS;
    perDay.push({ day: d, current: current.events.filter(inDay).length, proposed: proposed.events.filter(inDay).length });
  }
  const fpNow = flaggedNegatives(current.events, truth);
  const fpThen = flaggedNegatives(proposed.events, truth);
  const foundNow = foundPositives(current.events, truth);
  const foundThen = foundPositives(proposed.events, truth);
  const missed = truth.filter((s) => s.kind === "positive" && s.origin === "missed");
  const w: Omit<WhatIf, "sentence"> = {
    current: { threshold: current.threshold, ...evaluate(current.events, truth) },
    proposed: { threshold: proposed.threshold, ...evaluate(proposed.events, truth) },
    perDay,
    falsePositives: { flagged: fpNow.size, removed: [...fpNow].filter((s) => !fpThen.has(s)).length, added: [...fpThen].filter((s) => !fpNow.has(s)).length },
    truePositives: {
      found: foundNow.size,
      kept: [...foundNow].filter((s) => foundThen.has(s)).length,
      lost: [...foundNow].filter((s) => !foundThen.has(s)).length,
      gained: [...foundThen].filter((s) => !foundNow.has(s)).length,
    },
    missed: { total: missed.length, foundNow: missed.filter((s) => foundNow.has(s)).length, foundProposed: missed.filter((s) => foundThen.has(s)).length },
  };
  return { ...w, sentence: describeWhatIf(w, Math.max(1, Math.round((period.end - period.start) / DAY_MS))) };
}
