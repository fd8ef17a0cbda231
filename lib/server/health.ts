/**
 * Health: the database answers and the queue backend answers, each within a time limit. The
 * report is public, so a failure says which part and how in plain words; the cause is logged.
 */
import { getPrisma } from "@/lib/server/db";
import { logger } from "@/lib/logger";
import { getQueueBackend } from "@/lib/server/queue";

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
