/**
 * Ringing the doorbell: enqueue `detect.run` for the (detector, shard) of each (detector, series)
 * pair. The queue only says "look again"; the handler finds the shard's series whose watermark
 * lags their data and scores everything past it, so one queued job per shard is enough however
 * many ingests happened since.
 */
import type { JobsOptions } from "bullmq";
import { jobIds } from "@/lib/queue/contract";
import type { QueueBackend } from "@/lib/queue/connection";
import { enqueue } from "@/lib/queue/enqueue";
import { getPrisma } from "@/lib/server/db";
import { getQueueBackend } from "@/lib/server/queue";
import { shardOf } from "@/lib/pipeline/shard";

export interface DetectPair {
  detectorId: string;
  seriesId: string;
}

/**
 * BullMQ deduplication rather than a fixed job id: a fixed id would be ignored while a completed
 * job with that id is still retained, so new data after a finished run would go unscored. With
 * `keepLastIfActive`, an add while the shard's job is waiting is dropped (that job will see the new
 * points), and an add while it is running queues exactly one follow-up run, which BullMQ starts
 * only after the running one ends: one shard, hence one (detector, series) pair, is never scored
 * by two jobs at once.
 */
export function detectJobOptions(detectorId: string, shard: number): JobsOptions {
  return { deduplication: { id: jobIds.detect(detectorId, shard), keepLastIfActive: true } };
}

/** One `detect.run` per distinct (detector, shard) among `pairs`; returns how many were added. */
export async function enqueueDetect(backend: QueueBackend, pairs: DetectPair[]): Promise<number> {
  const jobs = new Map<string, { detectorId: string; shard: number }>();
  for (const p of pairs) {
    const shard = shardOf(p.seriesId);
    jobs.set(jobIds.detect(p.detectorId, shard), { detectorId: p.detectorId, shard });
  }
  await Promise.all([...jobs.values()].map((j) => enqueue(backend, "detect.run", j, detectJobOptions(j.detectorId, j.shard))));
  return jobs.size;
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
  // FOR SHARE: a detect run committing right now holds the row; waiting for it means seeing the
  // watermark it commits, so a point it could not see is found late here (see countPointsIn).
  const states = await getPrisma().$queryRaw<{ detectorId: string; seriesId: string; watermark: Date | null }[]>`
    SELECT st."detectorId", st."seriesId", st.watermark FROM "DetectorState" st
    JOIN unnest(${pairs.map((p) => p.detectorId)}::text[], ${pairs.map((p) => p.seriesId)}::text[]) AS v(d, s)
      ON st."detectorId" = v.d AND st."seriesId" = v.s
    WHERE st.watermark IS NOT NULL
    ORDER BY st."detectorId", st."seriesId"
    FOR SHARE OF st`;
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
