/**
 * The points around one anomaly, re-scored for the expected band (see lib/anomalies/rescore.ts). A
 * grouped detector's incident shows its series (the member with the largest share at the peak) as
 * stored, without a band: its model expects the group's vector, not one member's value.
 */
import { rescoreWindow } from "@/lib/anomalies/rescore";
import { needsTraining } from "@/lib/detection/training";
import { readTrainingHistory } from "@/lib/server/queries/detector-state";
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
    select: { seriesId: true, groupId: true, startTs: true, endTs: true, peakTs: true, pointCount: true, detector: { select: { algorithm: true, params: true, threshold: true, trainingWindowHours: true } } },
  });
  if (!a) throw new AppError("not_found", `No anomaly ${anomalyId}`);
  const context = Math.max(MIN_CONTEXT, a.pointCount * CONTEXT_FACTOR);
  const [before, during] = await Promise.all([
    prisma.dataPoint.findMany({
      where: { series: { id: a.seriesId }, ts: { lt: a.startTs } },
      orderBy: { ts: "desc" },
      take: context + WARMUP_POINTS,
      select: { ts: true, value: true },
    }),
    prisma.dataPoint.findMany({
      where: { series: { id: a.seriesId }, ts: { gte: a.startTs } },
      orderBy: { ts: "asc" },
      take: Math.min(MAX_AFTER, a.pointCount + context),
      select: { ts: true, value: true },
    }),
  ]);
  before.reverse();
  const toPoint = (p: { ts: Date; value: number }) => ({ t: p.ts.getTime(), value: p.value });
  const cut = Math.max(0, before.length - context);
  const shown = [...before.slice(cut), ...during].map(toPoint);
  if (a.groupId) return { points: shown.map((p) => ({ ...p, expected: null, lower: null, upper: null, score: null })), trainedOn: 0, driver: null };
  const { algorithm, params, threshold, trainingWindowHours } = a.detector;
  // A detector that trains learns the training window ending where the chart starts (the worker's split).
  const history = needsTraining(algorithm, params) && shown.length ? await readTrainingHistory(a.seriesId, new Date(shown[0].t), trainingWindowHours) : before.slice(0, cut).map(toPoint);
  return rescoreWindow({ algorithm, params, threshold, trainingWindowHours, points: shown, history, peakT: a.peakTs.getTime() });
}
