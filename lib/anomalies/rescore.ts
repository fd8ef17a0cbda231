/**
 * The expected band over an anomaly's chart window: the detector's pure library re-scores the
 * stored points the way the detector preview does (warmed on the points before the chart, or
 * trained on the training window ending there: the worker's split, lib/detection/training.ts), so
 * the band is what that configuration expects there. For an ensemble, each member is scored too
 * and the one with the highest weighted score at the peak is named as the driver.
 */
import { createMemberDetector } from "@/lib/detection";
import { ensembleParams } from "@/lib/detection/algorithms/ensemble";
import { trainingSplit } from "@/lib/detection/training";
import { parseDetectorParams } from "@/lib/detectors/params";
import { runPreview } from "@/lib/detectors/preview";
import type { AnomalyWindow } from "@/lib/anomalies/schemas";

type Point = { t: number; value: number };

export interface RescoreInput {
  algorithm: string;
  params: unknown;
  threshold: number;
  trainingWindowHours?: number | null;
  /** The chart's points, from where it starts to where it ends. */
  points: Point[];
  /** Points before the chart (time order): warm-up, or the training window of a detector that trains. */
  history: Point[];
  peakT: number;
}

/** A member's score at the peak, and its side score's (seasonal's `split` drift test) named "kind (side)". */
function memberScoresAt(kind: string, params: unknown, input: RescoreInput): { score: number; side: { name: string; score: number } | null } {
  // As the ensemble creates it (a statistical member's incident gate off unless its params turn it on).
  const d = createMemberDetector(kind, params);
  const split = trainingSplit({ algorithm: kind, params, trainingWindowHours: input.trainingWindowHours }, input.history, input.points);
  if (split.train.length > 0) d.train?.(split.train.map((p) => ({ t: p.t, values: [p.value] })));
  let at = { score: 0, side: null as { name: string; score: number } | null };
  for (const p of split.score) {
    const s = d.update({ t: p.t, values: [p.value] });
    if (p.t === input.peakT && !s.skipped) at = { score: s.score, side: s.side ? { name: s.side.name, score: s.side.score } : null };
    if (p.t >= input.peakT) break;
  }
  return at;
}

/** A member's name on the anomaly page: its kind, and what it reports when that is not its whole score. */
function memberLabel(m: { kind: string; params?: unknown }): string {
  const output = (m.params as { output?: unknown } | undefined)?.output;
  return typeof output === "string" && output !== "all" && output !== "split" ? `${m.kind} (${output})` : m.kind;
}

function ensembleDriver(params: unknown, input: RescoreInput): AnomalyWindow["driver"] {
  const p = ensembleParams.parse(params ?? {});
  let best: AnomalyWindow["driver"] = null;
  for (const m of p.members) {
    const { score, side } = memberScoresAt(m.kind, m.params, input);
    const weight = p.members.length < 2 ? 1 : m.weight;
    const own = Math.min(1, weight * score);
    if (!best || own > best.score) best = { kind: memberLabel(m), score: own };
    if (side && Math.min(1, weight * side.score) > best.score) best = { kind: `${m.kind} (${side.name})`, score: Math.min(1, weight * side.score) };
  }
  return best;
}

export function rescoreWindow(input: RescoreInput): AnomalyWindow {
  const params = parseDetectorParams(input.algorithm, input.params);
  const result = runPreview({ algorithm: input.algorithm, params, threshold: input.threshold, points: input.points, history: input.history, trainingWindowHours: input.trainingWindowHours });
  return {
    points: result.points.map((p) => ({ t: p.t, value: p.value, expected: p.expected, lower: p.lower, upper: p.upper, score: p.score })),
    trainedOn: result.unscored,
    driver: input.algorithm === "ensemble" ? ensembleDriver(params, { ...input, params }) : null,
  };
}
