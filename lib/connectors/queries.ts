/** Named queries the connectors need (sources to poll or subscribe to, their progress, their health). */
import type { SourceKind } from "@/lib/generated/prisma/client";
import { getPrisma } from "@/lib/server/db";

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
    CROSS JOIN LATERAL (SELECT ts FROM "DataPoint" WHERE "seriesId" = s.id ORDER BY ts DESC LIMIT 1) p
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
