/**
 * One `detect.run` job: score every subject (series, or group of a grouped detector) of one
 * (detector, shard) whose watermark lags its data. A grouped detector first forms the groups its
 * new series complete, and rings the shards of those.
 * The lagging set is re-derived from PostgreSQL each time (the job carries no series), so a
 * job dropped by deduplication, a lost queue or a retry never loses work: whatever is behind when
 * the job runs gets scored, in chunks through `runDetectionBatch`.
 */
import { getPrisma } from "@/lib/server/db";
import { findLaggingSubjects } from "@/lib/server/queries/detector-state";
import { syncGroups } from "@/lib/server/queries/subjects";
import { enqueueDetect } from "@/lib/pipeline/schedule";
import { getQueueBackend } from "@/lib/server/queue";
import { runDetectionBatch } from "@/lib/pipeline/detect-batch";
import { shardDigit } from "@/lib/pipeline/shard";
import { timed } from "@/lib/pipeline/timings";

/** Series scored per `runDetectionBatch` call: bounds one statement's rows (CHUNK x BATCH_PAGE points). */
export const SHARD_CHUNK = 100;

export type DetectShardResult =
  | { status: "skipped"; reason: "missing" | "disabled" }
  | { status: "done"; series: number; points: number; anomalies: number; superseded: number };

export async function runDetectShard({ detectorId, shard }: { detectorId: string; shard: number }): Promise<DetectShardResult> {
  const detector = await getPrisma().detector.findUnique({ where: { id: detectorId }, select: { enabled: true, grouping: true } });
  if (!detector) return { status: "skipped", reason: "missing" };
  if (!detector.enabled) return { status: "skipped", reason: "disabled" };
  const grouped = detector.grouping !== null;
  if (grouped) {
    const created = await syncGroups(detectorId);
    if (created.length > 0) await enqueueDetect(await getQueueBackend(), created.map((subjectId) => ({ detectorId, subjectId })));
  }
  const lagging = await timed("shard.lagging", () => findLaggingSubjects(detectorId, shardDigit(shard), grouped));
  const total = { series: lagging.length, points: 0, anomalies: 0, superseded: 0 };
  for (let i = 0; i < lagging.length; i += SHARD_CHUNK) {
    for (const r of await runDetectionBatch(detectorId, lagging.slice(i, i + SHARD_CHUNK))) {
      if (r.status === "superseded") total.superseded++;
      if (r.status === "done" || r.status === "superseded") {
        total.points += r.points;
        total.anomalies += r.anomalies;
      }
    }
  }
  return { status: "done", ...total };
}
