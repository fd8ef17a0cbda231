/**
 * Which handler runs which job. A queue gets a BullMQ worker only when it has handlers; later
 * capabilities (detect, train, backfill, poll, notify) add theirs here.
 */
import type { JobName, JobPayload, QueueName } from "@/lib/queue/contract";
import { handleBackfill, handleDetect, handleTrain } from "@/worker/handlers/detect";
import { handlePing, handleReconcile } from "@/worker/handlers/system";
import { handleImport, handlePollSource } from "@/worker/handlers/poll";
import { handleNotify } from "@/worker/handlers/notify";
import { handleRetention, handleRollups } from "@/worker/handlers/storage";

export type Handler<N extends JobName> = (payload: JobPayload<N>) => Promise<unknown>;

export const HANDLERS: { [N in JobName]?: Handler<N> } = {
  "system.ping": handlePing,
  "system.reconcile": handleReconcile,
  "detect.run": handleDetect,
  "backfill.run": handleBackfill,
  "train.run": handleTrain,
  "poll.source": handlePollSource,
  "poll.import": handleImport,
  "notify.anomaly": handleNotify,
  "system.rollups": handleRollups,
  "system.retention": handleRetention,
};

export function queuesWithHandlers(jobQueue: (n: JobName) => QueueName): QueueName[] {
  return [...new Set((Object.keys(HANDLERS) as JobName[]).map(jobQueue))];
}
