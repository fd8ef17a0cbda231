/** Health: the database answers and the queue backend answers, each within a time limit. */
import { getPrisma } from "@/lib/server/db";
import { getQueueBackend } from "@/lib/server/queue";

export interface HealthReport {
  ok: boolean;
  database: { ok: boolean; latencyMs?: number; error?: string };
  queue: { ok: boolean; backend?: string; latencyMs?: number; error?: string };
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms))]);
}

async function timed(fn: () => Promise<unknown>, what: string) {
  const start = performance.now();
  try {
    await withTimeout(fn(), 3_000, what);
    return { ok: true, latencyMs: Math.round(performance.now() - start) };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
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
