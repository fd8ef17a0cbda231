/**
 * Typed producer: validates the payload against the contract before it reaches the queue.
 */
import type { JobsOptions } from "bullmq";
import { JOBS, parsePayload, type JobName, type JobPayload } from "@/lib/queue/contract";
import type { QueueBackend } from "@/lib/queue/connection";

export async function enqueue<N extends JobName>(
  backend: QueueBackend,
  name: N,
  payload: JobPayload<N>,
  opts: JobsOptions = {},
): Promise<string> {
  const data = parsePayload(name, payload);
  const job = await backend.queue(JOBS[name].queue).add(name, data, opts);
  if (!job.id) throw new Error(`queue returned no id for ${name}`);
  return job.id;
}
