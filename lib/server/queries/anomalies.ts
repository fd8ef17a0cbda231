/**
 * Named queries for the pipeline's anomaly writes. The triage queue's reads are in anomaly-list.ts,
 * its writes in anomaly-triage.ts, the chart window in anomaly-window.ts.
 */
import type { Prisma } from "@/lib/generated/prisma/client";

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
