/** Polls a job until it completes; reads the job after the state so the return value is final. */
import type { QueueBackend } from "@/lib/queue/connection";
import type { QueueName } from "@/lib/queue/contract";

export async function waitForJob(backend: QueueBackend, queue: QueueName, id: string, timeoutMs: number): Promise<{ returnvalue: unknown } | null> {
  const q = backend.queue(queue);
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const state = await q.getJobState(id);
    if (state === "completed") {
      const job = await q.getJob(id);
      return { returnvalue: job?.returnvalue };
    }
    if (state === "failed") throw new Error(`job ${id} failed`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return null;
}
