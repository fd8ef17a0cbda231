/**
 * The feedback API's contract (isomorphic): label and missed-span bodies, the export/import row,
 * evaluation and what-if queries and answers.
 */
import { z } from "zod";

export const LABEL_VALUES = ["TRUE_POSITIVE", "FALSE_POSITIVE", "UNSURE"] as const;
export const LABEL_REASONS = ["EXPECTED_EVENT", "WRONG_SEVERITY", "NOISE", "OTHER"] as const;
export type LabelValue = (typeof LABEL_VALUES)[number];
export type LabelReason = (typeof LABEL_REASONS)[number];

export const LABEL_WORDS: Record<LabelValue, string> = { TRUE_POSITIVE: "true positive", FALSE_POSITIVE: "false positive", UNSURE: "unsure" };
export const REASON_WORDS: Record<LabelReason, string> = { EXPECTED_EVENT: "expected event", WRONG_SEVERITY: "wrong severity", NOISE: "noise", OTHER: "other" };

const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, "is not an id");
const isoTime = z.iso.datetime({ offset: true, message: "must be an ISO 8601 date-time" });
const note = z.string().trim().max(2_000).optional();

export const ZNewLabel = z
  .object({ value: z.enum(LABEL_VALUES), reason: z.enum(LABEL_REASONS).optional(), note })
  .strict()
  .refine((b) => b.reason !== "OTHER" || !!b.note, { path: ["note"], message: "say what the other reason is" });
export type TNewLabel = z.infer<typeof ZNewLabel>;

/** POST /api/v1/labels/bulk: the same label on many anomalies, in one transaction. */
export const BULK_LABEL_MAX = 500;
export const ZBulkLabel = z
  .object({
    ids: z.array(id).min(1, "give at least one anomaly id").max(BULK_LABEL_MAX, `at most ${BULK_LABEL_MAX} anomalies at once`).refine((v) => new Set(v).size === v.length, "must not repeat an id"),
    value: z.enum(LABEL_VALUES),
    reason: z.enum(LABEL_REASONS).optional(),
    note,
  })
  .strict()
  .refine((b) => b.reason !== "OTHER" || !!b.note, { path: ["note"], message: "say what the other reason is" });
export type TBulkLabel = z.infer<typeof ZBulkLabel>;
export const ZBulkLabelResult = z.object({ labelled: z.number().int() });

export const ZLabel = z.object({
  id: z.string(),
  anomalyId: z.string().nullable(),
  value: z.enum(LABEL_VALUES),
  reason: z.enum(LABEL_REASONS).nullable(),
  note: z.string().nullable(),
  createdAt: z.string(),
  user: z.object({ id: z.string(), email: z.string() }),
});
export type Label = z.infer<typeof ZLabel>;
/** The label history of an incident (its own and those of incidents merged into it), newest first; `current` is the latest. */
export const ZLabelHistory = z.object({ current: ZLabel.nullable(), items: z.array(ZLabel) });
export type LabelHistory = z.infer<typeof ZLabelHistory>;

export const ZNewMissed = z
  .object({ detectorId: id, seriesId: id, start: isoTime, end: isoTime, note })
  .strict()
  .refine((b) => Date.parse(b.start) < Date.parse(b.end), { path: ["end"], message: "must be after start" });
export type TNewMissed = z.infer<typeof ZNewMissed>;
export const ZMissed = z.object({ id: z.string(), detectorId: z.string().nullable(), seriesId: z.string(), start: z.string(), end: z.string(), note: z.string().nullable(), createdAt: z.string(), user: z.object({ id: z.string(), email: z.string() }) });
export type Missed = z.infer<typeof ZMissed>;
export const ZMissedQuery = z.object({ detectorId: id, seriesId: id.optional() });

/** One exported label or missed span; the CSV has these columns in this order. */
export const EXPORT_COLUMNS = ["kind", "detectorId", "detectorName", "seriesId", "metric", "start", "end", "reason", "note", "labelledBy", "labelledAt", "anomalyId"] as const;
export const ZExportRow = z.object({
  kind: z.enum([...LABEL_VALUES, "MISSED"]),
  detectorId: z.string().max(64).default(""),
  detectorName: z.string().max(200).default(""),
  seriesId: id,
  metric: z.string().max(200).default(""),
  start: isoTime,
  end: isoTime,
  reason: z.union([z.enum(LABEL_REASONS), z.literal("")]).default(""),
  note: z.string().max(2_000).default(""),
  labelledBy: z.string().max(320).default(""),
  labelledAt: z.union([isoTime, z.literal("")]).default(""),
  anomalyId: z.string().max(64).default(""),
});
export type ExportRow = z.input<typeof ZExportRow>;
export type ImportRow = z.output<typeof ZExportRow>;

export const ZExportQuery = z.object({ detectorId: id.optional(), format: z.enum(["csv", "json"]).default("json") });
export const ZImportResult = z.object({ labels: z.number().int(), missed: z.number().int(), skipped: z.number().int() });
export type ImportResult = z.infer<typeof ZImportResult>;

/** A period: `from`/`to` ISO times; default the last 30 days up to now. */
export const ZPeriodQuery = z
  .object({ from: isoTime.optional(), to: isoTime.optional() })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), { path: ["to"], message: "must be after from" });
const threshold = z.coerce.number().min(0.01, "must be at least 0.01").max(0.999, "must be below 1");
export const ZWhatIfQuery = z
  .object({ from: isoTime.optional(), to: isoTime.optional(), threshold, targetRecall: z.coerce.number().min(0).max(1).optional() })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), { path: ["to"], message: "must be after from" });
/** GET /api/v1/detectors/{id}/evaluation: a period and an optional recall to aim the suggested threshold at. */
export const ZEvaluationQuery = ZPeriodQuery.and(z.object({ targetRecall: z.coerce.number().min(0, "must be 0 to 1").max(1, "must be 0 to 1").optional() }));
export const ZApplyThreshold = z.object({ threshold, basis: z.enum(["suggestion", "undo", "manual"]).default("manual") }).strict();
/** GET /api/v1/detectors/{id}/models: a period and optionally one series. */
export const ZModelCompareQuery = ZPeriodQuery.and(z.object({ seriesId: id.optional() }));
