/** Detection jobs. Plain functions over lib/pipeline: tests call them directly. */
import type { JobPayload } from "@/lib/queue/contract";
import { runBackfill } from "@/lib/pipeline/backfill-run";
import { createDetectBatcher } from "@/lib/pipeline/detect-batch";
import { runTraining } from "@/lib/pipeline/train-run";

/** detect.run jobs running at the same moment share their database round trips (see detect-batch.ts). */
const detectBatched = createDetectBatcher();

export function handleDetect(payload: JobPayload<"detect.run">) {
  return detectBatched(payload);
}

export function handleBackfill(payload: JobPayload<"backfill.run">) {
  return runBackfill({ ...payload, from: new Date(payload.from), to: new Date(payload.to) });
}

export function handleTrain(payload: JobPayload<"train.run">) {
  return runTraining(payload);
}
