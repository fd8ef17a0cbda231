/** The alerting outbox's writer, shared by the detection commit and suppression changes. */
import type { Prisma } from "@/lib/generated/prisma/client";

/**
 * The alerting outbox, in the detection commit: every incident this commit changed is to be
 * (re)evaluated by the notify job (lib/alerting/notify.ts), which removes the row. Nothing is
 * written while no rule is enabled.
 */
export async function leaveInOutbox(tx: Prisma.TransactionClient, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await tx.$queryRaw<{ anomalyId: string }[]>`
    INSERT INTO "AlertOutbox" ("anomalyId", seq, "touchedAt")
    SELECT DISTINCT v.id, 1, now() FROM unnest(${ids}::text[]) AS v(id)
    WHERE EXISTS (SELECT 1 FROM "AlertRule" WHERE enabled)
    ORDER BY 1
    ON CONFLICT ("anomalyId") DO UPDATE SET seq = "AlertOutbox".seq + 1, "touchedAt" = now()
    RETURNING "anomalyId"`;
  return rows.map((r) => r.anomalyId);
}
