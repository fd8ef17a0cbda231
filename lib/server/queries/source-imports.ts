/** Named queries for history imports of Prometheus sources (started, listed, resumed). */
import type { QueueBackend } from "@/lib/queue/connection";
import { enqueue } from "@/lib/queue/enqueue";
import { jobIds } from "@/lib/queue/contract";
import { getPrisma } from "@/lib/server/db";
import { writeAudit } from "@/lib/server/audit";
import { AppError } from "@/lib/server/api/errors";
import type { TStartImport } from "@/lib/ingest/source-config";

const importSelect = { id: true, fromTs: true, toTs: true, cursorTs: true, status: true, points: true, error: true, createdAt: true, updatedAt: true } as const;

export function queueImport(backend: QueueBackend, importId: string, cursor: Date) {
  return enqueue(backend, "poll.import", { importId }, { jobId: jobIds.importRun(importId, cursor.getTime()) });
}

/** Records the import (audited) and queues its first run; only Prometheus sources import history. */
export async function startImport(backend: QueueBackend, sourceId: string, input: TStartImport, userId: string | null) {
  const from = new Date(input.from);
  const to = new Date(input.to);
  if (to.getTime() > Date.now() + 60_000) {
    throw new AppError("unprocessable", "to: must not be in the future", [{ path: "to", message: "must not be in the future" }]);
  }
  const created = await getPrisma().$transaction(async (tx) => {
    const source = await tx.dataSource.findUnique({ where: { id: sourceId }, select: { kind: true } });
    if (!source) throw new AppError("not_found", `No data source ${sourceId}`);
    if (source.kind !== "PROMETHEUS") throw new AppError("unprocessable", `Only Prometheus sources import history (this one is ${source.kind})`);
    const row = await tx.sourceImport.create({ data: { sourceId, fromTs: from, toTs: to, cursorTs: from, createdById: userId }, select: importSelect });
    await writeAudit({ userId, action: "import", entity: "source", entityId: sourceId, details: { importId: row.id, from: input.from, to: input.to } }, tx);
    return row;
  });
  await queueImport(backend, created.id, from);
  return created;
}

/** The source's imports, newest first (at most 50), with their progress. */
export async function listImports(sourceId: string) {
  const prisma = getPrisma();
  if (!(await prisma.dataSource.findUnique({ where: { id: sourceId }, select: { id: true } }))) throw new AppError("not_found", `No data source ${sourceId}`);
  return prisma.sourceImport.findMany({ where: { sourceId }, orderBy: { createdAt: "desc" }, take: 50, select: importSelect });
}

/** Queues a run for every import still RUNNING (after a lost queue or a stopped worker); runs dedupe on the cursor. */
export async function resumeImports(backend: QueueBackend): Promise<number> {
  const running = await getPrisma().sourceImport.findMany({ where: { status: "RUNNING" }, select: { id: true, cursorTs: true } });
  for (const r of running) await queueImport(backend, r.id, r.cursorTs);
  return running.length;
}
