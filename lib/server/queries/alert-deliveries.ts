/**
 * The notify job's reads and writes (lib/alerting/notify.ts): the anomaly as an AlertContext,
 * the enabled rules and active silences, decisions claimed under their unique key, and the
 * claim/lease of a send. Times come from PostgreSQL's clock so that several workers agree.
 */
import type { Prisma } from "@/lib/generated/prisma/client";
import { getPrisma } from "@/lib/server/db";
import { anomalyUrl, type AlertContext } from "@/lib/alerting/alert";
import type { RuleSpec } from "@/lib/alerting/rules";
import type { SilenceSpec } from "@/lib/alerting/silences";
import type { Matcher } from "@/lib/alerting/matchers";
import type { MuteInterval } from "@/lib/alerting/mute";
import type { Decision, ExistingDelivery } from "@/lib/alerting/plan";

export async function loadAlertContext(anomalyId: string, baseUrl: string, tx: Prisma.TransactionClient = getPrisma()): Promise<AlertContext | null> {
  const a = await tx.anomaly.findUnique({
    where: { id: anomalyId },
    include: {
      series: { select: { id: true, metric: true, labels: true, source: { select: { id: true, name: true } } } },
      detector: { select: { id: true, name: true, algorithm: true, threshold: true } },
    },
  });
  if (!a) return null;
  return {
    anomaly: {
      id: a.id, startTs: a.startTs, endTs: a.endTs, peakTs: a.peakTs, peakScore: a.peakScore, severity: a.severity,
      actual: a.actual, expected: a.expected, lower: a.lower, upper: a.upper, pointCount: a.pointCount,
      ongoing: a.ongoing, detection: a.detection, status: a.status, suppressedById: a.suppressedById,
    },
    series: { id: a.series.id, metric: a.series.metric, labels: (a.series.labels ?? {}) as Record<string, string> },
    source: a.series.source,
    detector: a.detector,
    url: anomalyUrl(baseUrl, a.id),
  };
}

/** Enabled rules on enabled channels, in id order (the order their locks are taken). */
export async function loadActiveRules(tx: Prisma.TransactionClient = getPrisma()): Promise<RuleSpec[]> {
  const rows = await tx.alertRule.findMany({ where: { enabled: true, channel: { enabled: true } }, orderBy: { id: "asc" } });
  return rows.map((r) => ({ ...r, matchers: (r.matchers ?? []) as unknown as Matcher[], muteTimings: (r.muteTimings ?? []) as unknown as MuteInterval[] }));
}

export async function loadActiveSilences(tx: Prisma.TransactionClient = getPrisma()): Promise<SilenceSpec[]> {
  const rows = await tx.$queryRaw<{ id: string; matchers: unknown; startsAt: Date; endsAt: Date }[]>`
    SELECT id, matchers, "startsAt", "endsAt" FROM "Silence" WHERE "startsAt" <= now() AND "endsAt" > now() ORDER BY "createdAt", id`;
  return rows.map((s) => ({ ...s, matchers: s.matchers as Matcher[] }));
}

export function dbNow(tx: Prisma.TransactionClient = getPrisma()): Promise<Date> {
  return tx.$queryRaw<{ now: Date }[]>`SELECT now() AS now`.then((r) => r[0].now);
}

export function existingDeliveries(tx: Prisma.TransactionClient, anomalyId: string): Promise<ExistingDelivery[]> {
  return tx.delivery.findMany({ where: { anomalyId }, select: { ruleId: true, kind: true, status: true, sentAt: true } });
}

/**
 * Takes the (rule, series) locks of `ruleIds` for this transaction (id order: never a deadlock),
 * so two anomalies of one series are decided one after the other and the cooldown holds.
 */
export async function lockRuleSeries(tx: Prisma.TransactionClient, ruleIds: string[], seriesId: string): Promise<void> {
  for (const id of [...ruleIds].sort()) await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`alert:${id}:${seriesId}`}, 0))`;
}

/** Per rule, its last firing (not suppressed, not given up) on the series for another anomaly. */
export async function lastAlertOnSeries(tx: Prisma.TransactionClient, ruleIds: string[], seriesId: string, anomalyId: string): Promise<Map<string, Date>> {
  if (ruleIds.length === 0) return new Map();
  const rows = await tx.$queryRaw<{ ruleId: string; at: Date }[]>`
    SELECT "ruleId", max("createdAt") AS at FROM "Delivery"
    WHERE "ruleId" = ANY(${ruleIds}::text[]) AND "seriesId" = ${seriesId} AND "anomalyId" <> ${anomalyId}
      AND kind = 'FIRING' AND status IN ('PENDING', 'SENDING', 'SENT')
    GROUP BY "ruleId"`;
  return new Map(rows.map((r) => [r.ruleId, r.at]));
}

/** Records decisions; a key already taken (a concurrent job decided first) is left as it is. */
export async function insertDecisions(tx: Prisma.TransactionClient, anomalyId: string, seriesId: string, decisions: Decision[]): Promise<number> {
  if (decisions.length === 0) return 0;
  return tx.$executeRaw`
    INSERT INTO "Delivery" (id, key, "anomalyId", "seriesId", "ruleId", "channelId", kind, status, reason, "silenceId", "nextAttemptAt", "createdAt", "updatedAt")
    SELECT gen_random_uuid()::text, v.key, ${anomalyId}, ${seriesId}, v.rule, v.channel, v.kind::"DeliveryKind", v.status::"DeliveryStatus", v.reason, v.silence,
      CASE WHEN v.status = 'PENDING' THEN now() END, now(), now()
    FROM unnest(${decisions.map((d) => d.key)}::text[], ${decisions.map((d) => d.ruleId)}::text[], ${decisions.map((d) => d.channelId)}::text[],
      ${decisions.map((d) => d.kind)}::text[], ${decisions.map((d) => d.status)}::text[], ${decisions.map((d) => d.reason)}::text[],
      ${decisions.map((d) => d.silenceId)}::text[]) AS v(key, rule, channel, kind, status, reason, silence)
    ON CONFLICT (key) DO NOTHING`;
}

export interface ClaimedDelivery {
  id: string;
  key: string;
  ruleId: string | null;
  ruleName: string | null;
  channelId: string;
  kind: "FIRING" | "RESOLVED" | "ESCALATED";
  attempts: number;
  /** The channel as it is now (null: deleted meanwhile). */
  channel: { id: string; kind: "WEBHOOK" | "SLACK" | "EMAIL" | "ALERTMANAGER"; config: unknown; secret: string | null; enabled: boolean } | null;
}

/**
 * Claims the anomaly's due deliveries for one send each: PENDING -> SENDING with attempts + 1 and
 * a lease, committed before anything is sent. Row locks make a second claimer skip them.
 */
export async function claimDueDeliveries(anomalyId: string, leaseMs: number): Promise<ClaimedDelivery[]> {
  const rows = await getPrisma().$queryRaw<(Omit<ClaimedDelivery, "channel"> & { cKind: string | null; config: unknown; secret: string | null; enabled: boolean | null })[]>`
    WITH claimed AS (
      UPDATE "Delivery" SET status = 'SENDING', attempts = attempts + 1, "leaseUntil" = now() + ${leaseMs}::int * interval '1 millisecond', "updatedAt" = now()
      WHERE "anomalyId" = ${anomalyId} AND status = 'PENDING' AND ("nextAttemptAt" IS NULL OR "nextAttemptAt" <= now())
      RETURNING id, key, "ruleId", "channelId", kind::text AS kind, attempts
    )
    SELECT claimed.*, r.name AS "ruleName", c.kind::text AS "cKind", c.config, c.secret, c.enabled
    FROM claimed LEFT JOIN "AlertRule" r ON r.id = claimed."ruleId" LEFT JOIN "NotificationChannel" c ON c.id = claimed."channelId"`;
  return rows.map(({ cKind, config, secret, enabled, ...d }) => ({
    ...d,
    channel: cKind ? { id: d.channelId, kind: cKind as NonNullable<ClaimedDelivery["channel"]>["kind"], config, secret, enabled: !!enabled } : null,
  }));
}

export interface SendResult {
  status: "SENT" | "PENDING" | "FAILED";
  responseCode: number | null;
  response: string | null;
  latencyMs: number;
  error: string | null;
  retryInMs: number | null;
  reason: string | null;
}

/** Ends a claim; false when the claim was no longer ours (its lease expired and the sweep took it). */
export async function finishDelivery(d: ClaimedDelivery, r: SendResult): Promise<boolean> {
  const n = await getPrisma().$executeRaw`
    UPDATE "Delivery" SET status = ${r.status}::text::"DeliveryStatus", "responseCode" = ${r.responseCode}::int, response = ${r.response}::text,
      "latencyMs" = ${r.latencyMs}::int, "lastError" = ${r.error}::text, reason = ${r.reason}::text, "leaseUntil" = NULL, "updatedAt" = now(),
      "sentAt" = CASE WHEN ${r.status}::text = 'SENT' THEN now() END,
      "nextAttemptAt" = CASE WHEN ${r.retryInMs}::int IS NULL THEN NULL ELSE now() + ${r.retryInMs}::int * interval '1 millisecond' END
    WHERE id = ${d.id} AND status = 'SENDING' AND attempts = ${d.attempts}::int`;
  return n === 1;
}

/** The outbox row's sequence now (null: nothing to evaluate). */
export async function outboxSeq(anomalyId: string): Promise<number | null> {
  const row = await getPrisma().alertOutbox.findUnique({ where: { anomalyId }, select: { seq: true } });
  return row?.seq ?? null;
}

/** Removes the outbox row if detection did not touch the anomaly again meanwhile. */
export function clearOutbox(anomalyId: string, seq: number) {
  return getPrisma().alertOutbox.deleteMany({ where: { anomalyId, seq } });
}

/**
 * Sends whose worker stopped mid-way (lease expired). The receiver may or may not have the
 * message: Alertmanager merges a repeat into the same alert, so it is sent again; every other
 * kind is given up (FAILED with the reason), because sending again could notify twice.
 */
export function expireLeases(): Promise<{ anomalyId: string; status: string }[]> {
  return getPrisma().$queryRaw`
    UPDATE "Delivery" d SET
      status = (CASE WHEN c.kind = 'ALERTMANAGER' THEN 'PENDING' ELSE 'FAILED' END)::"DeliveryStatus",
      "nextAttemptAt" = CASE WHEN c.kind = 'ALERTMANAGER' THEN now() END,
      "leaseUntil" = NULL, "updatedAt" = now(),
      reason = CASE WHEN c.kind = 'ALERTMANAGER' THEN 'the sending worker stopped mid-send; sent again (Alertmanager merges repeats)'
        ELSE 'the sending worker stopped mid-send; not sent again so it can never arrive twice' END
    FROM "NotificationChannel" c
    WHERE c.id = d."channelId" AND d.status = 'SENDING' AND d."leaseUntil" < now()
    RETURNING d."anomalyId", d.status::text AS status`;
}

/** Anomalies whose doorbell may have been lost: outbox rows and due deliveries older than `graceMs`. */
export async function findUnrungAnomalies(graceMs: number, limit = 1_000): Promise<string[]> {
  const rows = await getPrisma().$queryRaw<{ id: string }[]>`
    (SELECT "anomalyId" AS id FROM "AlertOutbox" WHERE "touchedAt" < now() - ${graceMs}::int * interval '1 millisecond' ORDER BY "touchedAt" LIMIT ${limit}::int)
    UNION
    (SELECT "anomalyId" AS id FROM "Delivery" WHERE status = 'PENDING' AND "nextAttemptAt" < now() - ${graceMs}::int * interval '1 millisecond' ORDER BY "nextAttemptAt" LIMIT ${limit}::int)
    UNION
    (SELECT d."anomalyId" AS id FROM "Delivery" d
      JOIN "AlertRule" r ON r.id = d."ruleId" AND r.enabled AND r."escalateAfterMinutes" IS NOT NULL AND r."escalationChannelId" IS NOT NULL
      JOIN "Anomaly" a ON a.id = d."anomalyId" AND a.status = 'OPEN' AND a.ongoing AND a.detection = 'ACTIVE'
      WHERE d.kind = 'FIRING' AND d.status = 'SENT' AND d."sentAt" <= now() - r."escalateAfterMinutes" * interval '1 minute'
        AND NOT EXISTS (SELECT 1 FROM "Delivery" e WHERE e.key = r.id || ':' || d."anomalyId" || ':ESCALATED')
      LIMIT ${limit}::int)`;
  return rows.map((r) => r.id);
}
