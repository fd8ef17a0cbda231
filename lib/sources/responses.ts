/**
 * What the source, source-key and series routes answer (isomorphic), for the OpenAPI document and
 * lib/openapi/responses-*.int.test.ts. Lists are `{ items, nextCursor }`, one resource is bare,
 * except `GET /series` (numbered pages; lib/openapi/README.md says why).
 */
import { z } from "zod";

const isoTime = z.iso.datetime();
const labels = z.record(z.string(), z.string());

/** A source as lib/server/queries/sources.ts shows it: its config with every URL password masked as `***` (lib/sources/secrets.ts). */
export const ZSource = z.object({
  id: z.string(),
  name: z.string(),
  /** A SourceKind (prisma/schema.prisma). */
  kind: z.string(),
  config: z.record(z.string(), z.unknown()),
  scheduleSeconds: z.number().int().nullable(),
  status: z.enum(["ACTIVE", "PAUSED", "ERROR"]),
  lastError: z.string().nullable(),
  lastIngestedAt: isoTime.nullable(),
  /** Points older than this many days are deleted (lib/storage); null keeps them. */
  retentionDays: z.number().int().nullable(),
  createdAt: isoTime,
  updatedAt: isoTime,
  _count: z.object({ series: z.number().int() }),
});
/** Unpaged (`nextCursor` is null); one source is answered bare (ZSource). */
export const ZSourceList = z.object({ items: z.array(ZSource), nextCursor: z.null() });

export const ZSourceKey = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  sourceId: z.string(),
  lastUsedAt: isoTime.nullable(),
  revokedAt: isoTime.nullable(),
  createdAt: isoTime,
});
/** Unpaged (`nextCursor` is null); one key (created or revoked) is answered bare. */
export const ZSourceKeyList = z.object({ items: z.array(ZSourceKey), nextCursor: z.null() });
/** The create answer: the only time the full push key (`vgl_...`) is shown. */
export const ZSourceKeyCreated = ZSourceKey.extend({ key: z.string().startsWith("vgl_") });

/** GET /api/v1/sources/{id}/series: a keyset page; `total` only with `count=true`. */
export const ZSourceSeriesPage = z.object({
  items: z.array(z.object({ id: z.string(), metric: z.string(), labels, createdAt: isoTime, lastTs: isoTime.nullable(), lastValue: z.number().nullable() })),
  nextCursor: z.string().nullable(),
  total: z.number().int().optional(),
});

/** GET /api/v1/series: a keyset page across sources; `total` only with `count=true`. */
export const ZSeriesPage = z.object({
  items: z.array(z.object({ id: z.string(), metric: z.string(), labels, unit: z.string().nullable(), source: z.object({ id: z.string(), name: z.string() }) })),
  nextCursor: z.string().nullable(),
  total: z.number().int().optional(),
});

/** GET /api/v1/series/{id}: one series, bare. */
export const ZSeriesOne = z.object({
  id: z.string(),
  metric: z.string(),
  labels,
  unit: z.string().nullable(),
  source: z.object({ id: z.string(), name: z.string() }),
  detectors: z.array(z.object({ id: z.string(), name: z.string(), algorithm: z.string() })),
  first: isoTime.nullable(),
  last: isoTime.nullable(),
});

/** Downsampled points: per bucket its first point's time (ms), min, max, avg and count. */
export const ZSeriesBuckets = z.object({
  from: z.number().nullable(),
  to: z.number().nullable(),
  bucketMs: z.number(),
  buckets: z.array(z.object({ t: z.number(), min: z.number(), max: z.number(), avg: z.number(), count: z.number().int() })),
});

/** POST /api/v1/ingest and POST /api/v1/sources/{id}/upload: points stored, series they went to. */
export const ZPointsAccepted = z.object({ accepted: z.number().int(), series: z.number().int() });

/** lib/connectors/sample.ts SourceSample: the latest points of up to 20 series, `[time, value]`. */
const ZSourceSample = z.object({
  series: z.array(z.object({ metric: z.string(), labels, points: z.array(z.tuple([isoTime, z.number()])) })),
  totalPoints: z.number().int(),
});
/** POST /api/v1/sources/test and /sources/{id}/test (lib/connectors/test-source.ts): a sample, nothing to fetch (push, CSV), or why it failed. */
export const ZSourceTestResult = z.union([
  z.object({ ok: z.literal(true), sample: ZSourceSample, message: z.string().optional() }),
  z.object({ ok: z.literal(true), sample: z.null(), message: z.string() }),
  z.object({ ok: z.literal(false), error: z.string() }),
]);

/** A Prometheus history import and its progress (lib/server/queries/source-imports.ts). */
export const ZSourceImport = z.object({
  id: z.string(),
  fromTs: isoTime,
  toTs: isoTime,
  /** Imported up to here. */
  cursorTs: isoTime,
  status: z.enum(["RUNNING", "DONE", "FAILED"]),
  points: z.number().int(),
  error: z.string().nullable(),
  createdAt: isoTime,
  updatedAt: isoTime,
});
/** The latest 50 imports, newest first. */
export const ZSourceImportList = z.object({ items: z.array(ZSourceImport), nextCursor: z.null() });
export const ZSourceImportStarted = ZSourceImport;
