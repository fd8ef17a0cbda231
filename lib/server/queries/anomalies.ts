/** Named queries for anomalies: filtered, sorted and paginated on the server. */
import { z } from "zod";
import type { Prisma } from "@/lib/generated/prisma/client";
import { getPrisma } from "@/lib/server/db";

export const ZAnomalyListQuery = z.object({
  status: z.enum(["OPEN", "ACKNOWLEDGED", "RESOLVED", "SILENCED"]).optional(),
  severity: z.enum(["LOW", "MEDIUM", "HIGH", "CRITICAL"]).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});
export type TAnomalyListQuery = z.infer<typeof ZAnomalyListQuery>;

export async function listAnomalies(q: TAnomalyListQuery) {
  const where: Prisma.AnomalyWhereInput = { status: q.status, severity: q.severity };
  const prisma = getPrisma();
  const [total, rows] = await Promise.all([
    prisma.anomaly.count({ where }),
    prisma.anomaly.findMany({
      where,
      orderBy: { startTs: "desc" },
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
      include: {
        detector: { select: { name: true } },
        series: { select: { metric: true, labels: true } },
        assignee: { select: { email: true } },
      },
    }),
  ]);
  return { total, rows, page: q.page, pageSize: q.pageSize };
}

/** An anomaly event as the pipeline writes it (times as Dates, severity as the enum). */
export interface AnomalyWrite {
  startTs: Date;
  endTs: Date;
  peakTs: Date;
  peakScore: number;
  severity: "LOW" | "MEDIUM" | "HIGH" | "CRITICAL";
  pointCount: number;
  actual: number | null;
  expected: number | null;
  lower: number | null;
  upper: number | null;
}

/**
 * Upserts on the natural key (detector, series, start). The values are absolute (the event as
 * known so far), so applying the same event twice, or a longer version of an ongoing one, is
 * safe. Triage fields (status, assignee) are never touched.
 */
export async function upsertAnomalies(
  tx: Prisma.TransactionClient,
  detectorId: string,
  seriesId: string,
  events: AnomalyWrite[],
): Promise<void> {
  for (const e of events) {
    const found = await tx.anomaly.findFirst({ where: { detectorId, seriesId, startTs: e.startTs }, select: { id: true } });
    if (found) await tx.anomaly.update({ where: { id: found.id }, data: { ...e } });
    else await tx.anomaly.create({ data: { detectorId, seriesId, ...e } });
  }
}

/** Deletes the pair's anomalies starting in [from, to] except those starting at `keep`. */
export function deleteAnomaliesInRange(
  tx: Prisma.TransactionClient,
  detectorId: string,
  seriesId: string,
  from: Date,
  to: Date,
  keep: Date[],
) {
  return tx.anomaly.deleteMany({
    where: { detectorId, seriesId, startTs: { gte: from, lte: to, notIn: keep } },
  });
}
