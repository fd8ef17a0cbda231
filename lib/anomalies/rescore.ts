/**
 * The expected band over an anomaly's chart window: the detector's pure library re-scores the
 * stored points the way the detector preview does (warmed or trained on the points before the
 * event), so the band is what that configuration expects there. For an ensemble, each member is
 * scored too and the one with the highest weighted score at the peak is named as the driver.
 */
import { createDetector, getDefinition } from "@/lib/detection";
import { ensembleParams } from "@/lib/detection/algorithms/ensemble";
import { parseDetectorParams } from "@/lib/detectors/params";
import { runPreview } from "@/lib/detectors/preview";
import type { AnomalyWindow } from "@/lib/anomalies/schemas";

export interface RescoreInput {
  algorithm: string;
  params: unknown;
  threshold: number;
  points: { t: number; value: number }[];
  /** Where the chart starts and ends (the points before `from` only warm the detector up). */
  from: number;
  to: number;
  peakT: number;
}

function memberScoreAt(kind: string, params: unknown, points: { t: number; value: number }[], peakT: number): number {
  const d = createDetector(kind, params);
  const trainOn = getDefinition(kind).needsTraining && d.train ? Math.floor(points.length / 4) : 0;
  if (trainOn) d.train!(points.slice(0, trainOn).map((p) => ({ t: p.t, values: [p.value] })));
  let at = 0;
  for (const p of points.slice(trainOn)) {
    const s = d.update({ t: p.t, values: [p.value] });
    if (p.t === peakT) at = s.skipped ? 0 : s.score;
    if (p.t >= peakT) break;
  }
  return at;
}

function ensembleDriver(params: unknown, points: { t: number; value: number }[], peakT: number): AnomalyWindow["driver"] {
  const p = ensembleParams.parse(params ?? {});
  if (p.members.length < 2) return p.members[0] ? { kind: p.members[0].kind, score: memberScoreAt(p.members[0].kind, p.members[0].params, points, peakT) } : null;
  let best: AnomalyWindow["driver"] = null;
  for (const m of p.members) {
    const score = Math.min(1, m.weight * memberScoreAt(m.kind, m.params, points, peakT));
    if (!best || score > best.score) best = { kind: m.kind, score };
  }
  return best;
}

export function rescoreWindow(input: RescoreInput): AnomalyWindow {
  const params = parseDetectorParams(input.algorithm, input.params);
  const result = runPreview({ algorithm: input.algorithm, params, threshold: input.threshold, points: input.points });
  const shown = result.points.filter((p) => p.t >= input.from && p.t <= input.to);
  const warm = result.points.filter((p) => p.t < input.from).length;
  return {
    points: shown.map((p) => ({ t: p.t, value: p.value, expected: p.expected, lower: p.lower, upper: p.upper, score: p.score })),
    trainedOn: Math.max(0, result.trainedOn - warm),
    driver: input.algorithm === "ensemble" ? ensembleDriver(params, input.points, input.peakT) : null,
  };
}
