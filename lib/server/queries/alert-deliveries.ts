/**
 * The notify job's reads and writes (lib/alerting/notify.ts): the anomaly as an AlertContext,
 * the enabled rules and active silences, decisions claimed under their unique key, and the
 * claim/lease of a send. Times come from PostgreSQL's clock so that several workers agree.
 */
import { Prisma } from "@/lib/generated/prisma/client";
import { getPrisma } from "@/lib/server/db";
import { anomalyUrl, type AlertContext } from "@/lib/alerting/alert";
import type { RuleSpec } from "@/lib/alerting/rules";
import type { SilenceSpec } from "@/lib/alerting/silences";
import type { Matcher } from "@/lib/alerting/matchers";
import type { MuteInterval } from "@/lib/alerting/mute";
import { SUPPRESSION_REASON, type Decision, type ExistingDelivery } from "@/lib/alerting/plan";

/*
 * The job's hot reads are plain SQL: in a burst the worker spends its CPU on building queries,
 * and one raw query costs a fraction of a Prisma model query (measured in the README).
 */
interface ContextRow {
  id: string; startTs: Date; endTs: Date; peakTs: Date; peakScore: number; severity: AlertContext["anomaly"]["severity"]; actual: number | null; expected: number | null;
  lower: number | null; upper: number | null; pointCount: number; ongoing: boolean; detection: AlertContext["anomaly"]["detection"]; status: AlertContext["anomaly"]["status"];
  suppressedById: string | null; seriesId: string; metric: string; labels: unknown; sourceId: string; sourceName: string; detectorId: string; detectorName: string; algorithm: string; threshold: number;
}

export async function loadAlertContext(anomalyId: string, baseUrl: string, tx: Prisma.TransactionClient = getPrisma()): Promise<AlertContext | null> {
  return (await readAlertContext(anomalyId, baseUrl, tx))?.ctx ?? null;
}

/**
 * The context and the anomaly's outbox sequence in one read (one snapshot): the job clears the
 * outbox row only if detection did not touch the anomaly after the state it evaluated. `held`:
 * detection may still change the incident, so nothing is to be decided on it yet: its pair has a
 * committed page not yet re-counted (lib/server/queries/verify-pages.ts), a pending
 * RedetectRequest, or a rewind under way that has not re-derived it yet. A disabled detector's
 * incidents are never held: nothing re-derives them until it is enabled again, and holding would
 * re-ring the job every few seconds for as long as it stays disabled.
 */
export async function readAlertContext(anomalyId: string, baseUrl: string, tx: Prisma.TransactionClient = getPrisma()): Promise<{ ctx: AlertContext; outboxSeq: number | null; held: boolean } | null> {
  const [a] = await tx.$queryRaw<(ContextRow & { outboxSeq: number | null; held: boolean })[]>`
    SELECT a.id, a."startTs", a."endTs", a."peakTs", a."peakScore", a.severity::text AS severity, a.actual, a.expected, a.lower, a.upper, a."pointCount",
      a.ongoing, a.detection::text AS detection, a.status::text AS status, a."suppressedById", s.id AS "seriesId", s.metric, s.labels, src.id AS "sourceId", src.name AS "sourceName",
      d.id AS "detectorId", d.name AS "detectorName", d.algorithm::text AS algorithm, d.threshold, o.seq AS "outboxSeq",
      (d.enabled AND (EXISTS (SELECT 1 FROM "DetectorState" st WHERE st."detectorId" = a."detectorId" AND st."subjectId" = a."subjectId"
          AND (st."verifyUpTo" IS NOT NULL OR (st."redetectUntil" IS NOT NULL AND a."endTs" > COALESCE(st.watermark, '-infinity'::timestamptz))))
        OR EXISTS (SELECT 1 FROM "RedetectRequest" r WHERE r."detectorId" = a."detectorId" AND r."subjectId" = a."subjectId"))) AS held
    FROM "Anomaly" a JOIN "Series" s ON s.id = a."seriesId" JOIN "DataSource" src ON src.id = s."sourceId" JOIN "Detector" d ON d.id = a."detectorId"
      LEFT JOIN "AlertOutbox" o ON o."anomalyId" = a.id
    WHERE a.id = ${anomalyId}`;
  if (!a) return null;
  const ctx: AlertContext = {
    anomaly: {
      id: a.id, startTs: a.startTs, endTs: a.endTs, peakTs: a.peakTs, peakScore: a.peakScore, severity: a.severity,
      actual: a.actual, expected: a.expected, lower: a.lower, upper: a.upper, pointCount: a.pointCount,
      ongoing: a.ongoing, detection: a.detection, status: a.status, suppressedById: a.suppressedById,
    },
    series: { id: a.seriesId, metric: a.metric, labels: (a.labels ?? {}) as Record<string, string> },
    source: { id: a.sourceId, name: a.sourceName },
    detector: { id: a.detectorId, name: a.detectorName, algorithm: a.algorithm, threshold: a.threshold },
    url: anomalyUrl(baseUrl, a.id),
  };
  return { ctx, outboxSeq: a.outboxSeq, held: a.held };
}

/** Enabled rules on enabled channels, in id order (the order their locks are taken). */
export async function loadActiveRules(tx: Prisma.TransactionClient = getPrisma()): Promise<RuleSpec[]> {
  const rows = await tx.$queryRaw<(Omit<RuleSpec, "matchers" | "muteTimings"> & { matchers: unknown; muteTimings: unknown })[]>`
    SELECT r.id, r.name, r.enabled, r."detectorId", r."sourceId", r.matchers, r."minSeverity"::text AS "minSeverity", r.direction::text AS direction,
      r."minDeviation", r."deviationUnit"::text AS "deviationUnit", r."minDurationSeconds", r."notifyResolved", r."includeHistorical", r."cooldownMinutes",
      r."channelId", r."muteTimings", r."muteTimeZone", r."escalateAfterMinutes", r."escalationChannelId", r."groupWaitSeconds",
      coalesce(r."groupBy", ARRAY[]::text[]) AS "groupBy", r."groupIntervalMinutes"
    FROM "AlertRule" r JOIN "NotificationChannel" c ON c.id = r."channelId" AND c.enabled
    WHERE r.enabled ORDER BY r.id`;
  return rows.map((r) => ({ ...r, matchers: (r.matchers ?? []) as Matcher[], muteTimings: (r.muteTimings ?? []) as MuteInterval[] }));
}

/** The active silences, and PostgreSQL's clock in the same read (every worker decides on the database's time). */
export async function loadActiveSilences(tx: Prisma.TransactionClient = getPrisma()): Promise<{ silences: SilenceSpec[]; now: Date }> {
  const rows = await tx.$queryRaw<{ id: string | null; matchers: unknown; startsAt: Date | null; endsAt: Date | null; now: Date }[]>`
    SELECT s.id, s.matchers, s."startsAt", s."endsAt", n.now FROM (SELECT now() AS now) n
    LEFT JOIN "Silence" s ON s."startsAt" <= n.now AND s."endsAt" > n.now ORDER BY s."createdAt", s.id`;
  const silences = rows.filter((s) => s.id !== null).map((s) => ({ id: s.id!, matchers: s.matchers as Matcher[], startsAt: s.startsAt!, endsAt: s.endsAt! }));
  return { silences, now: rows[0].now };
}

export function existingDeliveries(tx: Prisma.TransactionClient, anomalyId: string): Promise<ExistingDelivery[]> {
  return tx.$queryRaw<ExistingDelivery[]>`
    SELECT "ruleId", kind::text AS kind, status::text AS status, "sentAt", "silenceId", "groupId", reason FROM "Delivery" WHERE "anomalyId" = ${anomalyId}`;
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

/**
 * Records decisions; a key already taken (a concurrent job decided first) is left as it is. A
 * release turns a firing a silence or a suppression rule held (SUPPRESSED, naming it) into PENDING, once.
 * With `leaseMs`, a decision due now, not grouped and on a channel without a send limit is
 * recorded already claimed (SENDING, attempt 1, the lease): the claim commits with the decision,
 * before any byte goes out, and costs no statement of its own. Returns how many were recorded and
 * those claims.
 */
export async function insertDecisions(tx: Prisma.TransactionClient, anomalyId: string, seriesId: string, decisions: Decision[], leaseMs?: number): Promise<{ n: number; claimed: ClaimedDelivery[] }> {
  const fresh = decisions.filter((d) => !d.release);
  let n = 0;
  for (const d of decisions.filter((x) => x.release)) {
    n += await tx.$executeRaw`
      UPDATE "Delivery" SET status = 'PENDING', reason = ${d.reason}, "nextAttemptAt" = now(), "updatedAt" = now()
      WHERE key = ${d.key} AND status = 'SUPPRESSED' AND ("silenceId" IS NOT NULL OR reason LIKE ${`${SUPPRESSION_REASON}%`})`;
  }
  if (fresh.length === 0) return { n, claimed: [] };
  const claim = fresh.map((d) => leaseMs !== undefined && d.status === "PENDING" && !d.grouped && !d.notBefore);
  const rows = await tx.$queryRaw<(ClaimedRow & { claimedNow: boolean })[]>`
    WITH v AS (
      SELECT v.*, v.claim AND c."rateLimitCount" IS NULL AS claimed_now
      FROM unnest(${fresh.map((d) => d.key)}::text[], ${fresh.map((d) => d.ruleId)}::text[], ${fresh.map((d) => d.channelId)}::text[],
        ${fresh.map((d) => d.kind)}::text[], ${fresh.map((d) => d.status)}::text[], ${fresh.map((d) => d.reason)}::text[],
        ${fresh.map((d) => d.silenceId)}::text[], ${fresh.map((d) => d.notBefore)}::timestamptz[], ${claim}::boolean[])
        AS v(key, rule, channel, kind, status, reason, silence, not_before, claim)
      LEFT JOIN "NotificationChannel" c ON c.id = v.channel
    ), claimed AS (
      INSERT INTO "Delivery" (id, key, "anomalyId", "seriesId", "ruleId", "channelId", kind, status, attempts, "leaseUntil", reason, "silenceId", "nextAttemptAt", "createdAt", "updatedAt")
      SELECT gen_random_uuid()::text, v.key, ${anomalyId}, ${seriesId}, v.rule, v.channel, v.kind::"DeliveryKind",
        (CASE WHEN v.claimed_now THEN 'SENDING' ELSE v.status END)::"DeliveryStatus", CASE WHEN v.claimed_now THEN 1 ELSE 0 END,
        CASE WHEN v.claimed_now THEN now() + ${leaseMs ?? 0}::int * interval '1 millisecond' END, v.reason, v.silence,
        CASE WHEN v.status = 'PENDING' THEN COALESCE(v.not_before, now()) END, now(), now()
      FROM v
      ON CONFLICT (key) DO NOTHING
      RETURNING id, key, "ruleId", "channelId", kind::text AS kind, attempts, status = 'SENDING' AS "claimedNow"
    )
    SELECT ${claimedColumns}
    FROM claimed LEFT JOIN "AlertRule" r ON r.id = claimed."ruleId" LEFT JOIN "NotificationChannel" c ON c.id = claimed."channelId"`;
  return { n: n + rows.length, claimed: rows.filter((r) => r.claimedNow).map(({ claimedNow: _, ...r }) => toClaimed(r)) };
}

export interface ClaimedDelivery {
  id: string;
  key: string;
  ruleId: string | null;
  ruleName: string | null;
  channelId: string;
  kind: "FIRING" | "RESOLVED" | "ESCALATED";
  attempts: number;
  /** The channel as it is now (null: deleted meanwhile); `limited`: it has a send limit. */
  channel: { id: string; kind: "WEBHOOK" | "SLACK" | "EMAIL" | "ALERTMANAGER"; config: unknown; secret: string | null; enabled: boolean; limited: boolean } | null;
}

type ClaimedRow = Omit<ClaimedDelivery, "channel"> & { cKind: string | null; config: unknown; secret: string | null; enabled: boolean | null; limited: boolean | null };
const toClaimed = ({ cKind, config, secret, enabled, limited, ...d }: ClaimedRow): ClaimedDelivery => ({
  ...d,
  channel: cKind ? { id: d.channelId, kind: cKind as NonNullable<ClaimedDelivery["channel"]>["kind"], config, secret, enabled: !!enabled, limited: !!limited } : null,
});

const claimSet = (leaseMs: number) =>
  Prisma.sql`status = 'SENDING', attempts = attempts + 1, "leaseUntil" = now() + ${leaseMs}::int * interval '1 millisecond', "updatedAt" = now()`;
const claimedColumns = Prisma.sql`claimed.*, r.name AS "ruleName", c.kind::text AS "cKind", c.config, c.secret, c.enabled, c."rateLimitCount" IS NOT NULL AS limited`;
const dueSingle = (anomalyId: string) => Prisma.sql`"anomalyId" = ${anomalyId} AND status = 'PENDING' AND "groupId" IS NULL AND "nextAttemptAt" <= now()`;
const limitedChannel = Prisma.sql`EXISTS (SELECT 1 FROM "NotificationChannel" lc WHERE lc.id = "Delivery"."channelId" AND lc."rateLimitCount" IS NOT NULL)`;

/**
 * Claims the anomaly's due deliveries (grouped ones excepted: lib/server/queries/alert-groups.ts;
 * rate-limited channels too: lib/server/queries/channel-limits.ts) for one send each: PENDING ->
 * SENDING with attempts + 1 and a lease, committed before anything is sent. Row locks make a
 * second claimer skip them. A PENDING row without `nextAttemptAt` is held (a grouped resolve
 * waiting for its group). `limitedDue`: due rows of rate-limited channels were left to claim.
 */
export async function claimDueDeliveries(anomalyId: string, leaseMs: number): Promise<{ claimed: ClaimedDelivery[]; limitedDue: boolean }> {
  const rows = await getPrisma().$queryRaw<(Partial<ClaimedRow> & { limitedDue: boolean })[]>`
    WITH claimed AS (
      UPDATE "Delivery" SET ${claimSet(leaseMs)} WHERE ${dueSingle(anomalyId)} AND NOT ${limitedChannel}
      RETURNING id, key, "ruleId", "channelId", kind::text AS kind, attempts
    ), limited AS (
      SELECT EXISTS (SELECT 1 FROM "Delivery" WHERE ${dueSingle(anomalyId)} AND ${limitedChannel}) AS "limitedDue"
    )
    SELECT ${claimedColumns}, limited."limitedDue"
    FROM limited LEFT JOIN claimed ON true LEFT JOIN "AlertRule" r ON r.id = claimed."ruleId" LEFT JOIN "NotificationChannel" c ON c.id = claimed."channelId"`;
  const claimed = rows.filter((r) => r.id).map(({ limitedDue: _, ...r }) => toClaimed(r as ClaimedRow));
  return { claimed, limitedDue: rows[0]?.limitedDue ?? false };
}

/** Claims these rows (still PENDING) in the caller's transaction. */
export async function claimDeliveryIds(tx: Prisma.TransactionClient, ids: string[], leaseMs: number): Promise<ClaimedDelivery[]> {
  if (ids.length === 0) return [];
  const rows = await tx.$queryRaw<ClaimedRow[]>`
    WITH claimed AS (
      UPDATE "Delivery" SET ${claimSet(leaseMs)} WHERE id = ANY(${ids}::text[]) AND status = 'PENDING'
      RETURNING id, key, "ruleId", "channelId", kind::text AS kind, attempts
    )
    SELECT ${claimedColumns}
    FROM claimed LEFT JOIN "AlertRule" r ON r.id = claimed."ruleId" LEFT JOIN "NotificationChannel" c ON c.id = claimed."channelId"`;
  return rows.map(toClaimed);
}

/**
 * Due single rows of rate-limited channels, locked for this transaction (others' locked rows
 * skipped); those that already waited for the limit first.
 */
export function lockLimitedDue(tx: Prisma.TransactionClient, anomalyId: string): Promise<{ id: string; channelId: string; waited: boolean }[]> {
  return tx.$queryRaw`
    SELECT id, "channelId", "rateLimitedUntil" IS NOT NULL AS waited FROM "Delivery" WHERE ${dueSingle(anomalyId)} AND ${limitedChannel}
    ORDER BY "rateLimitedUntil" NULLS LAST, "createdAt", id FOR UPDATE SKIP LOCKED`;
}

/** One delivery with its rule's name and its channel as they are now. */
export async function loadClaimed(id: string): Promise<ClaimedDelivery | null> {
  const [row] = await getPrisma().$queryRaw<ClaimedRow[]>`
    SELECT d.id, d.key, d."ruleId", d."channelId", d.kind::text AS kind, d.attempts, r.name AS "ruleName", c.kind::text AS "cKind", c.config, c.secret, c.enabled,
      c."rateLimitCount" IS NOT NULL AS limited
    FROM "Delivery" d LEFT JOIN "AlertRule" r ON r.id = d."ruleId" LEFT JOIN "NotificationChannel" c ON c.id = d."channelId" WHERE d.id = ${id}`;
  return row ? toClaimed(row) : null;
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

/** Ends a claim; false when the claim was no longer ours (its lease expired and the sweep took it). A sent row keeps why it was held or waited. */
export async function finishDelivery(d: ClaimedDelivery, r: SendResult): Promise<boolean> {
  const n = await getPrisma().$executeRaw`
    UPDATE "Delivery" SET status = ${r.status}::text::"DeliveryStatus", "responseCode" = ${r.responseCode}::int, response = ${r.response}::text,
      "latencyMs" = ${r.latencyMs}::int, "lastError" = ${r.error}::text, "leaseUntil" = NULL, "updatedAt" = now(),
      reason = CASE WHEN ${r.status}::text = 'SENT' AND (reason LIKE 'held%' OR reason LIKE 'rate-limited%') THEN reason ELSE ${r.reason}::text END,
      "sentAt" = CASE WHEN ${r.status}::text = 'SENT' THEN now() END,
      "nextAttemptAt" = CASE WHEN ${r.retryInMs}::int IS NULL THEN NULL ELSE now() + ${r.retryInMs}::int * interval '1 millisecond' END
    WHERE id = ${d.id} AND status = 'SENDING' AND attempts = ${d.attempts}::int`;
  return n === 1;
}

/** Removes the outbox row if detection did not touch the anomaly again meanwhile. */
export function clearOutbox(anomalyId: string, seq: number): Promise<number> {
  return getPrisma().$executeRaw`DELETE FROM "AlertOutbox" WHERE "anomalyId" = ${anomalyId} AND seq = ${seq}::int`;
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

/**
 * Anomalies whose doorbell may have been lost: outbox rows and due deliveries older than `graceMs`,
 * due escalations, and open episodes whose firing a silence held that has ended (within a day).
 */
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
      LIMIT ${limit}::int)
    UNION
    (SELECT d."anomalyId" AS id FROM "Delivery" d
      JOIN "Silence" s ON s.id = d."silenceId" AND s."endsAt" <= now() AND s."endsAt" > now() - interval '1 day'
      JOIN "Anomaly" a ON a.id = d."anomalyId" AND a.ongoing AND a.detection = 'ACTIVE'
      WHERE d.kind = 'FIRING' AND d.status = 'SUPPRESSED'
      LIMIT ${limit}::int)`;
  return rows.map((r) => r.id);
}
