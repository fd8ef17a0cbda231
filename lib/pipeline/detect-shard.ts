/**
 * One `detect.run` job: score every series of one (detector, shard) whose watermark lags its data.
 * The lagging set is re-derived from PostgreSQL each time (the job carries no series), so a
 * job dropped by deduplication, a lost queue or a retry never loses work: whatever is behind when
 * the job runs gets scored, in chunks through `runDetectionBatch`.
 */
import { getPrisma } from "@/lib/server/db";
import { findLaggingSeries } from "@/lib/server/queries/detector-state";
import { runDetectionBatch } from "@/lib/pipeline/detect-batch";
import { shardDigit } from "@/lib/pipeline/shard";
import { timed } from "@/lib/pipeline/timings";

/** Series scored per `runDetectionBatch` call: bounds one statement's rows (CHUNK x BATCH_PAGE points). */
export const SHARD_CHUNK = 100;

export type DetectShardResult =
  | { status: "skipped"; reason: "missing" | "disabled" }
  | { status: "done"; series: number; points: number; anomalies: number; superseded: number };

export async function runDetectShard({ detectorId, shard }: { detectorId: string; shard: number }): Promise<DetectShardResult> {
  const detector = await getPrisma().detector.findUnique({ where: { id: detectorId }, select: { enabled: true } });
  if (!detector) return { status: "skipped", reason: "missing" };
  if (!detector.enabled) return { status: "skipped", reason: "disabled" };
  const lagging = await timed("shard.lagging", () => findLaggingSeries(detectorId, shardDigit(shard)));
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
