/**
 * Supervised assist: a logistic regression (logistic.ts) trained on a detector's labelled
 * incidents says how likely a new incident is a true positive; below its cutoff the incident is
 * filtered (an assist suppression rule, suppression.ts). Its effect is measured before anyone turns
 * it on, on labels it was not trained on (`assistEffect`: rolling-origin, time-ordered). Pure.
 */
import { fitLogistic, predictLogistic, type LogisticModel } from "@/lib/feedback/logistic";

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

/** Labelled incidents needed, with at least ASSIST_MIN_CLASS of each kind. */
export const ASSIST_MIN_LABELS = 30;
export const ASSIST_MIN_CLASS = 5;
/** Cutoffs tried, highest first: the highest that keeps ASSIST_KEEP_RECALL of the training true positives wins. */
const CUTOFFS = [0.5, 0.45, 0.4, 0.35, 0.3, 0.25, 0.2, 0.15, 0.1, 0.05];
export const ASSIST_KEEP_RECALL = 0.95;
/** Time-ordered blocks: each block after the first is predicted by a model trained on the blocks before it. */
const BLOCKS = 5;

/** What an incident row holds that the classifier reads. */
export interface IncidentShape {
  /** Start and end, epoch ms. */
  start: number;
  end: number;
  peakScore: number;
  pointCount: number;
  actual: number | null;
  expected: number | null;
  lower: number | null;
  upper: number | null;
}

export const ASSIST_FEATURES = [
  "peak score",
  "points (log)",
  "duration (log minutes)",
  "deviation in band half-widths (log)",
  "direction (+1 above, -1 below)",
  "volatility: band width / level (log)",
  "hour of day (sin)",
  "hour of day (cos)",
  "weekend",
] as const;

/** The feature row of an incident, in ASSIST_FEATURES order. Missing values (no band) read as 0. */
export function assistFeatures(i: IncidentShape): number[] {
  const half = i.upper !== null && i.lower !== null ? (i.upper - i.lower) / 2 : null;
  const dev = i.actual !== null && i.expected !== null ? i.actual - i.expected : null;
  const deviation = dev !== null && half !== null && half > 0 ? Math.log1p(Math.abs(dev) / half) : 0;
  const volatility = half !== null && i.expected !== null ? Math.log1p((2 * half) / Math.max(Math.abs(i.expected), 1e-9)) : 0;
  const hour = ((((i.start % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS) * ((2 * Math.PI) / 24);
  const weekday = ((((Math.floor(i.start / DAY_MS) + 3) % 7) + 7) % 7) + 1;
  return [
    i.peakScore,
    Math.log1p(Math.max(0, i.pointCount)),
    Math.log1p(Math.max(0, i.end - i.start) / 60_000),
    deviation,
    dev === null ? 0 : Math.sign(dev),
    volatility,
    Math.sin(hour),
    Math.cos(hour),
    weekday >= 6 ? 1 : 0,
  ];
}

/** A trained assist, as stored on its rule (`SuppressionRule.classifier`). */
export interface AssistClassifier extends LogisticModel {
  kind: "logistic";
  features: string[];
  /** Filtered when P(true positive) is below this. */
  cutoff: number;
  trainedOn: { tp: number; fp: number };
}

export interface LabelledIncident extends IncidentShape {
  verdict: "tp" | "fp";
}

export const assistProbability = (m: AssistClassifier, i: IncidentShape) => predictLogistic(m, assistFeatures(i));
export const assistFilters = (m: AssistClassifier, i: IncidentShape) => assistProbability(m, i) < m.cutoff;

/** Why there is no classifier yet, or null when the labels suffice. */
export function assistNotReady(labelled: readonly LabelledIncident[]): string | null {
  const tp = labelled.filter((l) => l.verdict === "tp").length;
  const fp = labelled.length - tp;
  if (labelled.length < ASSIST_MIN_LABELS) return `needs ${ASSIST_MIN_LABELS} labelled incidents (true or false positive); has ${labelled.length}`;
  if (tp < ASSIST_MIN_CLASS || fp < ASSIST_MIN_CLASS) return `needs at least ${ASSIST_MIN_CLASS} true and ${ASSIST_MIN_CLASS} false positives; has ${tp} and ${fp}`;
  return null;
}

/** Trains on the labelled incidents; the cutoff is the highest that keeps ASSIST_KEEP_RECALL of their true positives. */
export function trainAssist(labelled: readonly LabelledIncident[]): AssistClassifier {
  const x = labelled.map(assistFeatures);
  const y = labelled.map((l) => (l.verdict === "tp" ? 1 : 0) as 0 | 1);
  const model = fitLogistic(x, y);
  const tpProbs = x.filter((_, i) => y[i] === 1).map((r) => predictLogistic(model, r));
  const cutoff = CUTOFFS.find((c) => tpProbs.filter((p) => p >= c).length >= ASSIST_KEEP_RECALL * tpProbs.length) ?? CUTOFFS[CUTOFFS.length - 1];
  return { kind: "logistic", features: [...ASSIST_FEATURES], ...model, cutoff, trainedOn: { tp: y.filter((v) => v === 1).length, fp: y.filter((v) => v === 0).length } };
}

export interface AssistSide {
  tp: number;
  fp: number;
  /** Labelled true positives plus missed spans in the held-out time. */
  positives: number;
  precision: number | null;
  recall: number | null;
}

export interface AssistEffect {
  /** Held-out labelled incidents (predicted by a model that never saw them). */
  heldOut: number;
  folds: number;
  before: AssistSide;
  after: AssistSide;
  falsePositivesRemoved: number;
  truePositivesLost: number;
  sentence: string;
}

const side = (tp: number, fp: number, positives: number): AssistSide => ({
  tp, fp, positives, precision: tp + fp > 0 ? tp / (tp + fp) : null, recall: positives > 0 ? tp / positives : null,
});
const pct = (x: number | null) => (x === null ? "n/a" : `${Math.round(x * 100)}%`);

/**
 * The classifier's effect on labels it was not trained on: the labelled incidents in time order cut
 * into BLOCKS blocks; each block after the first is predicted by a classifier trained (as
 * `trainAssist`) on every block before it, skipped when those lack ASSIST_MIN_CLASS of a class.
 * Missed spans (`missedStarts`, epoch ms) starting in a predicted block count as positives both
 * sides: the assist only removes, so it cannot find them.
 */
export function assistEffect(labelled: readonly LabelledIncident[], missedStarts: readonly number[] = []): AssistEffect {
  const rows = [...labelled].sort((a, b) => a.start - b.start || a.end - b.end);
  const size = Math.ceil(rows.length / BLOCKS);
  let folds = 0;
  let heldOut = 0;
  const b = { tp: 0, fp: 0, missed: 0 };
  const a = { tp: 0, fp: 0 };
  for (let k = 1; k < BLOCKS; k++) {
    const train = rows.slice(0, k * size);
    const test = rows.slice(k * size, (k + 1) * size);
    if (test.length === 0) break;
    const tpN = train.filter((r) => r.verdict === "tp").length;
    if (tpN < ASSIST_MIN_CLASS || train.length - tpN < ASSIST_MIN_CLASS) continue;
    const model = trainAssist(train);
    folds++;
    heldOut += test.length;
    const from = test[0].start;
    const to = k + 1 < BLOCKS && rows[(k + 1) * size] ? rows[(k + 1) * size].start : Infinity;
    b.missed += missedStarts.filter((t) => t >= from && t < to).length;
    for (const r of test) {
      const kept = !assistFilters(model, r);
      if (r.verdict === "tp") {
        b.tp++;
        if (kept) a.tp++;
      } else {
        b.fp++;
        if (kept) a.fp++;
      }
    }
  }
  const before = side(b.tp, b.fp, b.tp + b.missed);
  const after = side(a.tp, a.fp, b.tp + b.missed);
  const removed = b.fp - a.fp;
  const lost = b.tp - a.tp;
  const sentence = folds === 0
    ? "No held-out measure: the earlier labels lack both kinds."
    : `On ${heldOut} labelled incidents it was not trained on, the assist would have removed ${removed} of ${b.fp} false positives and ` +
      `${lost === 0 ? "lost no true positive" : `lost ${lost} of ${b.tp} true positives`}: precision ${pct(before.precision)} → ${pct(after.precision)}, recall ${pct(before.recall)} → ${pct(after.recall)}.`;
  return { heldOut, folds, before, after, falsePositivesRemoved: removed, truePositivesLost: lost, sentence };
}

/** Reads a stored classifier back (null when absent or not one this code writes). */
export function parseAssistClassifier(v: unknown): AssistClassifier | null {
  if (!v || typeof v !== "object") return null;
  const m = v as Partial<AssistClassifier>;
  const nums = (xs: unknown) => Array.isArray(xs) && xs.every((n) => typeof n === "number");
  if (m.kind !== "logistic" || !nums(m.weights) || !nums(m.mean) || !nums(m.scale) || typeof m.bias !== "number" || typeof m.cutoff !== "number") return null;
  if (m.weights!.length !== ASSIST_FEATURES.length) return null;
  return m as AssistClassifier;
}
