/**
 * Send limits in PostgreSQL (lib/alerting/rate-limit.ts). A slot is a `ChannelSend` row written
 * under the channel's row lock in the same transaction as the claim it is for, so concurrent
 * claimers on one channel are counted one after the other and a slot exists before any byte goes
 * out. Rows over the limit stay PENDING with `nextAttemptAt` = `rateLimitedUntil` = their wake
 * time and a reason saying so; the caller rings the job for then (and the sweep does if that ring
 * is lost), so nothing over the limit is dropped.
 */
import type { Prisma } from "@/lib/generated/prisma/client";
import { getPrisma } from "@/lib/server/db";
import { AppError } from "@/lib/server/api/errors";
import { describeLimit, limitWindowMs, planSlots, type SendLimit } from "@/lib/alerting/rate-limit";
import { claimDeliveryIds, lockLimitedDue, type ClaimedDelivery } from "@/lib/server/queries/alert-deliveries";

export interface SlotGrant {
  granted: number;
  waits: Date[];
  limit: SendLimit | null;
  /** performance.now() just before the slots were written: a send must start within the grace of it. */
  slotAt: number;
}

/**
 * Takes up to `wanted` slots on the channel (all of them when it has no limit, or is gone). Slots
 * are stamped with the clock at the insert (`clock_timestamp()`, not the transaction's start), so
 * the gap from a slot to its send is what the worker measures from `slotAt`.
 */
/**
 * `queue`: "back" for sends that were not waiting yet (they queue after the last wake handed out);
 * "front" for ones that already waited their turn and found the window still full (a slot taken
 * late, under load): they take the next free time instead of going to the back again; "none" for
 * a test send, which never waits.
 */
export async function takeSendSlots(tx: Prisma.TransactionClient, channelId: string, wanted: number, queue: "back" | "front" | "none" = "back"): Promise<SlotGrant> {
  const [c] = await tx.$queryRaw<{ count: number | null; seconds: number | null; queuedUntil: Date | null; now: Date }[]>`
    SELECT "rateLimitCount" AS count, "rateLimitSeconds" AS seconds, "rateQueueAt" AS "queuedUntil", clock_timestamp() AS now
    FROM "NotificationChannel" WHERE id = ${channelId} FOR UPDATE`;
  if (!c || c.count === null || c.seconds === null) return { granted: wanted, waits: [], limit: null, slotAt: performance.now() };
  const limit = { count: c.count, seconds: c.seconds };
  const windowMs = limitWindowMs(limit);
  const recent = await tx.$queryRaw<{ at: Date }[]>`
    WITH pruned AS (DELETE FROM "ChannelSend" WHERE "channelId" = ${channelId} AND at <= ${c.now}::timestamptz - ${windowMs}::int * interval '1 millisecond')
    SELECT at FROM "ChannelSend" WHERE "channelId" = ${channelId} AND at > ${c.now}::timestamptz - ${windowMs}::int * interval '1 millisecond' ORDER BY at`;
  const plan = planSlots(limit, recent.map((r) => r.at), queue === "back" ? c.queuedUntil : null, c.now, wanted);
  const slotAt = performance.now();
  if (plan.granted > 0) {
    await tx.$executeRaw`INSERT INTO "ChannelSend" ("channelId", at) SELECT ${channelId}, clock_timestamp() FROM generate_series(1, ${plan.granted}::int)`;
  }
  if (queue !== "none" && plan.waits.length > 0) {
    const last = plan.waits[plan.waits.length - 1];
    await tx.$executeRaw`UPDATE "NotificationChannel" SET "rateQueueAt" = GREATEST("rateQueueAt", ${last}::timestamptz) WHERE id = ${channelId}`;
  }
  return { ...plan, limit, slotAt };
}

/**
 * "Send test" takes a slot too, so a test never pushes the channel over its limit; when none is
 * free the test is refused (429) saying when one frees, and nobody's place in the queue moves.
 */
export async function takeTestSlot(channelId: string): Promise<void> {
  await getPrisma().$transaction(async (tx) => {
    const grant = await takeSendSlots(tx, channelId, 1, "none");
    if (grant.granted === 0 && grant.limit) {
      throw new AppError("rate_limited", `The channel sends at most ${describeLimit(grant.limit)} and that is used up; try again after ${grant.waits[0].toISOString()}`);
    }
  });
}

/** Holds rows (PENDING, or a batch's rows) until their wake times, saying why. */
export async function holdForLimit(tx: Prisma.TransactionClient, ids: string[], waits: Date[], limit: SendLimit): Promise<void> {
  if (ids.length === 0) return;
  const reasons = waits.map((w) => `rate-limited: the channel sends at most ${describeLimit(limit)}; next try at ${w.toISOString()}`);
  await tx.$executeRaw`
    UPDATE "Delivery" d SET "nextAttemptAt" = v.at, "rateLimitedUntil" = v.at, reason = v.reason, "updatedAt" = now()
    FROM unnest(${ids}::text[], ${waits}::timestamptz[], ${reasons}::text[]) AS v(id, at, reason)
    WHERE d.id = v.id AND d.status = 'PENDING'`;
}

/**
 * The anomaly's due single deliveries on rate-limited channels: as many as each channel's limit
 * allows are claimed (one slot each); the rest wait. Returns the claims and the wake times.
 */
export async function claimLimitedDeliveries(anomalyId: string, leaseMs: number): Promise<{ claimed: (ClaimedDelivery & { slotAt: number })[]; wakes: Date[] }> {
  return getPrisma().$transaction(async (tx) => {
    const due = await lockLimitedDue(tx, anomalyId);
    const byChannel = new Map<string, string[]>();
    const waited = new Set(due.filter((d) => d.waited).map((d) => d.channelId));
    for (const d of due) byChannel.set(d.channelId, [...(byChannel.get(d.channelId) ?? []), d.id]);
    const claimIds: string[] = [];
    const slotAt = new Map<string, number>();
    const wakes: Date[] = [];
    // Channel locks in id order: two claimers never wait on each other in a cycle.
    for (const channelId of [...byChannel.keys()].sort()) {
      const ids = byChannel.get(channelId)!;
      const grant = await takeSendSlots(tx, channelId, ids.length, waited.has(channelId) ? "front" : "back");
      claimIds.push(...ids.slice(0, grant.granted));
      slotAt.set(channelId, grant.slotAt);
      if (grant.limit) await holdForLimit(tx, ids.slice(grant.granted), grant.waits, grant.limit);
      wakes.push(...grant.waits);
    }
    const claimed = await claimDeliveryIds(tx, claimIds, leaseMs);
    return { claimed: claimed.map((d) => ({ ...d, slotAt: slotAt.get(d.channelId)! })), wakes };
  });
}

/**
 * Puts a claim back unsent (its send did not start within the grace of its slot): PENDING, due
 * now, the attempt not counted. Only while the claim is still ours; the slot stays taken.
 */
export async function releaseClaims(ids: string[], attempts: number): Promise<number> {
  return getPrisma().$executeRaw`
    UPDATE "Delivery" SET status = 'PENDING', attempts = attempts - 1, "leaseUntil" = NULL, "nextAttemptAt" = now(), "updatedAt" = now(),
      reason = 'rate-limited: the send could not start within its slot; put back unsent'
    WHERE id = ANY(${ids}::text[]) AND status = 'SENDING' AND attempts = ${attempts}::int`;
}
