/**
 * Grouped rules in PostgreSQL (lib/alerting/groups.ts): a member's decision joins the open group
 * of its (rule, key) under an advisory lock on that pair, so two jobs never open two groups; the
 * due rows of a group are claimed as one batch under the group's row lock, so two jobs never send
 * the same member twice; a retry re-claims exactly the rows of its batch (same idempotency key).
 */
import { Prisma } from "@/lib/generated/prisma/client";
import { getPrisma } from "@/lib/server/db";
import type { AlertContext } from "@/lib/alerting/alert";
import type { RuleSpec } from "@/lib/alerting/rules";
import type { Decision } from "@/lib/alerting/plan";
import { groupIdentity, nextBatchAt } from "@/lib/alerting/groups";
import { muteEndsAt } from "@/lib/alerting/mute";
import type { ClaimedDelivery } from "@/lib/server/queries/alert-deliveries";
import { holdForLimit, takeSendSlots } from "@/lib/server/queries/channel-limits";

interface GroupRow {
  id: string;
  openedAt: Date;
  lastBatchAt: Date | null;
}

/** The group's members: firing rows not suppressed or given up, with whether each anomaly has ended. */
const membersOf = (tx: Prisma.TransactionClient, groupId: string) =>
  tx.$queryRaw<{ anomalyId: string; status: string; ended: boolean; resolveRecorded: boolean }[]>`
    SELECT f."anomalyId", f.status::text AS status, (NOT a.ongoing OR a.detection <> 'ACTIVE') AS ended,
      EXISTS (SELECT 1 FROM "Delivery" r WHERE r.key = f."ruleId" || ':' || f."anomalyId" || ':RESOLVED') AS "resolveRecorded"
    FROM "Delivery" f JOIN "Anomaly" a ON a.id = f."anomalyId"
    WHERE f."groupId" = ${groupId} AND f.kind = 'FIRING' AND f.status IN ('PENDING', 'SENDING', 'SENT')`;

/** The open group of (rule, key), closing one whose members have all ended and were all sent; a new one otherwise. */
async function openGroup(tx: Prisma.TransactionClient, rule: RuleSpec, ctx: AlertContext): Promise<GroupRow> {
  const { key, labels } = groupIdentity(rule, ctx);
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`alertgroup:${rule.id}:${key}`}, 0))`;
  const open = await tx.alertGroup.findFirst({ where: { ruleId: rule.id, key, closedAt: null }, orderBy: { openedAt: "desc" }, select: { id: true, openedAt: true, lastBatchAt: true } });
  if (open) {
    const members = await membersOf(tx, open.id);
    if (members.length === 0 || !members.every((m) => m.ended && m.status === "SENT")) return open;
    await tx.alertGroup.update({ where: { id: open.id }, data: { closedAt: new Date() } });
  }
  return tx.alertGroup.create({ data: { ruleId: rule.id, key, labels, sourceId: ctx.source.id }, select: { id: true, openedAt: true, lastBatchAt: true } });
}

/**
 * When every member has ended, was sent and (if the rule notifies resolves) has its resolve
 * recorded: the held resolves become due together (after quiet hours, if they hold) and the group
 * closes. Returns when they are due, or null.
 */
async function settleGroup(tx: Prisma.TransactionClient, groupId: string, rule: RuleSpec, now: Date): Promise<Date | null> {
  const members = await membersOf(tx, groupId);
  const done = members.every((m) => m.ended && m.status === "SENT" && (m.resolveRecorded || !rule.notifyResolved));
  if (!done) return null;
  const due = muteEndsAt(rule.muteTimings, rule.muteTimeZone, now) ?? now;
  await tx.$executeRaw`
    UPDATE "Delivery" SET "nextAttemptAt" = ${due}, "updatedAt" = now()
    WHERE "groupId" = ${groupId} AND kind = 'RESOLVED' AND status = 'PENDING' AND "nextAttemptAt" IS NULL`;
  await tx.alertGroup.updateMany({ where: { id: groupId, closedAt: null }, data: { closedAt: now } });
  return due;
}

/**
 * Puts the grouped decisions just recorded into their groups. A firing waits for the group's next
 * batch; a resolve is held (no `nextAttemptAt`) until the whole group has resolved. Returns the
 * times the anomaly's job must run again to send them.
 */
export async function assignGroups(tx: Prisma.TransactionClient, anomalyId: string, decisions: Decision[], rules: RuleSpec[], ctx: AlertContext, now: Date): Promise<Date[]> {
  const wakes: Date[] = [];
  for (const d of decisions.filter((x) => x.grouped)) {
    const rule = rules.find((r) => r.id === d.ruleId)!;
    if (d.kind === "FIRING") {
      const group = await openGroup(tx, rule, ctx);
      const due = nextBatchAt(rule, group, now);
      const n = await tx.$executeRaw`
        UPDATE "Delivery" SET "groupId" = ${group.id}, "nextAttemptAt" = ${due}, "updatedAt" = now()
        WHERE key = ${d.key} AND status = 'PENDING' AND "groupId" IS NULL AND "batchKey" IS NULL`;
      if (n) wakes.push(due);
      continue;
    }
    const firing = await tx.delivery.findUnique({ where: { key: `${d.ruleId}:${anomalyId}:FIRING` }, select: { groupId: true } });
    if (!firing?.groupId) continue; // fired before the rule grouped: resolves on its own
    const key = (await tx.alertGroup.findUnique({ where: { id: firing.groupId }, select: { key: true } }))?.key;
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`alertgroup:${rule.id}:${key}`}, 0))`;
    await tx.$executeRaw`
      UPDATE "Delivery" SET "groupId" = ${firing.groupId}, "nextAttemptAt" = NULL, reason = 'held until every series of the group has resolved', "updatedAt" = now()
      WHERE key = ${d.key} AND status = 'PENDING' AND "batchKey" IS NULL`;
    const due = await settleGroup(tx, firing.groupId, rule, now);
    if (due) wakes.push(due);
  }
  return wakes;
}

export interface ClaimedBatch {
  key: string;
  groupId: string;
  labels: Record<string, string>;
  kind: ClaimedDelivery["kind"];
  attempts: number;
  rows: { id: string; anomalyId: string }[];
  /** Members announced so far (this batch included). */
  total: number;
  /** Its first row, for the rule and channel. */
  head: ClaimedDelivery;
  /** performance.now() before its slot was taken (rate-limited channels), or before the claim. */
  slotAt: number;
}

const claimSql = (tx: Prisma.TransactionClient, where: Prisma.Sql, batchKey: string, leaseMs: number) =>
  tx.$queryRaw<{ id: string; anomalyId: string; attempts: number }[]>`
    UPDATE "Delivery" SET status = 'SENDING', attempts = attempts + 1, "batchKey" = ${batchKey},
      "leaseUntil" = now() + ${leaseMs}::int * interval '1 millisecond', "updatedAt" = now()
    WHERE ${where} RETURNING id, "anomalyId", attempts`;

/**
 * Claims, for each group with a due row of this anomaly, the group's due rows of that kind as one
 * batch: a retry's rows again under their batch key, else every due row not yet in a batch under
 * a new key `<rule>:<group>:<kind>:<n>`. A batch is one message: on a rate-limited channel it takes
 * one slot, or its rows wait together (`wakes`).
 */
export async function claimGroupBatches(anomalyId: string, leaseMs: number, head: (id: string) => Promise<ClaimedDelivery | null>): Promise<{ batches: ClaimedBatch[]; wakes: Date[] }> {
  const prisma = getPrisma();
  const due = await prisma.$queryRaw<{ groupId: string; kind: ClaimedDelivery["kind"] }[]>`
    SELECT DISTINCT "groupId", kind::text AS kind FROM "Delivery"
    WHERE "anomalyId" = ${anomalyId} AND "groupId" IS NOT NULL AND status = 'PENDING' AND "nextAttemptAt" <= now()`;
  const out: ClaimedBatch[] = [];
  const wakes: Date[] = [];
  for (const { groupId, kind } of due) {
    const batch = await prisma.$transaction(async (tx) => {
      const [g] = await tx.$queryRaw<{ ruleId: string; batches: number; labels: unknown; channelId: string | null; limited: boolean }[]>`
        SELECT g."ruleId", g.batches, g.labels, r."channelId", coalesce(c."rateLimitCount" IS NOT NULL, false) AS limited
        FROM "AlertGroup" g LEFT JOIN "AlertRule" r ON r.id = g."ruleId" LEFT JOIN "NotificationChannel" c ON c.id = r."channelId"
        WHERE g.id = ${groupId} FOR UPDATE OF g`;
      if (!g) return null;
      const dueRows = (extra: Prisma.Sql) => Prisma.sql`"groupId" = ${groupId} AND kind = ${kind}::"DeliveryKind" AND status = 'PENDING' AND "nextAttemptAt" <= now() AND ${extra}`;
      const retry = await tx.delivery.findFirst({ where: { groupId, kind, status: "PENDING", nextAttemptAt: { lte: new Date() }, batchKey: { not: null } }, select: { batchKey: true } });
      const key = retry?.batchKey ?? `${g.ruleId}:${groupId}:${kind}:${g.batches + 1}`;
      const where = dueRows(retry?.batchKey ? Prisma.sql`"batchKey" = ${key}` : Prisma.sql`"batchKey" IS NULL`);
      let slotAt = performance.now();
      if (g.limited && g.channelId) {
        const found = await tx.$queryRaw<{ id: string; waited: boolean }[]>`SELECT id, "rateLimitedUntil" IS NOT NULL AS waited FROM "Delivery" WHERE ${where}`;
        if (found.length === 0) return null;
        const ids = found.map((r) => r.id);
        const grant = await takeSendSlots(tx, g.channelId, 1, found.some((r) => r.waited) ? "front" : "back");
        if (grant.granted === 0 && grant.limit) {
          await holdForLimit(tx, ids, ids.map(() => grant.waits[0]), grant.limit);
          wakes.push(grant.waits[0]);
          return null;
        }
        slotAt = grant.slotAt;
      }
      const rows = await claimSql(tx, where, key, leaseMs);
      if (rows.length === 0) return null;
      if (!retry?.batchKey) {
        await tx.$executeRaw`UPDATE "AlertGroup" SET batches = batches + 1, "lastBatchAt" = CASE WHEN ${kind} = 'FIRING' THEN now() ELSE "lastBatchAt" END WHERE id = ${groupId}`;
      }
      const [{ total }] = await tx.$queryRaw<{ total: number }[]>`
        SELECT count(*)::int AS total FROM "Delivery" WHERE "groupId" = ${groupId} AND kind = 'FIRING' AND status IN ('SENDING', 'SENT')`;
      return { key, groupId, labels: (g.labels ?? {}) as Record<string, string>, kind, attempts: rows[0].attempts, rows, total, slotAt };
    });
    if (!batch) continue;
    const first = await head(batch.rows[0].id);
    if (first) out.push({ ...batch, head: first });
  }
  return { batches: out, wakes };
}

/** Ends a batch's claim; false when any of its rows was no longer ours. */
export async function finishBatch(ids: string[], attempts: number, r: { status: string; responseCode: number | null; response: string | null; latencyMs: number; error: string | null; retryInMs: number | null; reason: string | null }): Promise<boolean> {
  const n = await getPrisma().$executeRaw`
    UPDATE "Delivery" SET status = ${r.status}::text::"DeliveryStatus", "responseCode" = ${r.responseCode}::int, response = ${r.response}::text,
      "latencyMs" = ${r.latencyMs}::int, "lastError" = ${r.error}::text, reason = ${r.reason}::text, "leaseUntil" = NULL, "updatedAt" = now(),
      "sentAt" = CASE WHEN ${r.status}::text = 'SENT' THEN now() END,
      "nextAttemptAt" = CASE WHEN ${r.retryInMs}::int IS NULL THEN NULL ELSE now() + ${r.retryInMs}::int * interval '1 millisecond' END
    WHERE id = ANY(${ids}::text[]) AND status = 'SENDING' AND attempts = ${attempts}::int`;
  return n === ids.length;
}
