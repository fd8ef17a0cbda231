/** Every configuration change leaves an audit row, written in the same transaction as the change. */
import type { Prisma } from "@/lib/generated/prisma/client";
import { getPrisma } from "@/lib/server/db";

export interface AuditEntry {
  userId?: string | null;
  action: string;
  entity: string;
  entityId?: string | null;
  details?: Prisma.InputJsonValue;
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
