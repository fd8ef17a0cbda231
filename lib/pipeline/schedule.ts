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
import { subjectIdOf, type PairRef } from "@/lib/pipeline/pair";

/** A detector and one of its subjects (a series id, or a group id for a grouped detector). */
export interface DetectPair {
  detectorId: string;
  subjectId: string;
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
export async function enqueueDetect(backend: QueueBackend, pairs: PairRef[]): Promise<number> {
  const jobs = new Map<string, { detectorId: string; shard: number }>();
  for (const p of pairs) {
    const shard = shardOf(subjectIdOf(p));
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

/**
 * Enabled detectors attached to these series, with the subject each series is scored in: itself,
 * or its group. A grouped detector's series not in a group yet rings its own shard: that job
 * forms the groups (lib/server/queries/subjects.ts) and rings theirs. Plain pg: it runs after
 * every ingest request.
 */
export async function findDetectPairs(seriesIds: string[]): Promise<DetectPair[]> {
  if (seriesIds.length === 0) return [];
  const { rows } = await getPgPool().query<DetectPair>(
    `SELECT DISTINCT ds."detectorId", COALESCE(m."groupId", ds."seriesId") AS "subjectId"
     FROM "DetectorSeries" ds
     JOIN "Detector" d ON d.id = ds."detectorId" AND d.enabled
     LEFT JOIN "SeriesGroupMember" m
       ON d.grouping IS NOT NULL AND m."detectorId" = ds."detectorId" AND m."seriesId" = ds."seriesId"
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
