/**
 * Ringing the doorbell: enqueue `detect.run` for (detector, series) pairs. The queue only says
 * "look again"; the handler reads everything past its watermark, so one queued job per pair is
 * enough however many ingests happened since.
 */
import type { JobsOptions } from "bullmq";
import { jobIds } from "@/lib/queue/contract";
import type { QueueBackend } from "@/lib/queue/connection";
import { enqueue } from "@/lib/queue/enqueue";
import { getPrisma } from "@/lib/server/db";
import { getQueueBackend } from "@/lib/server/queue";

export interface DetectPair {
  detectorId: string;
  seriesId: string;
}

/**
 * BullMQ deduplication rather than a fixed job id: a fixed id would be ignored while a completed
 * job with that id is still retained, so new data after a finished run would go unscored. With
 * `keepLastIfActive`, an add while the pair's job is waiting is dropped (that job will see the new
 * points), and an add while it is running queues exactly one follow-up run.
 */
export function detectJobOptions(pair: DetectPair): JobsOptions {
  return { deduplication: { id: jobIds.detect(pair.detectorId, pair.seriesId), keepLastIfActive: true } };
}

export async function enqueueDetect(backend: QueueBackend, pairs: DetectPair[]): Promise<void> {
  await Promise.all(
    pairs.map((p) => enqueue(backend, "detect.run", { detectorId: p.detectorId, seriesId: p.seriesId }, detectJobOptions(p))),
  );
}

/** Enabled detectors attached to these series. */
export async function findDetectPairs(seriesIds: string[]): Promise<DetectPair[]> {
  if (seriesIds.length === 0) return [];
  return getPrisma().detectorSeries.findMany({
    where: { seriesId: { in: [...new Set(seriesIds)] }, detector: { enabled: true } },
    select: { detectorId: true, seriesId: true },
  });
}

export interface LateRange extends DetectPair {
  from: Date;
  to: Date;
}

/**
 * Pairs whose watermark is already at or past the earliest point just written: those points came
 * late (or corrected old values), so the streaming run will not see them; a backfill from the
 * earliest late point up to the watermark re-scores them.
 */
export async function findLateRanges(pairs: DetectPair[], earliestBySeries: Map<string, number>): Promise<LateRange[]> {
  if (pairs.length === 0 || earliestBySeries.size === 0) return [];
  const states = await getPrisma().detectorState.findMany({
    where: { OR: pairs.map((p) => ({ detectorId: p.detectorId, seriesId: p.seriesId })), watermark: { not: null } },
    select: { detectorId: true, seriesId: true, watermark: true },
  });
  return states.flatMap((s) => {
    const earliest = earliestBySeries.get(s.seriesId);
    if (earliest === undefined || !s.watermark || earliest > s.watermark.getTime()) return [];
    return [{ detectorId: s.detectorId, seriesId: s.seriesId, from: new Date(earliest), to: s.watermark }];
  });
}

export async function enqueueLateBackfills(backend: QueueBackend, ranges: LateRange[]): Promise<void> {
  await Promise.all(
    ranges.map((r) =>
      enqueue(backend, "backfill.run", { detectorId: r.detectorId, seriesId: r.seriesId, from: r.from.toISOString(), to: r.to.toISOString() }),
    ),
  );
}

/** Called by ingest after points are stored; `earliestMs[i]` is the earliest point of `seriesIds[i]`. */
export async function scheduleDetection(seriesIds: string[], earliestMs?: number[]): Promise<void> {
  const pairs = await findDetectPairs(seriesIds);
  if (pairs.length === 0) return;
  const backend = await getQueueBackend();
  await enqueueDetect(backend, pairs);
  if (earliestMs) {
    const earliest = new Map(seriesIds.map((id, i) => [id, earliestMs[i]] as const));
    await enqueueLateBackfills(backend, await findLateRanges(pairs, earliest));
  }
}
