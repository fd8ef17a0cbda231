/** Named queries for series: the keyset lists, and stored points downsampled for charts. */
import { Prisma } from "@/lib/generated/prisma/client";
import { parseDetectorParams } from "@/lib/detectors/params";
import { runPreview } from "@/lib/detectors/preview";
import { needsTraining } from "@/lib/detection/training";
import { readTrainingHistory } from "@/lib/server/queries/detector-state";
import type { GroupPreviewResult, PreviewResult, TPointsQuery, TPreview } from "@/lib/detectors/schemas";
import { previewGroup, previewLeaveOut } from "@/lib/server/queries/group-preview";
import { bucketSize, type SeriesBuckets, type SeriesDetail } from "@/lib/series/schemas";
import { encodeSeriesCursor, type SeriesListPage, type SourceSeriesPage, type SourceSeriesQuery } from "@/lib/sources/series-query";
import { AppError } from "@/lib/server/api/errors";
import { getPrisma } from "@/lib/server/db";
import { readRolledBuckets } from "@/lib/storage/buckets";

/**
 * A series' first and last point: two primary-key probes. (Prisma's aggregate wraps min/max in a
 * subquery that reads every point: 0.6 s on a year of 10-second data.)
 */
async function readExtent(seriesId: string): Promise<{ first: Date | null; last: Date | null }> {
  const [row] = await getPrisma().$queryRaw<{ first: Date | null; last: Date | null }[]>`
    SELECT (SELECT ts FROM "DataPoint" WHERE "seriesKey" = s.key ORDER BY ts ASC LIMIT 1) AS first,
           (SELECT ts FROM "DataPoint" WHERE "seriesKey" = s.key ORDER BY ts DESC LIMIT 1) AS last
    FROM "Series" s WHERE s.id = ${seriesId}`;
  return row;
}

/** The series and its first and last point (points are never counted). */
export async function getSeriesExtent(seriesId: string) {
  const series = await getPrisma().series.findUnique({ where: { id: seriesId }, select: { id: true, metric: true } });
  if (!series) throw new AppError("not_found", `No series ${seriesId}`);
  return { ...series, ...(await readExtent(seriesId)) };
}

/** One series for the explorer: its labels, source, extent and the detectors that watch it. */
export async function getSeriesDetail(seriesId: string): Promise<SeriesDetail> {
  const prisma = getPrisma();
  const series = await prisma.series.findUnique({
    where: { id: seriesId },
    select: {
      id: true,
      metric: true,
      labels: true,
      unit: true,
      source: { select: { id: true, name: true } },
      detectors: { select: { detector: { select: { id: true, name: true, algorithm: true } } }, orderBy: { detector: { name: "asc" } } },
    },
  });
  if (!series) throw new AppError("not_found", `No series ${seriesId}`);
  const extent = await readExtent(seriesId);
  return {
    id: series.id,
    metric: series.metric,
    labels: series.labels as Record<string, string>,
    unit: series.unit,
    source: series.source,
    detectors: series.detectors.map((d) => d.detector),
    first: extent.first?.toISOString() ?? null,
    last: extent.last?.toISOString() ?? null,
  };
}

/**
 * The downsampling statement: [from, to] cut into buckets of `bucketMs` on a grid starting at
 * `from` (date_bin), each reported as its first point's time, min, max, avg and count, so peaks and
 * dips survive any zoom and a bucket of one point is that point. Empty buckets are absent: the chart adapter turns a run of them into a gap (null),
 * never a 0. date_bin is about four times faster than grouping on extract(epoch) arithmetic.
 */
export function seriesBucketsSql(seriesId: string, from: number, to: number, bucketMs: number) {
  return Prisma.sql`
    SELECT min(ts) AS t, min(value) AS min, max(value) AS max, avg(value) AS avg, count(*)::int AS count
    FROM "DataPoint"
    WHERE "seriesKey" = (SELECT key FROM "Series" WHERE id = ${seriesId}) AND ts >= ${new Date(from)}::timestamptz AND ts <= ${new Date(to)}::timestamptz
    GROUP BY date_bin(${bucketMs}::float8 * interval '1 millisecond', ts, ${new Date(from)}::timestamptz)
    ORDER BY 1`;
}

/**
 * Stored points of [from, to] downsampled to at most `maxPoints` buckets in one statement; the
 * whole series when the range is not given. Buckets of a minute or more are read from rollups,
 * rounded up to whole minutes or hours (so there may be somewhat fewer of them). A range holding fewer points comes back raw
 * (buckets of one point: min = max = avg).
 */
export async function readSeriesBuckets(seriesId: string, q: TPointsQuery): Promise<SeriesBuckets> {
  let from = q.from ? Date.parse(q.from) : undefined;
  let to = q.to ? Date.parse(q.to) : undefined;
  if (from === undefined || to === undefined) {
    const extent = await getSeriesExtent(seriesId);
    from ??= extent.first?.getTime();
    to ??= extent.last?.getTime();
  } else if (!(await getPrisma().series.findUnique({ where: { id: seriesId }, select: { id: true } }))) {
    throw new AppError("not_found", `No series ${seriesId}`);
  }
  if (from === undefined || to === undefined || from > to) return { from: from ?? null, to: to ?? null, bucketMs: 0, buckets: [] };
  let bucketMs = bucketSize(from, to, q.maxPoints);
  // Long ranges read minute or hour rollups (lib/storage/buckets.ts); short ones the points.
  const rolled = await readRolledBuckets(seriesId, from, to, bucketMs);
  const rows = rolled ? rolled.rows : await getPrisma().$queryRaw<{ t: Date; min: number; max: number; avg: number; count: number }[]>(seriesBucketsSql(seriesId, from, to, bucketMs));
  if (rolled) bucketMs = rolled.bucketMs;
  return { from, to, bucketMs, buckets: rows.map((r) => ({ t: r.t.getTime(), min: r.min, max: r.max, avg: r.avg, count: r.count })) };
}

/**
 * Raw points for the preview, in time order: the first `limit` from `from`, or when only `to`
 * (or nothing) is given, the last `limit` up to it.
 */
export async function readPreviewPoints(seriesId: string, limit: number, from?: string, to?: string) {
  await getSeriesExtent(seriesId);
  const ts = { ...(from ? { gte: new Date(from) } : {}), ...(to ? { lte: new Date(to) } : {}) };
  const rows = await getPrisma().dataPoint.findMany({
    where: { series: { id: seriesId }, ts },
    orderBy: { ts: from ? "asc" : "desc" },
    take: limit,
    select: { ts: true, value: true },
  });
  if (!from) rows.reverse();
  return rows.map((r) => ({ t: r.ts.getTime(), value: r.value }));
}

/** The preview over stored points; params are checked first so a bad config is a 422 naming the field. */
export async function previewDetector(input: TPreview & { grouping?: undefined }): Promise<PreviewResult>;
export async function previewDetector(input: TPreview): Promise<PreviewResult | GroupPreviewResult>;
export async function previewDetector(input: TPreview): Promise<PreviewResult | GroupPreviewResult> {
  const params = parseDetectorParams(input.algorithm, input.params);
  if (input.grouping) return previewGroup({ ...input, grouping: input.grouping }, params);
  const seriesId = input.seriesId!; // ZPreview: a series when there is no group
  const points = await readPreviewPoints(seriesId, input.maxPoints, input.from, input.to);
  // The worker's split: a trained detector learns the training window ending just before the window.
  const history = points.length && needsTraining(input.algorithm, params) ? await readTrainingHistory(seriesId, new Date(points[0].t), input.trainingWindowHours) : [];
  const leaveOut = await previewLeaveOut(input.detectorId, [seriesId], (history[0] ?? points[0])?.t ?? 0, points.at(-1)?.t ?? 0);
  return runPreview({ algorithm: input.algorithm, params, threshold: input.threshold, points, history, trainingWindowHours: input.trainingWindowHours, leaveOut });
}

/** `q` as a literal ILIKE substring: its own %, _ and \ match themselves. */
function containsPattern(q: string): string {
  return `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Text that can only be part of a key or value is found in labelsKey (canonical JSON) as is, which
 * is cheap; anything else (`=`, quotes, separators) is matched against the labels as the page shows
 * them, `{host="a", region="eu"}`, or as typed, `host=a,region=eu`, built per row.
 */
function seriesMatching(q: string) {
  const pattern = containsPattern(q);
  if (/^[^=":,{}\\\u0000-\u001f]*$/.test(q)) return Prisma.sql`AND (s.metric ILIKE ${pattern} OR s."labelsKey" ILIKE ${pattern})`;
  return Prisma.sql`AND (s.metric ILIKE ${pattern} OR (
    SELECT concat_ws(chr(10), '{' || string_agg(format('%s="%s"', e.key, e.value), ', ') || '}', string_agg(format('%s=%s', e.key, e.value), ','))
    FROM jsonb_each_text(s.labels) e) ILIKE ${pattern})`;
}

interface SourceSeriesDbRow {
  id: string;
  metric: string;
  labels: Record<string, string>;
  labelsKey: string;
  createdAt: Date;
  lastTs: Date | null;
  lastValue: number | null;
}

/**
 * One keyset page of a source's series in (metric, labelsKey, id) order, walking the
 * (sourceId, metric, labelsKey) unique index; `q` is a case-insensitive substring of the metric or
 * the labels. Only the page's rows look up their newest point, one primary-key probe each; points
 * are never counted. The total, asked for with `count`, is one count over the index.
 */
export async function listSourceSeriesPage(sourceId: string, query: SourceSeriesQuery): Promise<SourceSeriesPage> {
  const { limit, cursor, q, count } = query;
  const after = cursor ? Prisma.sql`AND (s.metric, s."labelsKey", s.id) > (${cursor.metric}, ${cursor.labelsKey}, ${cursor.id})` : Prisma.empty;
  const matching = q ? seriesMatching(q) : Prisma.empty;
  const prisma = getPrisma();
  const [source, rows] = await Promise.all([
    prisma.$queryRaw<{ total: number | null }[]>`
      SELECT ${count ? Prisma.sql`(SELECT count(*) FROM "Series" WHERE "sourceId" = ${sourceId})::int` : Prisma.sql`NULL::int`} AS total FROM "DataSource" WHERE id = ${sourceId}`,
    prisma.$queryRaw<SourceSeriesDbRow[]>`
      SELECT p.id, p.metric, p.labels, p."labelsKey", p."createdAt", l.ts AS "lastTs", l.value AS "lastValue"
      FROM (
        SELECT s.id, s.key, s.metric, s.labels, s."labelsKey", s."createdAt"
        FROM "Series" s
        WHERE s."sourceId" = ${sourceId} ${after} ${matching}
        ORDER BY s.metric, s."labelsKey", s.id
        LIMIT ${limit + 1}
      ) p
      LEFT JOIN LATERAL (SELECT d.ts, d.value FROM "DataPoint" d WHERE d."seriesKey" = p.key ORDER BY d.ts DESC LIMIT 1) l ON true
      ORDER BY p.metric, p."labelsKey", p.id`,
  ]);
  if (source.length === 0) throw new AppError("not_found", `No data source ${sourceId}`);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => ({
      id: r.id,
      metric: r.metric,
      labels: r.labels,
      createdAt: r.createdAt.toISOString(),
      lastTs: r.lastTs?.toISOString() ?? null,
      lastValue: r.lastValue,
    })),
    nextCursor: rows.length > limit && last ? encodeSeriesCursor(last) : null,
    ...(count ? { total: source[0].total ?? 0 } : {}),
  };
}

type SeriesListQuery = SourceSeriesQuery & { sourceId?: string[] };

/** The page statement of GET /api/v1/series (exported for its plan test): one row more than `limit` tells whether a next page exists. */
export function seriesPageSql({ limit, cursor, q, sourceId = [] }: SeriesListQuery) {
  const after = cursor ? Prisma.sql`AND (s.metric, s."labelsKey", s.id) > (${cursor.metric}, ${cursor.labelsKey}, ${cursor.id})` : Prisma.empty;
  const sources = sourceId.length ? Prisma.sql`AND s."sourceId" IN (${Prisma.join(sourceId)})` : Prisma.empty;
  const matching = q ? seriesMatching(q) : Prisma.empty;
  return Prisma.sql`
    SELECT s.id, s.metric, s.labels, s."labelsKey", s.unit, d.id AS "sourceId", d.name AS "sourceName"
    FROM "Series" s JOIN "DataSource" d ON d.id = s."sourceId"
    WHERE true ${sources} ${after} ${matching}
    ORDER BY s.metric, s."labelsKey", s.id
    LIMIT ${limit + 1}`;
}

/**
 * One keyset page of the series of any of `sourceId` (all sources when none) in (metric,
 * labelsKey, id) order, walking the Series (metric, labelsKey, id) index; `q` as on a source's
 * list. The total, asked for with `count`, counts what matches (sources and `q`).
 */
export async function listSeriesPage(query: SeriesListQuery): Promise<SeriesListPage> {
  const { limit, q, count, sourceId = [] } = query;
  const prisma = getPrisma();
  const sources = sourceId.length ? Prisma.sql`AND s."sourceId" IN (${Prisma.join(sourceId)})` : Prisma.empty;
  const [rows, total] = await Promise.all([
    prisma.$queryRaw<{ id: string; metric: string; labels: Record<string, string>; labelsKey: string; unit: string | null; sourceId: string; sourceName: string }[]>(seriesPageSql(query)),
    count ? prisma.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM "Series" s WHERE true ${sources} ${q ? seriesMatching(q) : Prisma.empty}` : undefined,
  ]);
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => ({ id: r.id, metric: r.metric, labels: r.labels, unit: r.unit, source: { id: r.sourceId, name: r.sourceName } })),
    nextCursor: rows.length > limit && last ? encodeSeriesCursor(last) : null,
    ...(total ? { total: total[0].n } : {}),
  };
}
