/**
 * The lost-point fixture shared by the race and crash tests: a NAB-free sine whose point 200 is a
 * spike (scored, it is an anomaly; lost, it is not), pairs scored up to just before it, and the
 * reference anomalies of an undisturbed run.
 */
import { getPrisma } from "@/lib/server/db";
import { runDetection } from "@/lib/pipeline/detect-run";
import { runDetectionBatch } from "@/lib/pipeline/detect-batch";
import { STEP_MS, T0, anomaliesOf, createPair, sineWithSpikes, writePoints } from "@/lib/pipeline/testing/fixtures";
import { uploadCsv } from "@/lib/ingest/upload-csv";

/** Point 200 is a spike: scored, it is an anomaly; lost, it is not. */
export const VALUES = sineWithSpikes(400, [200]);
export const LATE = 200;

export type Pair = { detectorId: string; seriesId: string };

export async function sourceOf(seriesId: string) {
  return getPrisma().series.findUniqueOrThrow({ where: { id: seriesId }, select: { sourceId: true, metric: true } });
}

/** The anomalies of an undisturbed run over `values`. */
export async function reference(values = VALUES) {
  const pair = await createPair();
  await writePoints(pair.seriesId, values);
  await runDetection(pair);
  return anomaliesOf(pair);
}

/** A pair scored through point 199, with points 201..399 stored and point 200 not yet. */
export async function pairMissingLate(): Promise<Pair> {
  const pair = await createPair();
  await writePoints(pair.seriesId, VALUES.slice(0, LATE));
  await runDetection(pair);
  await writePoints(pair.seriesId, VALUES.slice(LATE + 1), LATE + 1);
  return pair;
}

/** Two pairs of one detector, scored through point 199 by a batch (so the worker holds their scorers); point 200 is missing from the first. */
export async function batchMissingLate(): Promise<{ detectorId: string; series: string[] }> {
  const first = await createPair();
  const { sourceId } = await getPrisma().series.findUniqueOrThrow({ where: { id: first.seriesId } });
  const other = await getPrisma().series.create({ data: { sourceId, metric: `other-${first.seriesId}` } });
  await getPrisma().detectorSeries.create({ data: { detectorId: first.detectorId, seriesId: other.id } });
  const series = [first.seriesId, other.id].sort();
  for (const s of series) await writePoints(s, VALUES.slice(0, LATE));
  await runDetectionBatch(first.detectorId, series);
  for (const s of series) await writePoints(s, VALUES.slice(LATE + 1), LATE + 1);
  await writePoints(series[1], [VALUES[LATE]], LATE);
  return { detectorId: first.detectorId, series };
}

export function requestOf(detectorId: string, subjectId: string) {
  return getPrisma().redetectRequest.findUnique({ where: { detectorId_subjectId: { detectorId, subjectId } } });
}


/** The late point through the CSV upload instead of the HTTP write. */
export async function uploadPoint(seriesId: string, index: number, value: number) {
  const s = await sourceOf(seriesId);
  const csv = `timestamp,series,value\n${(T0 + index * STEP_MS) / 1000},${s.metric},${value}\n`;
  return uploadCsv(s.sourceId, new Response(csv).body!);
}
