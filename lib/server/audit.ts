/** Every configuration change leaves an audit row, written in the same transaction as the change. */
import type { Prisma } from "@/lib/generated/prisma/client";
import { getPrisma } from "@/lib/server/db";
import type { AuditItem, Page, TAuditQuery } from "@/lib/admin/schemas";

export interface AuditEntry {
  userId?: string | null;
  action: string;
  entity: string;
  entityId?: string | null;
  details?: Prisma.InputJsonValue;
}

/** The previous values of the fields a change sets (undefined ones skipped), for an update's `before`. */
export function valuesBefore(current: Record<string, unknown>, change: Record<string, unknown>): Prisma.InputJsonObject {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(change)) if (v !== undefined && k in current) out[k] = current[k] ?? null;
  return out as Prisma.InputJsonObject;
}

export function writeAudit(entry: AuditEntry, tx: Prisma.TransactionClient = getPrisma()) {
  return tx.auditLog.create({
    data: {
      userId: entry.userId ?? null,
      action: entry.action,
      entity: entry.entity,
      entityId: entry.entityId ?? null,
      details: entry.details ?? {},
    },
  });
}

export function listAudit(limit = 100) {
  return getPrisma().auditLog.findMany({
    orderBy: { createdAt: "desc" },
    take: limit,
    include: { user: { select: { email: true } } },
  });
}

/**
 * One keyset page of the audit log, newest first (walking the primary key backwards), filtered by
 * entity, entity id and user.
 */
export async function listAuditPage(q: TAuditQuery): Promise<Page<AuditItem>> {
  const rows = await getPrisma().auditLog.findMany({
    where: {
      ...(q.entity.length ? { entity: { in: q.entity } } : {}),
      ...(q.entityId ? { entityId: q.entityId } : {}),
      ...(q.userId.length ? { userId: { in: q.userId } } : {}),
      ...(q.cursor ? { id: { lt: BigInt(q.cursor) } } : {}),
    },
    orderBy: { id: "desc" },
    take: q.limit + 1,
    include: { user: { select: { id: true, email: true } } },
  });
  const page = rows.slice(0, q.limit);
  return {
    items: page.map((r) => ({
      id: r.id.toString(),
      createdAt: r.createdAt.toISOString(),
      user: r.user,
      action: r.action,
      entity: r.entity,
      entityId: r.entityId,
      details: r.details,
    })),
    nextCursor: rows.length > q.limit ? page[page.length - 1].id.toString() : null,
  };
}

/** The users who appear in the audit log, for its filter. */
export function listAuditUsers() {
  return getPrisma().user.findMany({ where: { auditLogs: { some: {} } }, select: { id: true, email: true }, orderBy: { email: "asc" } });
}
