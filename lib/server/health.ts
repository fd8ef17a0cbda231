/**
 * Health: the database answers and the queue backend answers, each within a time limit. The
 * report is public, so a failure says which part and how in plain words; the cause is logged.
 */
import { getPrisma } from "@/lib/server/db";
import { logger } from "@/lib/logger";
import { getQueueBackend } from "@/lib/server/queue";
import { QUEUE_NAMES } from "@/lib/queue/contract";
import type { Overview } from "@/lib/overview/schemas";

export interface HealthReport {
  ok: boolean;
  database: { ok: boolean; latencyMs?: number; error?: string };
  queue: { ok: boolean; backend?: string; latencyMs?: number; error?: string };
}

class TimedOut extends Error {}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((_, reject) => {
    timer = setTimeout(() => reject(new TimedOut(`${what} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

async function timed(fn: () => Promise<unknown>, what: string) {
  const start = performance.now();
  try {
    await withTimeout(fn(), 3_000, what);
    return { ok: true, latencyMs: Math.round(performance.now() - start) };
  } catch (e) {
    logger.warn({ err: e }, `health: ${what} unavailable`);
    return { ok: false, error: e instanceof TimedOut ? e.message : `${what} unavailable` };
  }
}

export async function checkHealth(): Promise<HealthReport> {
  const database = await timed(() => getPrisma().$queryRaw`SELECT 1`, "database");
  let backend: string | undefined;
  const queue = await timed(async () => {
    const q = await getQueueBackend();
    backend = q.kind;
    await q.queue("system").getJobCounts("waiting", "active");
  }, "queue");
  return { ok: database.ok && queue.ok, database, queue: { ...queue, backend } };
}

/**
 * Jobs per queue and workers seen, for the overview. Workers are counted on the detect queue from
 * the backend's client list; a backend that cannot list them gives null.
 */
export async function getQueueStats(): Promise<Overview["queue"]> {
  try {
    const backend = await getQueueBackend();
    const queues = await withTimeout(
      Promise.all(
        QUEUE_NAMES.map(async (name) => {
          const c = await backend.queue(name).getJobCounts("waiting", "active", "delayed", "failed");
          return { name, waiting: c.waiting ?? 0, active: c.active ?? 0, delayed: c.delayed ?? 0, failed: c.failed ?? 0 };
        }),
      ),
      3_000,
      "queue",
    );
    const workers = await withTimeout(backend.queue("detect").getWorkersCount(), 3_000, "queue").catch(() => null);
    return { ok: true, backend: backend.kind, workers, queues };
  } catch (e) {
    logger.warn({ err: e }, "overview: queue unavailable");
    return { ok: false, backend: null, workers: null, queues: [], error: e instanceof TimedOut ? e.message : "queue unavailable" };
  }
}
