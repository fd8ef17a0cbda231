/**
 * Keeps one BullMQ job scheduler per runnable pulled source (stable id `poll:<sourceId>`, every
 * `scheduleSeconds`) and removes the schedulers of sources deleted, paused or no longer pulled.
 * Idempotent: the worker runs it at start and every ~30 s, from any number of processes.
 */
import type { QueueBackend } from "@/lib/queue/connection";
import { JOBS, jobIds } from "@/lib/queue/contract";
import { listRunnableSources } from "@/lib/connectors/queries";

export const POLL_SYNC_EVERY_MS = 30_000;
const PREFIX = jobIds.pollScheduler("");

export async function syncPollSchedulers(backend: QueueBackend): Promise<{ upserted: number; removed: number; active: number }> {
  const queue = backend.queue(JOBS["poll.source"].queue);
  const sources = await listRunnableSources(["HTTP_POLL", "PROMETHEUS"]);
  const wanted = new Map(sources.filter((s) => s.scheduleSeconds).map((s) => [jobIds.pollScheduler(s.id), { id: s.id, every: s.scheduleSeconds! * 1000 }]));
  const existing = (await queue.getJobSchedulers(0, -1)).filter((s) => (s.id ?? s.key).startsWith(PREFIX));
  const current = new Map(existing.map((s) => [s.id ?? s.key, s.every]));
  let upserted = 0;
  let removed = 0;
  for (const [schedulerId, { id, every }] of wanted) {
    // Upsert only what changed, so a schedule's next run is not moved on every sync.
    if (current.get(schedulerId) === every) continue;
    await queue.upsertJobScheduler(schedulerId, { every }, { name: "poll.source", data: JOBS["poll.source"].payload.parse({ sourceId: id }) });
    upserted++;
  }
  for (const schedulerId of current.keys()) {
    if (wanted.has(schedulerId)) continue;
    await queue.removeJobScheduler(schedulerId);
    removed++;
  }
  return { upserted, removed, active: wanted.size };
}
