/**
 * The delivery log, read by the API and the pages: per anomaly (with what each rule decided and
 * why nothing was sent where nothing was), per channel, and the most recent across channels with
 * failures first.
 */
import { getPrisma } from "@/lib/server/db";
import { AppError } from "@/lib/server/api/errors";
import { checkRule } from "@/lib/alerting/rules";
import { publicBaseUrl } from "@/lib/alerting/notify";
import { loadActiveRules, loadAlertContext } from "@/lib/server/queries/alert-deliveries";
import { silenceMatchersFor } from "@/lib/alerting/silences";

const select = {
  id: true, key: true, kind: true, status: true, reason: true, attempts: true, responseCode: true, response: true, latencyMs: true,
  lastError: true, nextAttemptAt: true, sentAt: true, createdAt: true, updatedAt: true, anomalyId: true, batchKey: true, rateLimitedUntil: true,
  rule: { select: { id: true, name: true } },
  channel: { select: { id: true, name: true, kind: true } },
  silence: { select: { id: true, reason: true, endsAt: true } },
} as const;

/** Failures first, then the newest. */
const failuresFirst = <T extends { status: string; updatedAt: Date }>(rows: T[]) =>
  [...rows].sort((a, b) => Number(b.status === "FAILED") - Number(a.status === "FAILED") || b.updatedAt.getTime() - a.updatedAt.getTime());

export async function listRecentDeliveries(limit = 50) {
  const prisma = getPrisma();
  const [failed, recent] = await Promise.all([
    prisma.delivery.findMany({ where: { status: "FAILED" }, orderBy: { updatedAt: "desc" }, take: limit, select }),
    prisma.delivery.findMany({ where: { status: { not: "FAILED" } }, orderBy: { updatedAt: "desc" }, take: limit, select }),
  ]);
  return failuresFirst([...failed, ...recent]).slice(0, limit);
}

/** Keyset by (createdAt desc, id): `cursor` is the last row's id. */
export async function listChannelDeliveries(channelId: string, limit: number, cursor?: string) {
  const prisma = getPrisma();
  if (!(await prisma.notificationChannel.findUnique({ where: { id: channelId }, select: { id: true } }))) throw new AppError("not_found", `No channel ${channelId}`);
  const rows = await prisma.delivery.findMany({
    where: { channelId },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: limit + 1,
    ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
    select,
  });
  return { items: rows.slice(0, limit), nextCursor: rows.length > limit ? rows[limit - 1].id : null };
}

/**
 * Who was notified about an anomaly and why not: its deliveries (sent, pending, failed, or
 * suppressed with the reason and the silence), and every enabled rule that decided nothing, with
 * the reason it does not apply now.
 */
export async function describeAnomalyAlerting(anomalyId: string) {
  const ctx = await loadAlertContext(anomalyId, publicBaseUrl());
  if (!ctx) throw new AppError("not_found", `No anomaly ${anomalyId}`);
  const [deliveries, rules] = await Promise.all([
    getPrisma().delivery.findMany({ where: { anomalyId }, orderBy: [{ createdAt: "asc" }, { kind: "asc" }], select }),
    loadActiveRules(),
  ]);
  const decided = new Set(deliveries.map((d) => d.rule?.id));
  const now = new Date();
  const notApplied = rules
    .filter((r) => !decided.has(r.id))
    .map((r) => {
      const v = checkRule(r, ctx, now);
      return { rule: { id: r.id, name: r.name }, reason: v.match ? "matches; not evaluated since (the next change or sweep decides)" : v.reason };
    });
  return { items: deliveries, notApplied, silenceMatchers: silenceMatchersFor(ctx) };
}
