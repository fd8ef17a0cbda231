/** System jobs. Plain functions: tests call them directly. */
import { hostname } from "node:os";
import type { JobPayload } from "@/lib/queue/contract";
import { reconcileDetection } from "@/lib/pipeline/reconcile";
import { handlerQueueBackend } from "@/worker/handlers/context";
import { sweepAlerts } from "@/lib/alerting/queue";

export async function handlePing(payload: JobPayload<"system.ping">) {
  return { pong: true, requestId: payload.requestId, worker: `${hostname()}:${process.pid}`, latencyMs: Date.now() - payload.sentAt };
}

/** Detection that lags its data, and alerting whose doorbell was lost (lib/alerting/queue.ts). */
export async function handleReconcile(_payload: JobPayload<"system.reconcile">) {
  const backend = handlerQueueBackend();
  return { ...(await reconcileDetection(backend)), alerts: await sweepAlerts(backend) };
}
