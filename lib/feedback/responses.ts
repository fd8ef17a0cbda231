/**
 * What the feedback routes answer (isomorphic), for the OpenAPI document and
 * lib/openapi/responses-feedback.int.test.ts: a detector's evaluation, a threshold's what-if and
 * its application, model versions compared and activated, and the suppression rules' what-if,
 * proposals and removal. The shapes of lib/feedback/{evaluate,curve,what-if,suppression}.ts as
 * lib/server/queries/{evaluation,threshold-change,model-versions,suppression}.ts serve them.
 */
import { z } from "zod";
import { ZExportRow } from "@/lib/feedback/schemas";

const isoTime = z.iso.datetime();
const count = z.number().int();
const ratio = z.number().nullable();
const period = z.object({ from: isoTime, to: isoTime });
/** Subjects re-scored: series, or a grouped detector's groups (`unit`). */
const rescored = z.object({ series: count, seriesTotal: count, unit: z.enum(["series", "groups"]) });

/** lib/feedback/evaluate.ts Metrics: counts, and precision, recall and F1 (null when undefined: nothing to divide by). */
export const ZMetrics = z.object({
  tp: count,
  fp: count,
  fn: count,
  unsure: count,
  unlabelled: count,
  positives: count,
  events: count,
  precision: ratio,
  recall: ratio,
  f1: ratio,
});

/** lib/feedback/curve.ts CurvePoint: the metrics at one threshold of the grid. */
const ZCurvePoint = ZMetrics.extend({ threshold: z.number(), cautiousF1: ratio, flaggedPoints: count, points: count });
const ZSuggestion = z.object({
  threshold: z.number(),
  rule: z.enum(["best-f1", "target-recall"]),
  metrics: ZCurvePoint,
  /** The threshold the labels alone would pick, when the flood guard held it back, and why. */
  withheld: z.object({ threshold: z.number(), reason: z.string() }).optional(),
});

export const ZEvaluation = z.object({
  detector: z.object({ id: z.string(), name: z.string(), threshold: z.number() }),
  period,
  labels: z.object({ positives: count, negatives: count, unsure: count, missed: count }),
  /** The stored incidents judged by the labels. */
  stored: ZMetrics,
  trend: z.array(ZMetrics.extend({ week: isoTime })),
  byModelVersion: z.array(
    z.object({ id: z.string(), version: count, seriesId: z.string().nullable(), active: z.boolean(), trainedFrom: isoTime, trainedTo: isoTime, createdAt: isoTime, metrics: ZMetrics }),
  ),
  rescored,
  curve: z.array(ZCurvePoint),
  rescoredCurrent: ZCurvePoint,
  suggestions: z.object({
    bestF1: ZSuggestion.nullable(),
    targetRecall: z.object({ target: z.number(), suggestion: ZSuggestion.nullable() }),
    /** Labels needed before anything is suggested (null: enough). */
    needLabels: count.nullable(),
  }),
  lastApplied: z.object({ from: z.number().nullable(), to: z.number().nullable(), basis: z.string().nullable(), at: isoTime, by: z.string().nullable() }).nullable(),
});

/** lib/feedback/what-if.ts WhatIf, days as ISO times. */
export const ZThresholdWhatIf = z.object({
  current: ZMetrics.extend({ threshold: z.number() }),
  proposed: ZMetrics.extend({ threshold: z.number() }),
  perDay: z.array(z.object({ day: isoTime, current: count, proposed: count })),
  falsePositives: z.object({ flagged: count, removed: count, added: count }),
  truePositives: z.object({ found: count, kept: count, lost: count, gained: count }),
  missed: z.object({ total: count, foundNow: count, foundProposed: count }),
  sentence: z.string(),
  period,
  rescored,
});

/** POST .../threshold: the threshold before (to undo with), the new one, and what the change does to detection. */
export const ZThresholdApplied = z.object({ previous: z.number(), threshold: z.number(), effect: z.enum(["reset", "redetect", "none"]) });

export const ZModelComparison = z.object({
  period,
  threshold: z.number(),
  series: z.array(
    z.object({
      /** The subject: a series, or a group of a grouped detector (`group` then describes it). */
      seriesId: z.string(),
      group: z.object({ key: z.string(), members: z.array(z.object({ seriesId: z.string(), metric: z.string(), labels: z.record(z.string(), z.string()) })) }).nullable(),
      /** Points (a group: aligned steps) of the period re-scored. */
      points: count,
      labels: count,
      versions: z.array(
        z.object({
          id: z.string(),
          version: count,
          active: z.boolean(),
          trainedFrom: isoTime,
          trainedTo: isoTime,
          createdAt: isoTime,
          points: count.nullable(),
          excludedLabelled: count.nullable(),
          metrics: ZMetrics.nullable(),
          /** Why it has no metrics (it does not fit the current configuration). */
          unavailable: z.string().nullable(),
        }),
      ),
    }),
  ),
});

const version = z.object({ id: z.string(), version: count });
export const ZModelActivated = z.object({ seriesId: z.string(), previous: version.nullable(), active: version });

/** lib/feedback/suppression.ts RuleWhatIf. */
const ZRuleWhatIf = z.object({
  falsePositives: z.object({ flagged: count, removed: count }),
  truePositives: z.object({ found: count, lost: count }),
  unlabelledSuppressed: count,
  perDay: z.object({ before: z.number(), after: z.number() }),
  suppressed: count,
  sentence: z.string(),
});
export const ZSuppressionWhatIf = ZRuleWhatIf.extend({ period, description: z.string() });

const conditions = {
  seriesId: z.string().nullable(),
  hourFrom: count.nullable(),
  hourTo: count.nullable(),
  /** ISO weekdays, 1 = Monday ... 7 = Sunday; empty: any day. */
  weekdays: z.array(count),
  scoreBelow: z.number().nullable(),
};
export const ZSuppressionSuggestions = z.object({
  period,
  items: z.array(z.object({ ...conditions, kind: z.enum(["hours", "weekday-hours", "score"]), why: z.string(), description: z.string(), whatIf: ZRuleWhatIf })),
});

/** DELETE .../suppression-rules/{ruleId}: the rule removed and how many incidents it stopped suppressing. */
export const ZSuppressionRuleDeleted = z.object({ deleted: z.string(), released: count });

/** GET /api/v1/labels/export?format=json (the default; format=csv answers text/csv with the same columns). */
export const ZLabelExport = z.object({ rows: z.array(ZExportRow) });
