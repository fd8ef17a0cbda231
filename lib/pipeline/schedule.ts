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
import { getPgPool } from "@/lib/server/pg-pool";
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

/** Rings every shard of one detector (after a change that asks all its series to re-detect). */
export async function enqueueDetectorShards(backend: QueueBackend, detectorId: string): Promise<number> {
  await Promise.all(Array.from({ length: 16 }, (_, shard) => enqueue(backend, "detect.run", { detectorId, shard }, detectJobOptions(detectorId, shard))));
  return 16;
}

/** Enabled detectors attached to these series (plain pg: it runs after every ingest request). */
export async function findDetectPairs(seriesIds: string[]): Promise<DetectPair[]> {
  if (seriesIds.length === 0) return [];
  const { rows } = await getPgPool().query<DetectPair>(
    `SELECT ds."detectorId", ds."seriesId" FROM "DetectorSeries" ds
     JOIN "Detector" d ON d.id = ds."detectorId" AND d.enabled
     WHERE ds."seriesId" = ANY($1::text[])`,
    [[...new Set(seriesIds)]],
  );
  return rows;
}

/** Called by ingest after points are committed, with the series the write inserted or changed. */
export async function scheduleDetection(seriesIds: string[]): Promise<void> {
  const pairs = await findDetectPairs(seriesIds);
  if (pairs.length === 0) return;
  await enqueueDetect(await getQueueBackend(), pairs);
}
