/**
 * The storage jobs' schedules: rollups every 10 s, retention every hour, one job scheduler each
 * with a stable id. Added when missing (a flushed Redis loses them), never moved otherwise.
 */
import type { QueueBackend } from "@/lib/queue/connection";
import { JOBS, jobIds } from "@/lib/queue/contract";

export const ROLLUPS_EVERY_MS = 10_000;
export const RETENTION_EVERY_MS = 3_600_000;

export async function ensureStorageSchedulers(backend: QueueBackend): Promise<number> {
  const queue = backend.queue(JOBS["system.rollups"].queue);
  const wanted = [
    { id: jobIds.rollupsScheduler, every: ROLLUPS_EVERY_MS, name: "system.rollups" as const },
    { id: jobIds.retentionScheduler, every: RETENTION_EVERY_MS, name: "system.retention" as const },
  ];
  let added = 0;
  for (const w of wanted) {
    const existing = await queue.getJobScheduler(w.id);
    if (existing?.every === w.every) continue;
    await queue.upsertJobScheduler(w.id, { every: w.every }, { name: w.name, data: {} });
    added++;
  }
  return added;
}
