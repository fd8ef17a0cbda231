/**
 * Isomorphic request schemas of the detector and series API (the browser imports them too).
 * Algorithm parameters are validated per kind on the server (`parseDetectorParams`), so this
 * layer only requires an object.
 */
import { z } from "zod";
import { ZRetrainCron } from "@/lib/detectors/retrain-cron";
import { groupingSchema } from "@/lib/detectors/grouping";
import { many } from "@/lib/anomalies/search-params";
import { ZSourceSeriesQuery } from "@/lib/sources/series-query";

const id = z.string().min(1);
const params = z.record(z.string(), z.unknown());

export const ZDetectorMode = z.enum(["STREAMING", "BATCH"]);

const fields = {
  name: z.string().trim().min(1, "Name is required").max(120),
  algorithm: z.string().min(1, "Choose an algorithm"),
  params: params.default({}),
  threshold: z.number().min(0, "Threshold is at least 0").max(1, "Threshold is at most 1"),
  mode: ZDetectorMode.default("STREAMING"),
  trainingWindowHours: z.number().int().min(1).max(24 * 365).nullable().default(null),
  enabled: z.boolean().default(true),
  seriesIds: z.array(id).max(500).default([]),
  /** Sources watched whole: every series they have or get is attached (high-cardinality sources). */
  sourceIds: z.array(id).max(100).default([]),
  /** Retrain schedule (cron, UTC) for detectors that train; null: on demand only. */
  retrainCron: ZRetrainCron.default(null),
  /** Score groups of the attached series as one vector per step (lib/detectors/grouping.ts); null: each series alone. Multivariate algorithms only. */
  grouping: groupingSchema.nullable().default(null),
};

export const ZCreateDetector = z.object({ ...fields, threshold: fields.threshold.optional() });
export type TCreateDetector = z.infer<typeof ZCreateDetector>;

export const ZUpdateDetector = z
  .object({
    name: fields.name,
    algorithm: fields.algorithm,
    params,
    threshold: fields.threshold,
    mode: ZDetectorMode,
    trainingWindowHours: fields.trainingWindowHours.unwrap(),
    enabled: z.boolean(),
    retrainCron: ZRetrainCron,
    grouping: groupingSchema.nullable(),
    /** The full set of individually attached series (outside watched sources): missing ones are detached, new ones attached. */
    seriesIds: z.array(id).max(500),
    /** The full set of watched sources: a source left out stops being watched and its series are detached. */
    sourceIds: z.array(id).max(100),
  })
  .partial();
export type TUpdateDetector = z.infer<typeof ZUpdateDetector>;

export const ZBackfill = z
  .object({ seriesId: id.optional(), from: z.iso.datetime({ offset: true }), to: z.iso.datetime({ offset: true }) })
  .refine((b) => Date.parse(b.from) < Date.parse(b.to), { message: "from must be before to", path: ["to"] });
export type TBackfill = z.infer<typeof ZBackfill>;

export const MAX_PREVIEW_POINTS = 20_000;

export const ZPreview = z
  .object({
    algorithm: fields.algorithm,
    params: params.default({}),
    threshold: fields.threshold,
    /** The series previewed; or, with `grouping`, none: one group is formed and previewed. */
    seriesId: id.optional(),
    /**
     * A grouped detector's preview: one group, aligned as the worker aligns them. With `seriesIds`
     * those series are the group; with `by` and `metrics` the group whose labels have the values in
     * `group`, formed from `sourceIds`' series and `seriesIds` by the pipeline's rule.
     */
    grouping: groupingSchema.optional(),
    /** With a `by` grouping: the label values of the group previewed (e.g. `{ host: "a" }`). */
    group: z.record(z.string(), z.string().min(1)).optional(),
    /** With a `by` grouping: the detector's watched sources and attached series, which its groups are formed from. */
    sourceIds: z.array(id).max(100).optional(),
    seriesIds: z.array(id).max(500).optional(),
    /** The detector being edited: its labelled anomalies are left out of training, as `train.run` leaves them out. */
    detectorId: id.optional(),
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    maxPoints: z.number().int().min(10).max(MAX_PREVIEW_POINTS).default(5_000),
    /** The training window of algorithms that train (null: the default week), as the detector would use it. */
    trainingWindowHours: fields.trainingWindowHours,
  })
  .superRefine((p, ctx) => {
    const by = p.grouping?.by;
    if (by) {
      const missing = by.filter((label) => !p.group?.[label]);
      if (missing.length) ctx.addIssue({ code: "custom", path: ["group"], message: `the preview scores one group: give its value of ${missing.join(", ")}` });
      const extra = Object.keys(p.group ?? {}).filter((label) => !by.includes(label));
      if (extra.length) ctx.addIssue({ code: "custom", path: ["group"], message: `not a grouping label: ${extra.join(", ")}` });
      if (!p.sourceIds?.length && !p.seriesIds?.length) ctx.addIssue({ code: "custom", path: ["sourceIds"], message: "choose the sources (or series) the groups are formed from" });
    } else if (p.group) ctx.addIssue({ code: "custom", path: ["group"], message: "`group` goes with a grouping by labels" });
    if (p.grouping && p.seriesId) ctx.addIssue({ code: "custom", path: ["seriesId"], message: "give either `seriesId` or `grouping`, not both" });
    if (!p.grouping && !p.seriesId) ctx.addIssue({ code: "custom", path: ["seriesId"], message: "choose a series (or a group with `grouping`)" });
  });
export type TPreview = z.infer<typeof ZPreview>;

/** `count=true` adds `total`; left out, nothing is counted. */
const countFlag = z.stringbool({ error: "must be true or false" }).default(false);

/**
 * GET /api/v1/detectors: keyset pages in name order (names are unique); the cursor is the last
 * name of the previous page, base64url.
 */
export const ZDetectorListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z
    .string()
    .max(1_000)
    .regex(/^[A-Za-z0-9_-]+$/, "is not a cursor from a previous page")
    .optional()
    .transform((c) => (c === undefined ? undefined : Buffer.from(c, "base64url").toString("utf8"))),
  count: countFlag,
});
export type TDetectorListQuery = z.infer<typeof ZDetectorListQuery>;

/**
 * GET /api/v1/series: keyset pages in (metric, labels, id) order across sources, the source's
 * series list's cursor (lib/sources/series-query.ts). `sourceId` repeats for several sources
 * (`?sourceId=a&sourceId=b`), as the other list filters do; `q` matches the metric or the labels.
 */
export const ZSeriesListQuery = ZSourceSeriesQuery.extend({ sourceId: many(id) });
export type TSeriesListQuery = z.infer<typeof ZSeriesListQuery>;

export const ZPointsQuery = z
  .object({
    from: z.iso.datetime({ offset: true }).optional(),
    to: z.iso.datetime({ offset: true }).optional(),
    maxPoints: z.coerce.number().int().min(10).max(10_000).default(1_000),
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) < Date.parse(q.to), { message: "from must be before to", path: ["to"] });
export type TPointsQuery = z.infer<typeof ZPointsQuery>;

/** One scored preview point; null where the detector reported nothing (never a made-up 0). */
export interface PreviewPoint {
  t: number;
  value: number;
  score: number | null;
  expected: number | null;
  lower: number | null;
  upper: number | null;
}

export interface PreviewEvent {
  start: number;
  end: number;
  peakT: number;
  peakScore: number;
  severity: "low" | "medium" | "high" | "critical";
  pointCount: number;
}

export interface PreviewResult {
  points: PreviewPoint[];
  events: PreviewEvent[];
  /** Points the detector was trained on (algorithms that need training): its training window ending before the first scored point. */
  trainedOn: number;
  /** The last training point's time (null: not trained). */
  trainedTo: number | null;
  /** Leading points of `points` used for training, not scored (a series with no history before the window). */
  unscored: number;
  /** Points of the training window left out as the detector's labelled anomalies (`detectorId`), as train.run leaves them out. */
  excludedLabelled: number;
}

/** One member's part in a group's score (lib/detection/types.ts FeatureAttribution). */
export interface MemberShare {
  share: number;
  direction: "above" | "below";
}

/** A grouped detector's preview: one scored step per point, members' values in vector order. */
export interface GroupPreviewResult {
  /** The group's members in vector order. */
  members: { seriesId: string; metric: string; labels: Record<string, string> }[];
  points: { t: number; values: number[]; score: number | null; attribution: MemberShare[] | null }[];
  /** Events with each member's share of the peak's score (null when the model reports none). */
  events: (PreviewEvent & { attribution: MemberShare[] | null })[];
  trainedOn: number;
  trainedTo: number | null;
  unscored: number;
  excludedLabelled: number;
}

/** A downsampled bucket of stored points (raw points have min = max = avg). */
export interface SeriesBucket {
  t: number;
  min: number;
  max: number;
  avg: number;
  count: number;
}

export interface AlgorithmInfo {
  kind: string;
  label: string;
  description: string;
  input: string;
  needsTraining: boolean;
  defaultThreshold: number;
  paramsSchema: JsonSchema;
}

export interface JsonSchema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  [key: string]: unknown;
}
