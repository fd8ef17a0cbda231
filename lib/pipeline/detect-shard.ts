/**
 * One `detect.run` job: score every subject (series, or group of a grouped detector) of one
 * (detector, shard) whose watermark lags its data. A grouped detector first forms the groups its
 * new series complete, and rings the shards of those.
 * The lagging set is re-derived from PostgreSQL each time (the job carries no series), so a
 * job dropped by deduplication, a lost queue or a retry never loses work: whatever is behind when
 * the job runs gets scored. An ungrouped detector's shard is read in chunks of attached series, one
 * statement each giving positions and new points (lib/pipeline/batch-read.ts), and scored through
 * `scoreBatch`; lagging groups go through `runDetectionBatch`.
 */
import { findLaggingSubjects } from "@/lib/server/queries/detector-state";
import { syncGroups } from "@/lib/server/queries/subjects";
import { enqueueDetect } from "@/lib/pipeline/schedule";
import { getQueueBackend } from "@/lib/server/queue";
import { batchPageSize, findBatchDetector, runDetectionBatch, scoreBatch, seriesItem } from "@/lib/pipeline/detect-batch";
import { lags, readBatch } from "@/lib/pipeline/batch-read";
import type { DetectRunResult } from "@/lib/pipeline/detect-run";
import { shardDigit } from "@/lib/pipeline/shard";
import { timed } from "@/lib/pipeline/timings";

/** Attached series read per statement (each with at most BATCH_PAGE points): bounds one read's rows. */
export const SHARD_CHUNK = 500;

export type DetectShardResult =
  | { status: "skipped"; reason: "missing" | "disabled" }
  | { status: "done"; series: number; points: number; anomalies: number; superseded: number };

export async function runDetectShard({ detectorId, shard }: { detectorId: string; shard: number }): Promise<DetectShardResult> {
  const detector = await findBatchDetector(detectorId);
  if (!detector) return { status: "skipped", reason: "missing" };
  if (!detector.enabled) return { status: "skipped", reason: "disabled" };
  const total = { series: 0, points: 0, anomalies: 0, superseded: 0 };
  const add = (results: DetectRunResult[]) => {
    total.series += results.length;
    for (const r of results) {
      if (r.status === "superseded") total.superseded++;
      if (r.status === "done" || r.status === "superseded") {
        total.points += r.points;
        total.anomalies += r.anomalies;
      }
    }
  };
  if (detector.grouping !== null) {
    const created = await syncGroups(detectorId);
    if (created.length > 0) await enqueueDetect(await getQueueBackend(), created.map((subjectId) => ({ detectorId, subjectId })));
    const lagging = await timed("shard.lagging", () => findLaggingSubjects(detectorId, shardDigit(shard), true));
    for (let i = 0; i < lagging.length; i += SHARD_CHUNK) add(await runDetectionBatch(detectorId, lagging.slice(i, i + SHARD_CHUNK)));
    return { status: "done", ...total };
  }
  // Ungrouped: one statement per chunk reads positions and new points together; the series with
  // something to do are the lagging ones.
  for (let after = ""; ; ) {
    const rows = await timed("shard.read", () => readBatch(detectorId, { shardDigit: shardDigit(shard), after, count: SHARD_CHUNK }, batchPageSize()));
    const lagging = rows.filter(lags);
    if (lagging.length > 0) add(await scoreBatch(detector, null, lagging.map((r) => seriesItem(r, batchPageSize())), lagging.map((r) => r.seriesId)));
    if (rows.length < SHARD_CHUNK) break;
    after = rows[rows.length - 1].seriesId;
  }
  return { status: "done", ...total };
}
