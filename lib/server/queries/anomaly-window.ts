/** The points around one anomaly, re-scored for the expected band (see lib/anomalies/rescore.ts). */
import { rescoreWindow } from "@/lib/anomalies/rescore";
import type { AnomalyWindow } from "@/lib/anomalies/schemas";
import { AppError } from "@/lib/server/api/errors";
import { getPrisma } from "@/lib/server/db";

/** Points read before the chart starts, so streaming detectors are warm and trained ones have history. */
export const WARMUP_POINTS = 1_500;
/** The chart shows the event plus this many times its length (at least MIN_CONTEXT points) each side. */
const CONTEXT_FACTOR = 3;
const MIN_CONTEXT = 120;
const MAX_AFTER = 2_000;

export async function readAnomalyWindow(anomalyId: string): Promise<AnomalyWindow> {
  const prisma = getPrisma();
  const a = await prisma.anomaly.findUnique({
    where: { id: anomalyId },
    select: { seriesId: true, startTs: true, endTs: true, peakTs: true, pointCount: true, detector: { select: { algorithm: true, params: true, threshold: true } } },
  });
  if (!a) throw new AppError("not_found", `No anomaly ${anomalyId}`);
  const context = Math.max(MIN_CONTEXT, a.pointCount * CONTEXT_FACTOR);
  const [before, during] = await Promise.all([
    prisma.dataPoint.findMany({
      where: { seriesId: a.seriesId, ts: { lt: a.startTs } },
      orderBy: { ts: "desc" },
      take: context + WARMUP_POINTS,
      select: { ts: true, value: true },
    }),
    prisma.dataPoint.findMany({
      where: { seriesId: a.seriesId, ts: { gte: a.startTs } },
      orderBy: { ts: "asc" },
      take: Math.min(MAX_AFTER, a.pointCount + context),
      select: { ts: true, value: true },
    }),
  ]);
  before.reverse();
  const points = [...before, ...during].map((p) => ({ t: p.ts.getTime(), value: p.value }));
  const shownFrom = before.length > context ? before[before.length - context].ts.getTime() : (points[0]?.t ?? a.startTs.getTime());
  return rescoreWindow({
    algorithm: a.detector.algorithm,
    params: a.detector.params,
    threshold: a.detector.threshold,
    points,
    from: shownFrom,
    to: points.at(-1)?.t ?? a.endTs.getTime(),
    peakT: a.peakTs.getTime(),
  });
}
