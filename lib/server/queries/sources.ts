/** Named queries for data sources. Every change writes its audit row in the same transaction. */
import type { Prisma } from "@/lib/generated/prisma/client";
import { getPrisma } from "@/lib/server/db";
import { valuesBefore, writeAudit } from "@/lib/server/audit";
import { AppError } from "@/lib/server/api/errors";
import { parseSourceConfig, scheduleSecondsFor, type TCreateSource, type TUpdateSource } from "@/lib/ingest/source-config";

export const sourceSelect = {
  id: true,
  name: true,
  kind: true,
  config: true,
  scheduleSeconds: true,
  retentionDays: true,
  status: true,
  lastError: true,
  lastIngestedAt: true,
  createdAt: true,
  updatedAt: true,
  _count: { select: { series: true } },
} satisfies Prisma.DataSourceSelect;

export function listSources() {
  return getPrisma().dataSource.findMany({ orderBy: { name: "asc" }, select: sourceSelect });
}

export async function getSource(id: string) {
  const source = await getPrisma().dataSource.findUnique({ where: { id }, select: sourceSelect });
  if (!source) throw new AppError("not_found", `No data source ${id}`);
  return source;
}

async function assertNameFree(tx: Prisma.TransactionClient, name: string, exceptId?: string) {
  const other = await tx.dataSource.findUnique({ where: { name }, select: { id: true } });
  if (other && other.id !== exceptId) throw new AppError("conflict", `A data source named ${name} already exists`);
}

export function createSource(input: TCreateSource, userId: string | null) {
  return getPrisma().$transaction(async (tx) => {
    await assertNameFree(tx, input.name);
    const config = input.config as Prisma.InputJsonObject;
    const source = await tx.dataSource.create({
      data: { name: input.name, kind: input.kind, config, scheduleSeconds: scheduleSecondsFor(config), retentionDays: input.retentionDays ?? null },
      select: sourceSelect,
    });
    await writeAudit({ userId, action: "create", entity: "source", entityId: source.id, details: { name: input.name, kind: input.kind, config, retentionDays: input.retentionDays ?? null } }, tx);
    return source;
  });
}

export function updateSource(id: string, input: TUpdateSource, userId: string | null) {
  return getPrisma().$transaction(async (tx) => {
    const current = await tx.dataSource.findUnique({ where: { id }, select: { kind: true, name: true, status: true, config: true, retentionDays: true } });
    if (!current) throw new AppError("not_found", `No data source ${id}`);
    if (input.name) await assertNameFree(tx, input.name, id);
    const config = input.config ? (parseSourceConfig(current.kind, input.config) as Prisma.InputJsonObject) : undefined;
    const source = await tx.dataSource.update({
      where: { id },
      data: {
        name: input.name,
        status: input.status,
        retentionDays: input.retentionDays,
        ...(config ? { config, scheduleSeconds: scheduleSecondsFor(config) } : {}),
        // Resuming a source clears its last error.
        ...(input.status === "ACTIVE" ? { lastError: null } : {}),
      },
      select: sourceSelect,
    });
    await writeAudit({ userId, action: "update", entity: "source", entityId: id, details: { ...input, ...(config ? { config } : {}), before: valuesBefore(current, input) } as Prisma.InputJsonObject }, tx);
    return source;
  });
}

export function deleteSource(id: string, userId: string | null) {
  return getPrisma().$transaction(async (tx) => {
    const current = await tx.dataSource.findUnique({ where: { id }, select: { name: true, kind: true } });
    if (!current) throw new AppError("not_found", `No data source ${id}`);
    // Series, points and keys go with it (ON DELETE CASCADE).
    await tx.dataSource.delete({ where: { id } });
    await writeAudit({ userId, action: "delete", entity: "source", entityId: id, details: current }, tx);
  });
}
