/**
 * What the detector routes answer (isomorphic), for the OpenAPI document and
 * lib/openapi/responses-detectors.int.test.ts. Shapes as served today (lib/server/queries/detectors.ts).
 */
import { z } from "zod";
import { groupingSchema } from "@/lib/detectors/grouping";

const isoTime = z.iso.datetime();
const ref = z.object({ id: z.string(), name: z.string() });

export const ZDetectorListItem = z.object({
  id: z.string(),
  name: z.string(),
  algorithm: z.string(),
  threshold: z.number(),
  mode: z.enum(["STREAMING", "BATCH"]),
  enabled: z.boolean(),
  _count: z.object({ series: z.number().int(), anomalies: z.number().int() }),
});
/** GET /api/v1/detectors: keyset pages in name order; `total` only with `?count=true`. */
export const ZDetectorList = z.object({ items: z.array(ZDetectorListItem), nextCursor: z.string().nullable(), total: z.number().int().optional() });

/** One detector with its watched sources and the series attached one by one (what the form edits). */
export const ZDetectorDetail = z.object({
  id: z.string(),
  name: z.string(),
  algorithm: z.string(),
  params: z.record(z.string(), z.unknown()),
  threshold: z.number(),
  mode: z.enum(["STREAMING", "BATCH"]),
  trainingWindowHours: z.number().int().nullable(),
  enabled: z.boolean(),
  retrainCron: z.string().nullable(),
  /** How the attached series are scored in groups (lib/detectors/grouping.ts); null: each series alone. */
  grouping: groupingSchema.nullable(),
  createdAt: isoTime,
  updatedAt: isoTime,
  sources: z.array(z.object({ source: ref })),
  _count: z.object({ series: z.number().int() }),
  series: z.array(z.object({ series: z.object({ id: z.string(), metric: z.string(), labels: z.record(z.string(), z.string()), source: ref }) })),
});
/** GET, POST: one detector, bare. */
export const ZDetectorOne = ZDetectorDetail;
/** PATCH: the detector bare, with what the edit does to detection beside its fields. */
export const ZDetectorUpdated = ZDetectorDetail.extend({ restartsCheckpoint: z.boolean(), effect: z.enum(["reset", "redetect", "none"]) });

/** Unpaged (a short fixed list): `nextCursor` is always null. */
export const ZAlgorithmList = z.object({
  nextCursor: z.null(),
  items: z.array(
    z.object({
      kind: z.string(),
      label: z.string(),
      description: z.string(),
      input: z.string(),
      needsTraining: z.boolean(),
      defaultThreshold: z.number(),
      /** JSON Schema of the algorithm's parameters. */
      paramsSchema: z.record(z.string(), z.unknown()),
    }),
  ),
});

export const ZBackfillQueued = z.object({ jobs: z.number().int(), seriesIds: z.array(z.string()) });
export const ZTrainingQueued = z.object({ jobs: z.number().int() });

const previewEvent = { start: z.number(), end: z.number(), peakT: z.number(), peakScore: z.number(), severity: z.enum(["low", "medium", "high", "critical"]), pointCount: z.number().int() };
const training = {
  /** Points (a group: steps) the detector trained on (algorithms that need training), ending before the first scored one. */
  trainedOn: z.number().int(),
  trainedTo: z.number().nullable(),
  /** Leading points used for training, not scored (no history before the window). */
  unscored: z.number().int(),
  /** Points of the training window left out as the detector's labelled anomalies (with `detectorId`). */
  excludedLabelled: z.number().int(),
};
const memberShares = z.array(z.object({ share: z.number(), direction: z.enum(["above", "below"]) })).nullable();

/** POST /api/v1/detectors/preview of a series (lib/detectors/schemas.ts PreviewResult): times in ms. */
export const ZSeriesPreviewResult = z.object({
  points: z.array(
    z.object({ t: z.number(), value: z.number(), score: z.number().nullable(), expected: z.number().nullable(), lower: z.number().nullable(), upper: z.number().nullable() }),
  ),
  events: z.array(z.object(previewEvent)),
  ...training,
});

/** POST /api/v1/detectors/preview of a group (GroupPreviewResult): the members in vector order, one scored step per point. */
export const ZGroupPreviewResult = z.object({
  members: z.array(z.object({ seriesId: z.string(), metric: z.string(), labels: z.record(z.string(), z.string()) })),
  points: z.array(z.object({ t: z.number(), values: z.array(z.number()), score: z.number().nullable(), attribution: memberShares })),
  events: z.array(z.object({ ...previewEvent, attribution: memberShares })),
  ...training,
});

export const ZPreviewResult = z.union([ZSeriesPreviewResult, ZGroupPreviewResult]);
