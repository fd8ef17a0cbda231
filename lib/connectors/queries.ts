/** Named queries the connectors need (sources to poll or subscribe to, their progress, their health). */
import type { SourceKind } from "@/lib/generated/prisma/client";
import { getPrisma } from "@/lib/server/db";
import type { SeriesPoints } from "@/lib/ingest/batch";

export function findSourceForPoll(id: string) {
  return getPrisma().dataSource.findUnique({ where: { id }, select: { id: true, kind: true, config: true, status: true } });
}

/** Sources the worker should run: not paused (an ERROR source keeps being tried, so it can recover). */
export function listRunnableSources(kinds: SourceKind[]) {
  return getPrisma().dataSource.findMany({
    where: { kind: { in: kinds }, status: { not: "PAUSED" } },
    select: { id: true, kind: true, config: true, scheduleSeconds: true, updatedAt: true },
    orderBy: { id: "asc" },
  });
}

/** Latest stored point of any series of the source (one index probe per series). */
export async function lastPointAt(sourceId: string): Promise<Date | null> {
  const rows = await getPrisma().$queryRaw<{ ts: Date | null }[]>`
    SELECT max(p.ts) AS ts FROM "Series" s
    CROSS JOIN LATERAL (SELECT ts FROM "DataPoint" WHERE "seriesKey" = s.key ORDER BY ts DESC LIMIT 1) p
    WHERE s."sourceId" = ${sourceId}`;
  return rows[0]?.ts ?? null;
}

/** Records the outcome of a poll or subscription; never resurrects a source paused meanwhile. */
export async function markSourceHealth(id: string, error: string | null): Promise<void> {
  await getPrisma().dataSource.updateMany({
    where: { id, status: { not: "PAUSED" } },
    data: error ? { status: "ERROR", lastError: error.slice(0, 2000) } : { status: "ACTIVE", lastError: null },
  });
}

/**
 * Drops the points a poll already stored with the same value (polls re-read an overlap, or the
 * whole list), so only new or corrected points are written and scheduled: re-writing unchanged
 * old points would make every poll look like late data and trigger needless backfills.
 */
export async function dropUnchangedPoints(sourceId: string, series: SeriesPoints[]): Promise<SeriesPoints[]> {
  let minMs = Infinity;
  for (const s of series) for (const t of s.ms) if (t < minMs) minMs = t;
  if (!Number.isFinite(minMs)) return series;
  const rows = await getPrisma().$queryRaw<{ metric: string; labelsKey: string; ms: number; value: number }[]>`
    SELECT s.metric, s."labelsKey", (extract(epoch FROM p.ts) * 1000)::float8 AS ms, p.value
    FROM "Series" s JOIN "DataPoint" p ON p."seriesKey" = s.key
    WHERE s."sourceId" = ${sourceId} AND p.ts >= to_timestamp(${minMs} / 1000.0)`;
  const stored = new Map(rows.map((r) => [`${r.metric}\u0000${r.labelsKey}\u0000${Math.round(r.ms)}`, r.value]));
  return series.flatMap((s) => {
    const keep = s.ms.map((t, i) => stored.get(`${s.metric}\u0000${s.labelsKey}\u0000${t}`) !== s.values[i]);
    if (keep.every(Boolean)) return [s];
    const ms = s.ms.filter((_, i) => keep[i]);
    return ms.length ? [{ ...s, ms, values: s.values.filter((_, i) => keep[i]) }] : [];
  });
}
