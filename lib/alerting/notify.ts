/**
 * The `notify.anomaly` job: everything is re-derived from PostgreSQL, so a lost, repeated or
 * concurrent job changes nothing. For one anomaly it
 *  1. decides, per enabled rule, what is due (lib/alerting/plan.ts) and records each decision
 *     under its unique key (rule, anomaly, kind) in one transaction holding the (rule, series)
 *     locks, so the cooldown holds between anomalies of a series;
 *  2. clears the anomaly's outbox row unless detection touched it again meanwhile;
 *  3. claims the due deliveries (PENDING -> SENDING, attempts + 1, a lease) in a committed update
 *     before sending: a second job finds nothing to claim, and a worker killed mid-send leaves a
 *     SENDING row the sweep resolves without sending again (lib/server/queries/alert-deliveries.ts);
 *  4. sends each claim once and records the answer: SENT, PENDING again with exponential backoff
 *     (timeouts, connection errors, 408/429/5xx) and a delayed job, or FAILED.
 * Grouped rules (lib/alerting/groups.ts) put their rows in a group; the group's due rows are
 * claimed, sent and finished as one batch (lib/server/queries/alert-groups.ts). Rows held for
 * later (a group's wait, quiet hours) ring the job again when they are due.
 * A firing that was just sent may make a resolve due (the episode had ended): one more round.
 */
import { getEnv } from "@/lib/env";
import { logger } from "@/lib/logger";
import { getPrisma } from "@/lib/server/db";
import { checkRule } from "@/lib/alerting/rules";
import { planDecisions } from "@/lib/alerting/plan";
import { backoffMs, type SendOutcome } from "@/lib/alerting/outcome";
import { sendToChannel } from "@/lib/alerting/channels";
import { countDelivery } from "@/lib/metrics/record";
import type { MessageEvent } from "@/lib/alerting/messages/webhook";
import type { AlertContext } from "@/lib/alerting/alert";
import { assignGroups, claimGroupBatches, finishBatch, type ClaimedBatch } from "@/lib/server/queries/alert-groups";
import type { GroupMessage } from "@/lib/alerting/groups";
import { isResolved } from "@/lib/alerting/alert";
import { SEND_START_GRACE_MS } from "@/lib/alerting/rate-limit";
import { timed } from "@/lib/pipeline/timings";
import { claimLimitedDeliveries, releaseClaims } from "@/lib/server/queries/channel-limits";
import {
  claimDueDeliveries,
  clearOutbox,
  existingDeliveries,
  finishDelivery,
  insertDecisions,
  lastAlertOnSeries,
  loadClaimed,
  loadActiveRules,
  loadActiveSilences,
  loadAlertContext,
  lockRuleSeries,
  readAlertContext,
  type ClaimedDelivery,
  type SendResult,
} from "@/lib/server/queries/alert-deliveries";

export interface NotifyDeps {
  /** Rings the job again after `delayMs` (a retry's backoff). */
  retryLater: (anomalyId: string, delayMs: number, key: string) => Promise<unknown>;
}

export interface NotifyResult {
  decided: number;
  sent: number;
  retrying: number;
  failed: number;
  /** Held by a channel's send limit (a batch counts once). */
  limited: number;
  /** Detection may still change the anomaly (a page not yet re-counted, a re-detection pending): nothing decided, rung again later. */
  held: boolean;
}

/** A held anomaly is looked at again after this (the outbox sweep rings it too). */
export const HOLD_RETRY_MS = 2_000;

/** The web app's public URL, for links in messages. */
export function publicBaseUrl(): string {
  return getEnv().NEXTAUTH_URL ?? `http://localhost:${process.env.PORT ?? 3000}`;
}

/**
 * A read-only pass first: when it finds nothing to decide (the common case, an open episode
 * already announced and touched again by detection), no transaction or lock is taken. A cooldown
 * can only turn a due decision into a suppressed one, so "nothing due" needs no lock to be sure.
 */
interface Decided {
  ctx: AlertContext;
  /** The outbox row's sequence read with the context (null: none). */
  outboxSeq: number | null;
  decided: number;
  /** Decisions recorded already claimed: send them now. */
  claimed: ClaimedDelivery[];
  /** Something else may be due to send (rows to claim). */
  pending: boolean;
  /** Some of the anomaly's rows belong to a group (claimed in batches). */
  grouped: boolean;
  /** When to run again for rows held until then. */
  wakes: Date[];
}

async function decide(anomalyId: string): Promise<Decided | "held" | null> {
  const prisma = getPrisma();
  const [read, rules, { silences, now }, existing] = await Promise.all([
    readAlertContext(anomalyId, publicBaseUrl()), loadActiveRules(), loadActiveSilences(), existingDeliveries(prisma, anomalyId),
  ]);
  if (!read) return null;
  if (read.held) return "held";
  const { ctx, outboxSeq } = read;
  const pending = existing.some((d) => d.status === "PENDING");
  const grouped = existing.some((d) => d.groupId);
  const nothing = { ctx, outboxSeq, decided: 0, claimed: [], pending, grouped, wakes: [] };
  if (planDecisions({ ctx, rules, existing, silences, lastAlertOnSeries: new Map(), now }).length === 0) return nothing;
  return prisma.$transaction(async (tx) => {
    const candidates = rules.filter((r) => checkRule(r, ctx, now).match).map((r) => r.id);
    await lockRuleSeries(tx, candidates, ctx.series.id);
    const [current, last] = await Promise.all([existingDeliveries(tx, anomalyId), lastAlertOnSeries(tx, candidates, ctx.series.id, anomalyId)]);
    const decisions = planDecisions({ ctx, rules, existing: current, silences, lastAlertOnSeries: last, now });
    const { n, claimed } = await insertDecisions(tx, anomalyId, ctx.series.id, decisions, getEnv().VIGIL_ALERT_LEASE_MS);
    const held = decisions.filter((d) => d.notBefore && !d.grouped).map((d) => d.notBefore!);
    const wakes = [...held, ...(await assignGroups(tx, anomalyId, decisions, rules, ctx, now))];
    const claimedKeys = new Set(claimed.map((c) => c.key));
    const more = pending || decisions.some((d) => d.status === "PENDING" && !claimedKeys.has(d.key));
    return { ctx, outboxSeq, decided: n, claimed, pending: more, grouped: grouped || decisions.some((d) => d.grouped), wakes };
  });
}

function toResult(o: SendOutcome, attempts: number): SendResult {
  const env = getEnv();
  const base = { responseCode: o.status, response: o.response, latencyMs: o.latencyMs, error: o.error };
  if (o.ok) return { ...base, status: "SENT", retryInMs: null, reason: null };
  if (o.retryable && attempts < env.VIGIL_ALERT_MAX_ATTEMPTS) {
    return { ...base, status: "PENDING", retryInMs: backoffMs(attempts, env.VIGIL_ALERT_BACKOFF_MS), reason: `attempt ${attempts} failed; retrying` };
  }
  return { ...base, status: "FAILED", retryInMs: null, reason: o.retryable ? `gave up after ${attempts} attempts` : "the receiver refused it; not retried" };
}

function send(d: ClaimedDelivery, ctx: AlertContext, idempotencyKey: string, group?: GroupMessage): Promise<SendOutcome> {
  const { channel } = d;
  if (!channel || !channel.enabled) return Promise.resolve({ ok: false, retryable: false, status: null, response: null, error: "channel disabled or deleted", latencyMs: 0 });
  const rule = d.ruleId && d.ruleName ? { id: d.ruleId, name: d.ruleName } : null;
  const event: MessageEvent = d.kind === "RESOLVED" ? "anomaly.resolved" : d.kind === "ESCALATED" ? "anomaly.escalated" : "anomaly.firing";
  return sendToChannel(channel, ctx, { event, idempotencyKey, rule, sentAt: new Date(), group });
}

/**
 * On a rate-limited channel a send must start within the grace of its slot (a worker stalled
 * after claiming, e.g. under load, would otherwise send in a later slot's time and exceed the
 * limit): else it is put back unsent and rung again at once. The claim is still ours then, since
 * the lease is far longer than the grace.
 */
async function startedLate(d: ClaimedDelivery, ids: string[], attempts: number, slotAt: number, anomalyId: string, deps: NotifyDeps): Promise<boolean> {
  if (!d.channel?.limited || performance.now() - slotAt <= SEND_START_GRACE_MS) return false;
  await releaseClaims(ids, attempts);
  logger.warn({ delivery: d.id, rows: ids.length }, "a rate-limited send could not start within its slot; put back unsent");
  await deps.retryLater(anomalyId, 0, `${d.key}:late:${attempts}:${Date.now()}`);
  return true;
}

/** One message for a group's batch; every row of it ends the same way. */
async function sendBatch(b: ClaimedBatch, deps: NotifyDeps): Promise<SendResult["status"][]> {
  const loaded = await Promise.all(b.rows.map((r) => loadAlertContext(r.anomalyId, publicBaseUrl())));
  const members = loaded.filter((c): c is AlertContext => c !== null);
  if (await startedLate(b.head, b.rows.map((r) => r.id), b.attempts, b.slotAt, b.rows[0].anomalyId, deps)) return [];
  const group: GroupMessage = { id: b.groupId, key: b.key, labels: b.labels, total: b.total, members };
  const outcome = members.length ? await send(b.head, members[0], b.key, group) : { ok: false, retryable: false, status: null, response: null, error: "the anomalies are gone", latencyMs: 0 };
  const result = toResult(outcome, b.attempts);
  if (result.status === "SENT") result.reason = `one message for ${members.length} series of the group (${b.key})`;
  const ids = b.rows.map((r) => r.id);
  if (!(await finishBatch(ids, b.attempts, result))) {
    logger.warn({ batch: b.key }, "a batch's claim expired before its send ended; the outcome was not recorded");
    return ids.map(() => "FAILED");
  }
  countDelivery(b.head.channel?.kind ?? "deleted", result.status);
  if (result.status === "PENDING") await deps.retryLater(b.rows[0].anomalyId, result.retryInMs!, `${b.key}:${b.attempts}`);
  // Members whose episode ended before the batch went out decide their resolve now.
  if (result.status === "SENT" && b.kind === "FIRING") {
    await Promise.all(members.filter((m) => isResolved(m.anomaly)).map((m) => deps.retryLater(m.anomaly.id, 0, `${b.key}:ended:${m.anomaly.id}`)));
  }
  return ids.map(() => result.status);
}

async function sendClaimed(d: ClaimedDelivery & { slotAt?: number }, ctx: AlertContext, deps: NotifyDeps): Promise<SendResult["status"] | null> {
  const { channel } = d;
  if (d.slotAt !== undefined && (await startedLate(d, [d.id], d.attempts, d.slotAt, ctx.anomaly.id, deps))) return null;
  const outcome = await send(d, ctx, d.key);
  const result = toResult(outcome, d.attempts);
  if (!(await finishDelivery(d, result))) {
    logger.warn({ delivery: d.id }, "a delivery's claim expired before its send ended; the outcome was not recorded");
    return "FAILED";
  }
  countDelivery(channel?.kind ?? "deleted", result.status);
  if (result.status === "PENDING") await deps.retryLater(ctx.anomaly.id, result.retryInMs!, `${d.key}:${d.attempts}`);
  return result.status;
}

/** Sends what the decision claimed, and claims and sends what else is due (single rows, group batches, rate-limited rows). */
async function sendDue(anomalyId: string, decided: Decided, deps: NotifyDeps, total: NotifyResult) {
  const lease = getEnv().VIGIL_ALERT_LEASE_MS;
  const none = { claimed: [] as ClaimedDelivery[], limitedDue: false };
  const [single, grouping] = await timed("notify.claim", () =>
    Promise.all([
      decided.pending ? claimDueDeliveries(anomalyId, lease) : none,
      decided.pending && decided.grouped ? claimGroupBatches(anomalyId, lease, loadClaimed) : { batches: [], wakes: [] },
    ]));
  // Rate-limited rows are claimed last, right before their send: their slot is the claim.
  const limited = single.limitedDue ? await claimLimitedDeliveries(anomalyId, lease) : { claimed: [], wakes: [] };
  const claimed = [...decided.claimed, ...single.claimed, ...limited.claimed];
  const wakes = [...grouping.wakes, ...limited.wakes];
  total.limited += wakes.length;
  const nowMs = Date.now();
  // Rung beside the sends (a claimed slot's send must not wait for Redis), a little after the wake:
  // a job run a few ms early would find the window still full and queue again at its end.
  const rung = Promise.all(wakes.map((at) => deps.retryLater(anomalyId, Math.max(0, at.getTime() - nowMs) + 50, `${anomalyId}:limit:${at.getTime()}`)));
  rung.catch(() => undefined); // awaited below; not an unhandled rejection while the sends run
  const [batchEnds, ends] = await timed("notify.sendAndRecord", () => Promise.all([
    Promise.all(grouping.batches.map((b) => sendBatch(b, deps))).then((e) => e.flat()),
    Promise.all(claimed.map((d) => sendClaimed(d, decided.ctx, deps))),
  ]));
  await rung;
  for (const s of [...batchEnds, ...ends]) {
    if (s === "SENT") total.sent++;
    else if (s === "PENDING") total.retrying++;
    else if (s === "FAILED") total.failed++;
  }
  return claimed.some((d, i) => d.kind === "FIRING" && ends[i] === "SENT");
}

export async function notifyAnomaly(anomalyId: string, deps: NotifyDeps): Promise<NotifyResult> {
  const total: NotifyResult = { decided: 0, sent: 0, retrying: 0, failed: 0, limited: 0, held: false };
  for (let round = 0; round < 2; round++) {
    const decided = await timed("notify.decide", () => decide(anomalyId));
    if (!decided) return total;
    if (decided === "held") {
      // Not dropped: the outbox row stays, and the job runs again once detection may have settled it.
      await deps.retryLater(anomalyId, HOLD_RETRY_MS, `${anomalyId}:held:${Date.now()}`);
      return { ...total, held: true };
    }
    // Off the send's path: it only decides whether the sweep must ring again.
    const cleared = decided.outboxSeq === null ? Promise.resolve(0) : clearOutbox(anomalyId, decided.outboxSeq);
    cleared.catch(() => undefined); // awaited below; a failure then fails the job (the sweep rings again)
    total.decided += decided.decided;
    const nowMs = Date.now();
    await Promise.all(decided.wakes.map((at) => deps.retryLater(anomalyId, Math.max(0, at.getTime() - nowMs) + 100, `${anomalyId}:wake:${at.getTime()}`)));
    if (!decided.pending && decided.claimed.length === 0) {
      await cleared;
      break;
    }
    const firingSent = await sendDue(anomalyId, decided, deps, total);
    await cleared;
    // A resolve can follow a firing just sent only if the episode had ended when this round read it;
    // an end recorded during the send touched the outbox and rang the job again.
    if (!isResolved(decided.ctx.anomaly) || !firingSent) break;
  }
  return total;
}
