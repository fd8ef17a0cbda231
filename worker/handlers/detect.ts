/** Detection jobs. Plain functions over lib/pipeline: tests call them directly. */
import type { JobPayload } from "@/lib/queue/contract";
import { runBackfill } from "@/lib/pipeline/backfill-run";
import { runDetectShard } from "@/lib/pipeline/detect-shard";
import { runTraining } from "@/lib/pipeline/train-run";

export function handleDetect(payload: JobPayload<"detect.run">) {
  return runDetectShard(payload);
}

export function handleBackfill(payload: JobPayload<"backfill.run">) {
  return runBackfill({ ...payload, from: new Date(payload.from), to: new Date(payload.to) });
}

export function handleTrain(payload: JobPayload<"train.run">) {
  return runTraining(payload);
}
