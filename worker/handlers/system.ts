/** System jobs. Plain functions: tests call them directly. */
import { hostname } from "node:os";
import type { JobPayload } from "@/lib/queue/contract";

export async function handlePing(payload: JobPayload<"system.ping">) {
  return { pong: true, requestId: payload.requestId, worker: `${hostname()}:${process.pid}`, latencyMs: Date.now() - payload.sentAt };
}
