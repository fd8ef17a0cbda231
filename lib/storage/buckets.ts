/**
 * The explorer's buckets for long ranges read from rollups: buckets of a whole number of rollup
 * widths on a grid aligned to that width, summed from the minute or hour rollups that lie wholly
 * inside [from, to], plus the raw points of the partial widths at both ends and of the series'
 * pending dirty range (changed points the rollup job has not re-derived yet). The answer therefore
 * equals the same buckets computed from the points alone, whatever the job's progress.
 */
import { Prisma } from "@/lib/generated/prisma/client";
import { getPrisma } from "@/lib/server/db";
import { floorTo, HOUR_MS, MINUTE_MS } from "@/lib/storage/rollups";

export interface BucketRow {
  t: Date;
  min: number;
  max: number;
  avg: number;
  count: number;
}

/** The rollup width to read for buckets of `bucketMs`, or null when the points themselves are fine enough. */
export function rollupWidthFor(bucketMs: number): number | null {
  if (bucketMs >= HOUR_MS) return HOUR_MS;
  if (bucketMs >= MINUTE_MS) return MINUTE_MS;
  return null;
}

/** The half-open range `part` minus `cut`: zero, one or two ranges. */
function subtract(part: [number, number], cut: [number, number] | null): [number, number][] {
  if (!cut || cut[1] <= part[0] || cut[0] >= part[1]) return [part];
  const out: [number, number][] = [];
  if (cut[0] > part[0]) out.push([part[0], cut[0]]);
  if (cut[1] < part[1]) out.push([cut[1], part[1]]);
  return out;
}

/** Where points and rollups are read for [from, to] (to inclusive) at `width` with a pending dirty span. */
export function planRead(from: number, to: number, width: number, dirty: { from: number; to: number } | null) {
  const a = Math.min(floorTo(from + width - 1, width), to + 1); // first whole width
  const b = Math.max(floorTo(to + 1, width), a); // end of the last whole width
  const cut: [number, number] | null = dirty ? [floorTo(dirty.from, width), floorTo(dirty.to, width) + width] : null;
  const rollups = subtract([a, b], cut).filter(([x, y]) => y > x);
  const raw: [number, number][] = [];
  if (from < a) raw.push([from, a]);
  if (cut) {
    const lo = Math.max(cut[0], a);
    const hi = Math.min(cut[1], b);
    if (hi > lo) raw.push([lo, hi]);
  }
  if (b <= to) raw.push([b, to + 1]);
  return { rollups, raw };
}

async function dirtySpan(seriesId: string): Promise<{ from: number; to: number } | null> {
  const [row] = await getPrisma().$queryRaw<{ from: Date | null; to: Date | null }[]>`
    SELECT min("fromTs") AS "from", max("toTs") AS "to" FROM "RollupDirty" WHERE "seriesKey" = (SELECT key FROM "Series" WHERE id = ${seriesId})`;
  return row?.from && row.to ? { from: row.from.getTime(), to: row.to.getTime() } : null;
}

/**
 * Buckets of `bucketMs` rounded up to whole rollup widths, on a grid starting at `from` rounded
 * down to the width; null when `bucketMs` is below a minute (the caller reads the points).
 */
export async function readRolledBuckets(seriesId: string, from: number, to: number, bucketMs: number): Promise<{ bucketMs: number; rows: BucketRow[] } | null> {
  const width = rollupWidthFor(bucketMs);
  if (width === null) return null;
  const size = Math.ceil(bucketMs / width) * width;
  const origin = new Date(floorTo(from, width));
  const plan = planRead(from, to, width, await dirtySpan(seriesId));
  const parts: Prisma.Sql[] = [
    ...plan.rollups.map(
      ([x, y]) => Prisma.sql`SELECT "firstTs" AS t, min, max, sum, count FROM "PointRollup"
        WHERE "seriesKey" = (SELECT key FROM "Series" WHERE id = ${seriesId}) AND width = ${width / 1000} AND bucket >= ${new Date(x)}::timestamptz AND bucket < ${new Date(y)}::timestamptz`,
    ),
    ...plan.raw.map(
      ([x, y]) => Prisma.sql`SELECT ts AS t, value AS min, value AS max, value AS sum, 1 AS count FROM "DataPoint"
        WHERE "seriesKey" = (SELECT key FROM "Series" WHERE id = ${seriesId}) AND ts >= ${new Date(x)}::timestamptz AND ts < ${new Date(y)}::timestamptz`,
    ),
  ];
  if (parts.length === 0) return { bucketMs: size, rows: [] };
  const rows = await getPrisma().$queryRaw<BucketRow[]>`
    SELECT min(t) AS t, min(min) AS min, max(max) AS max, (sum(sum) / sum(count))::float8 AS avg, sum(count)::int AS count
    FROM (${Prisma.join(parts, " UNION ALL ")}) u
    GROUP BY date_bin(${size}::float8 * interval '1 millisecond', t, ${origin}::timestamptz)
    ORDER BY 1`;
  return { bucketMs: size, rows };
}
