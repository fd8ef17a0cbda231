/** Alerting jobs. Plain functions over lib/alerting: tests call them directly. */
import type { JobPayload } from "@/lib/queue/contract";
import { notifyAnomaly } from "@/lib/alerting/notify";
import { enqueueRetry } from "@/lib/alerting/queue";
import { handlerQueueBackend } from "@/worker/handlers/context";

export function handleNotify(payload: JobPayload<"notify.anomaly">) {
  const backend = handlerQueueBackend();
  return notifyAnomaly(payload.anomalyId, { retryLater: (anomalyId, delayMs, key) => enqueueRetry(backend, anomalyId, delayMs, key) });
}
