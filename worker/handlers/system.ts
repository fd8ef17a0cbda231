/** System jobs. Plain functions: tests call them directly. */
import { hostname } from "node:os";
import type { JobPayload } from "@/lib/queue/contract";
import { reconcileDetection } from "@/lib/pipeline/reconcile";
import { handlerQueueBackend } from "@/worker/handlers/context";

export async function handlePing(payload: JobPayload<"system.ping">) {
  return { pong: true, requestId: payload.requestId, worker: `${hostname()}:${process.pid}`, latencyMs: Date.now() - payload.sentAt };
}

export function handleReconcile(_payload: JobPayload<"system.reconcile">) {
  return reconcileDetection(handlerQueueBackend());
}
