/** Detection jobs. Plain functions over lib/pipeline: tests call them directly. */
import type { JobPayload } from "@/lib/queue/contract";
import { runBackfill } from "@/lib/pipeline/backfill-run";
import { runDetectShard } from "@/lib/pipeline/detect-shard";
import { runTraining } from "@/lib/pipeline/train-run";
import { DETECT_SHARDS } from "@/lib/pipeline/shard";
import { jobIds } from "@/lib/queue/contract";
import { enqueue } from "@/lib/queue/enqueue";
import { handlerQueueBackend } from "@/worker/handlers/context";

export function handleDetect(payload: JobPayload<"detect.run">) {
  return runDetectShard(payload);
}

export function handleBackfill(payload: JobPayload<"backfill.run">) {
  return runBackfill({ ...payload, from: new Date(payload.from), to: new Date(payload.to) });
}

/** A whole-detector training becomes one job per shard, so workers train a large source in parallel. */
export async function handleTrain(payload: JobPayload<"train.run">) {
  if (payload.shard === undefined && payload.seriesId === undefined) {
    const backend = handlerQueueBackend();
    for (let shard = 0; shard < DETECT_SHARDS; shard++) {
      await enqueue(backend, "train.run", { detectorId: payload.detectorId, shard }, { deduplication: { id: jobIds.train(payload.detectorId, shard) } });
    }
    return { status: "fanned-out" as const, jobs: DETECT_SHARDS };
  }
  return runTraining(payload);
}
