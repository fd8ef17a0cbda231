/** The worker's own queue backend, for handlers that enqueue follow-up work (the reconciler). */
import type { QueueBackend } from "@/lib/queue/connection";

let backend: QueueBackend | undefined;

export function setHandlerQueueBackend(b: QueueBackend | undefined): void {
  backend = b;
}

export function handlerQueueBackend(): QueueBackend {
  if (!backend) throw new Error("handler queue backend not set: the worker sets it at start");
  return backend;
}
