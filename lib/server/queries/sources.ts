/** Named queries for data sources. Every change writes its audit row in the same transaction. */
import type { Prisma } from "@/lib/generated/prisma/client";
import { getPrisma } from "@/lib/server/db";
import { valuesBefore, writeAudit } from "@/lib/server/audit";
import { AppError } from "@/lib/server/api/errors";
import { parseSourceConfig, scheduleSecondsFor, type TCreateSource, type TUpdateSource } from "@/lib/ingest/source-config";
import { keepStoredSecrets, maskSourceConfig } from "@/lib/sources/secrets";

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

/** A source as shown (API, pages): passwords in its config masked (lib/sources/secrets.ts). */
const shown = <T extends { config: unknown }>(source: T): T => ({ ...source, config: maskSourceConfig(source.config) });

export async function listSources() {
  return (await getPrisma().dataSource.findMany({ orderBy: { name: "asc" }, select: sourceSelect })).map(shown);
}

/** A source as shown: passwords masked. */
export async function getSource(id: string) {
  return shown(await getSourceToUse(id));
}

/** A source with its config as stored, secrets included: for connecting (test, import, upload), never for answers. */
export async function getSourceToUse(id: string) {
  const source = await getPrisma().dataSource.findUnique({ where: { id }, select: sourceSelect });
  if (!source) throw new AppError("not_found", `No data source ${id}`);
  return source;
}

/**
 * A config sent by the form or the API, with masked URLs put back to the stored source's (`id`):
 * 422 naming the field when a masked URL was changed otherwise.
 */
export async function withStoredSecrets(id: string, config: unknown): Promise<unknown> {
  const stored = await getPrisma().dataSource.findUnique({ where: { id }, select: { config: true } });
  if (!stored) throw new AppError("not_found", `No data source ${id}`);
  return restoreSecrets(config, stored.config);
}

function restoreSecrets(config: unknown, stored: unknown): unknown {
  const kept = keepStoredSecrets(config, stored);
  if (kept.issues.length) throw new AppError("unprocessable", kept.issues.map((i) => `${i.path}: ${i.message}`).join("; "), kept.issues);
  return kept.config;
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
    await writeAudit({ userId, action: "create", entity: "source", entityId: source.id, details: { name: input.name, kind: input.kind, config: maskSourceConfig(config), retentionDays: input.retentionDays ?? null } }, tx);
    return shown(source);
  });
}

export function updateSource(id: string, input: TUpdateSource, userId: string | null) {
  return getPrisma().$transaction(async (tx) => {
    const current = await tx.dataSource.findUnique({ where: { id }, select: { kind: true, name: true, status: true, config: true, retentionDays: true } });
    if (!current) throw new AppError("not_found", `No data source ${id}`);
    if (input.name) await assertNameFree(tx, input.name, id);
    const config = input.config ? (parseSourceConfig(current.kind, restoreSecrets(input.config, current.config)) as Prisma.InputJsonObject) : undefined;
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
    const before = valuesBefore(current, input) as Record<string, unknown>;
    if ("config" in before) before.config = maskSourceConfig(before.config);
    await writeAudit({ userId, action: "update", entity: "source", entityId: id, details: { ...input, ...(config ? { config: maskSourceConfig(config) } : {}), before } as Prisma.InputJsonObject }, tx);
    return shown(source);
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
