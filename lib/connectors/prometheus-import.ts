/**
 * History import for Prometheus sources: a chosen past range read with `query_range` in chunks of
 * at most MAX_STEPS steps (halved while a chunk holds more points than one ingest batch may), each
 * chunk written through the ingest path and the import's cursor moved in the same order, so a
 * killed worker resumes where the last committed chunk ended. Writes are idempotent on
 * (series, timestamp): a chunk read twice changes nothing.
 */
import { AppError } from "@/lib/server/api/errors";
import { getPrisma } from "@/lib/server/db";
import { writeBatch } from "@/lib/ingest/write";
import { createPointPartitions } from "@/lib/storage/partitions";
import { afterPointsWritten } from "@/lib/ingest/after-write";
import { parseSourceConfig } from "@/lib/ingest/source-config";
import { ConnectorError } from "@/lib/connectors/errors";
import { fetchPrometheus, MAX_STEPS, type TPrometheusConfig } from "@/lib/connectors/prometheus";
import { POLL_TIMEOUT_MS } from "@/lib/connectors/poll";

export interface ImportRunOptions {
  /** Steps per chunk at most (tests use a few to force several chunks). */
  maxSteps?: number;
  /** Stop after this long; the job is queued again and resumes from the cursor. */
  budgetMs?: number;
}

export type ImportRunResult = { status: "skipped" | "DONE" | "FAILED" | "RUNNING"; points: number; chunks: number };

export async function runImport(importId: string, opts: ImportRunOptions = {}): Promise<ImportRunResult> {
  const { maxSteps = MAX_STEPS, budgetMs = 60_000 } = opts;
  const prisma = getPrisma();
  const imp = await prisma.sourceImport.findUnique({ where: { id: importId }, include: { source: { select: { kind: true, config: true } } } });
  if (!imp || imp.status !== "RUNNING") return { status: "skipped", points: 0, chunks: 0 };
  const config = parseSourceConfig("PROMETHEUS", imp.source.config) as TPrometheusConfig;
  const stepMs = config.step * 1000;
  const deadline = Date.now() + budgetMs;
  let cursor = imp.cursorTs.getTime();
  const end = imp.toTs.getTime();
  // The span's month partitions first, so history is not written to the default partition and moved later.
  await createPointPartitions(cursor, end);
  let steps = maxSteps;
  let points = 0;
  let chunks = 0;
  while (cursor <= end) {
    const chunkEnd = Math.min(end, cursor + (steps - 1) * stepMs);
    let accepted = 0;
    try {
      const r = await fetchPrometheus(config, { start: new Date(cursor), end: new Date(chunkEnd) }, POLL_TIMEOUT_MS);
      if (r.batch.points > 0) {
        const w = await writeBatch(imp.sourceId, null, [...r.batch.series.values()]);
        await afterPointsWritten(w.changedSeriesIds);
        accepted = w.accepted;
      }
    } catch (err) {
      // More points than one batch may hold: smaller chunks.
      if (err instanceof AppError && err.code === "payload_too_large" && steps > 1) {
        steps = Math.max(1, Math.floor(steps / 2));
        continue;
      }
      if (err instanceof ConnectorError) {
        await prisma.sourceImport.updateMany({ where: { id: importId, status: "RUNNING" }, data: { status: "FAILED", error: err.message.slice(0, 2000) } });
        return { status: "FAILED", points, chunks };
      }
      throw err; // the database: the job retries and resumes from the cursor
    }
    // The next chunk starts one step after this one's last sample time.
    cursor = chunkEnd + stepMs;
    points += accepted;
    chunks++;
    const done = cursor > end;
    const moved = await prisma.sourceImport.updateMany({
      where: { id: importId, status: "RUNNING" },
      data: { cursorTs: new Date(Math.min(cursor, end)), points: { increment: accepted }, ...(done ? { status: "DONE", error: null } : {}) },
    });
    if (moved.count === 0) return { status: "skipped", points, chunks };
    if (done) return { status: "DONE", points, chunks };
    // At least one chunk per run, so every run moves the cursor.
    if (Date.now() > deadline) return { status: "RUNNING", points, chunks };
  }
  await prisma.sourceImport.updateMany({ where: { id: importId, status: "RUNNING" }, data: { status: "DONE" } });
  return { status: "DONE", points, chunks };
}
