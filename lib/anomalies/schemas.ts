/**
 * The anomaly API's contract, shared by route handlers, queries and the browser: query strings,
 * bodies and responses. Every list answers `{ items, nextCursor }` with an opaque keyset cursor.
 */
import { z } from "zod";
import { many } from "@/lib/anomalies/search-params";

export const ANOMALY_STATUSES = ["OPEN", "ACKNOWLEDGED", "RESOLVED", "SILENCED"] as const;
export const SEVERITIES = ["LOW", "MEDIUM", "HIGH", "CRITICAL"] as const;
export const DETECTION_STATES = ["ACTIVE", "MERGED", "GONE"] as const;
export const LABEL_FILTERS = ["TRUE_POSITIVE", "FALSE_POSITIVE", "UNSURE", "NONE"] as const;
export const ANOMALY_SORTS = ["-startTs", "startTs", "-peakScore", "-severity"] as const;
export const ZAnomalyStatus = z.enum(ANOMALY_STATUSES);
export const ZSeverity = z.enum(SEVERITIES);
export const ZDetectionState = z.enum(DETECTION_STATES);
export type AnomalySort = (typeof ANOMALY_SORTS)[number];
export type AnomalyStatus = (typeof ANOMALY_STATUSES)[number];

export const ANOMALY_PAGE_DEFAULT = 50;
export const ANOMALY_PAGE_MAX = 200;
export const BULK_MAX = 1000;

/** Where the previous page ended, in the order of `sort`: its sort key(s) and the row id. */
export interface AnomalyCursor {
  sort: AnomalySort;
  key: number[];
  id: string;
}

export function encodeAnomalyCursor(c: AnomalyCursor): string {
  return Buffer.from(JSON.stringify([c.sort, c.key, c.id]), "utf8").toString("base64url");
}

export function decodeAnomalyCursor(text: string): AnomalyCursor | null {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) return null;
  try {
    const v: unknown = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
    if (!Array.isArray(v) || v.length !== 3) return null;
    const [sort, key, id] = v as [unknown, unknown, unknown];
    if (!ANOMALY_SORTS.includes(sort as AnomalySort) || typeof id !== "string") return null;
    if (!Array.isArray(key) || key.length < 1 || key.length > 2 || !key.every((k) => typeof k === "number" && Number.isFinite(k))) return null;
    return { sort: sort as AnomalySort, key, id };
  } catch {
    return null;
  }
}

const id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, "is not an id");
const isoTime = z.iso.datetime({ offset: true, message: "must be an ISO 8601 date-time" });
/** `key=value` on the series' labels. */
const seriesLabel = z.string().max(400).regex(/^[^=]+=.*$/, "must be key=value");

export const ZAnomalyListQuery = z
  .object({
    status: many(ZAnomalyStatus),
    severity: many(ZSeverity),
    /** Whether re-detection still finds it; ACTIVE only unless asked. */
    detection: many(ZDetectionState).transform((v) => (v.length ? v : (["ACTIVE"] as const))),
    sourceId: many(id),
    detectorId: many(id),
    seriesId: many(id),
    metric: many(z.string().min(1).max(200)),
    seriesLabel: many(seriesLabel),
    /** User ids, `me` (the caller) or `none` (unassigned). */
    assignee: many(z.union([z.literal("me"), z.literal("none"), id])),
    /** An analyst's label on it, or NONE for unlabelled. */
    label: many(z.enum(LABEL_FILTERS)),
    /** Incidents a suppression rule keeps from alerting: left out unless asked (lib/feedback/suppression.ts). */
    suppressed: z.enum(["exclude", "include", "only"]).default("exclude"),
    /** Anomalies overlapping [from, to]. */
    from: isoTime.optional(),
    to: isoTime.optional(),
    /** Leave out one anomaly (the page it is shown on). */
    exclude: id.optional(),
    sort: z.enum(ANOMALY_SORTS).default("-startTs"),
    limit: z.coerce.number().int().min(1).max(ANOMALY_PAGE_MAX).default(ANOMALY_PAGE_DEFAULT),
    cursor: z.string().max(2_000).optional(),
  })
  .transform((q, ctx) => {
    if (!q.cursor) return { ...q, cursor: undefined };
    const cursor = decodeAnomalyCursor(q.cursor);
    if (!cursor || cursor.sort !== q.sort) {
      ctx.addIssue({ code: "custom", path: ["cursor"], message: "is not a cursor from a previous page of this sort" });
      return z.NEVER;
    }
    return { ...q, cursor };
  })
  .refine((q) => !q.from || !q.to || Date.parse(q.from) <= Date.parse(q.to), { path: ["to"], message: "must not be before from" });
export type TAnomalyListQuery = z.infer<typeof ZAnomalyListQuery>;
export type AnomalyListInput = z.input<typeof ZAnomalyListQuery>;

const userRef = z.object({ id: z.string(), email: z.string(), name: z.string().nullable() });

export const ZAnomalyItem = z.object({
  id: z.string(),
  detector: z.object({ id: z.string(), name: z.string() }),
  series: z.object({ id: z.string(), metric: z.string(), labels: z.record(z.string(), z.string()) }),
  source: z.object({ id: z.string(), name: z.string() }),
  startTs: z.string(),
  endTs: z.string(),
  peakTs: z.string(),
  peakScore: z.number(),
  severity: ZSeverity,
  actual: z.number().nullable(),
  expected: z.number().nullable(),
  lower: z.number().nullable(),
  upper: z.number().nullable(),
  pointCount: z.number().int(),
  ongoing: z.boolean(),
  detection: ZDetectionState,
  mergedIntoId: z.string().nullable(),
  /** The suppression rule that keeps it from alerting, if any. */
  suppressedById: z.string().nullable(),
  status: ZAnomalyStatus,
  assignee: userRef.nullable(),
  acknowledgedAt: z.string().nullable(),
  resolvedAt: z.string().nullable(),
  updatedAt: z.string(),
  /** The current (latest) analyst label, lib/feedback. */
  label: z.enum(["TRUE_POSITIVE", "FALSE_POSITIVE", "UNSURE"]).nullable(),
});
export type AnomalyItem = z.infer<typeof ZAnomalyItem>;

export const pageOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });
export const ZAnomalyPage = pageOf(ZAnomalyItem);
export type AnomalyPage = z.infer<typeof ZAnomalyPage>;

/** One member of a group's incident: its series, and its share of the peak's score and direction when the model reports them. */
export const ZAnomalyMember = z.object({
  seriesId: z.string(),
  metric: z.string(),
  labels: z.record(z.string(), z.string()),
  share: z.number().nullable(),
  direction: z.enum(["above", "below"]).nullable(),
});
export type AnomalyMember = z.infer<typeof ZAnomalyMember>;

export const ZAnomalyDetail = ZAnomalyItem.extend({
  detector: z.object({ id: z.string(), name: z.string(), algorithm: z.string(), threshold: z.number(), params: z.unknown() }),
  /** A grouped detector's incident: its group (the label values that make it) and members in vector order, with the attribution of the peak. */
  group: z.object({ id: z.string(), key: z.string(), members: z.array(ZAnomalyMember) }).nullable(),
});
export type AnomalyDetail = z.infer<typeof ZAnomalyDetail>;

/** One change to one anomaly, or the same change to many. `assigneeId: null` unassigns. */
const change = {
  status: ZAnomalyStatus.optional(),
  assigneeId: id.nullable().optional(),
};
export const ZAnomalyChange = z
  .object(change)
  .strict()
  .refine((b) => b.status !== undefined || b.assigneeId !== undefined, { message: "give status or assigneeId" });
export type TAnomalyChange = z.infer<typeof ZAnomalyChange>;

export const ZBulkAnomalyChange = z
  .object({ ids: z.array(id).min(1).max(BULK_MAX), ...change })
  .strict()
  .refine((b) => b.status !== undefined || b.assigneeId !== undefined, { message: "give status or assigneeId" });
export type TBulkAnomalyChange = z.infer<typeof ZBulkAnomalyChange>;
export const ZBulkResult = z.object({ updated: z.number().int(), ids: z.array(z.string()) });
export type BulkResult = z.infer<typeof ZBulkResult>;

export const ZNewComment = z.object({ body: z.string().trim().min(1, "must not be empty").max(10_000) }).strict();
export const ZComment = z.object({ id: z.string(), body: z.string(), createdAt: z.string(), user: userRef });
export type AnomalyComment = z.infer<typeof ZComment>;
export const ZCommentPage = pageOf(ZComment);

export const ZActivity = z.object({
  id: z.string(),
  kind: z.string(),
  details: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  /** null: the pipeline (re-detection), not a person. */
  user: userRef.nullable(),
});
export type AnomalyActivity = z.infer<typeof ZActivity>;
export const ZActivityPage = pageOf(ZActivity);

/** Pages of a single anomaly's comments, history, or the assignable users: `?limit=&cursor=`. */
export const ZSimplePageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(ANOMALY_PAGE_MAX).default(ANOMALY_PAGE_DEFAULT),
  cursor: z.string().max(200).regex(/^[A-Za-z0-9_-]+$/, "is not a cursor from a previous page").optional(),
});
export type TSimplePageQuery = z.infer<typeof ZSimplePageQuery>;

export const ZAssignee = userRef.extend({ role: z.enum(["ADMIN", "ANALYST", "OPERATOR"]) });
export const ZAssigneePage = pageOf(ZAssignee);
export type Assignee = z.infer<typeof ZAssignee>;

export const ZWindowPoint = z.object({
  t: z.number(),
  value: z.number(),
  expected: z.number().nullable(),
  lower: z.number().nullable(),
  upper: z.number().nullable(),
  score: z.number().nullable(),
});
export const ZAnomalyWindow = z.object({
  points: z.array(ZWindowPoint),
  /** Points at the start used only to train or warm the re-scoring detector (no band there). */
  trainedOn: z.number().int(),
  /** The ensemble member whose weighted score was highest at the peak, when the detector is an ensemble. */
  driver: z.object({ kind: z.string(), score: z.number() }).nullable(),
});
export type AnomalyWindow = z.infer<typeof ZAnomalyWindow>;
