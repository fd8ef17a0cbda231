/**
 * What the notify job should record for one anomaly: one decision per (rule, anomaly, kind), never
 * two (the key is unique in PostgreSQL, so a decision once made is final). Pure: the job reads the
 * anomaly, rules, silences, existing deliveries and each rule's last alert for the series, and
 * writes what this returns.
 */
import { isResolved, type AlertContext } from "@/lib/alerting/alert";
import { checkRule, mutedBy, type RuleSpec } from "@/lib/alerting/rules";
import { findSilence, type SilenceSpec } from "@/lib/alerting/silences";
import { muteEndsAt } from "@/lib/alerting/mute";

export type DeliveryKindName = "FIRING" | "RESOLVED" | "ESCALATED";
export type DeliveryStatusName = "PENDING" | "SENDING" | "SENT" | "FAILED" | "SUPPRESSED";

export interface ExistingDelivery {
  ruleId: string | null;
  kind: DeliveryKindName;
  status: DeliveryStatusName;
  sentAt?: Date | null;
  silenceId?: string | null;
  groupId?: string | null;
  /** Why it was decided as it was (a SUPPRESSED firing names its silence or suppression rule). */
  reason?: string | null;
}

export interface Decision {
  key: string;
  ruleId: string;
  channelId: string;
  kind: DeliveryKindName;
  status: "PENDING" | "SUPPRESSED";
  reason: string | null;
  silenceId: string | null;
  /** The rule groups (lib/alerting/groups.ts): the row joins its group's next batch. */
  grouped: boolean;
  /** Not a new row: a firing a silence or a suppression rule held, released now that it no longer holds. */
  release: boolean;
  /** Held until then (a resolve during quiet hours); null: due now. */
  notBefore: Date | null;
}

export interface PlanInput {
  ctx: AlertContext;
  rules: readonly RuleSpec[];
  existing: readonly ExistingDelivery[];
  silences: readonly SilenceSpec[];
  /** Per rule: when it last alerted (a firing decision not suppressed) on this series for another anomaly. */
  lastAlertOnSeries: ReadonlyMap<string, Date>;
  now: Date;
}

/** The idempotency key: stored unique, and sent to receivers. */
export function deliveryKey(ruleId: string, anomalyId: string, kind: DeliveryKindName): string {
  return `${ruleId}:${anomalyId}:${kind}`;
}

/** The reason a suppressed incident's decisions carry: this, then the rule's id. */
export const SUPPRESSION_REASON = "suppression rule ";

export function planDecisions({ ctx, rules, existing, silences, lastAlertOnSeries, now }: PlanInput): Decision[] {
  const out: Decision[] = [];
  const resolved = isResolved(ctx.anomaly);
  const silence = findSilence(silences, ctx, now);
  // A suppression rule learned from labels holds like a silence: decided, recorded SUPPRESSED, never sent.
  const suppressed = ctx.anomaly.suppressedById ? `${SUPPRESSION_REASON}${ctx.anomaly.suppressedById}` : null;
  const has = (ruleId: string, kind: DeliveryKindName) => existing.find((d) => d.ruleId === ruleId && d.kind === kind);
  const decide = (rule: RuleSpec, kind: DeliveryKindName, status: Decision["status"], reason: string | null, extra: Partial<Pick<Decision, "silenceId" | "release" | "notBefore">> = {}) =>
    out.push({
      key: deliveryKey(rule.id, ctx.anomaly.id, kind), ruleId: rule.id, channelId: kind === "ESCALATED" ? rule.escalationChannelId! : rule.channelId, kind, status, reason,
      silenceId: extra.silenceId ?? null, grouped: status === "PENDING" && kind !== "ESCALATED" && rule.groupWaitSeconds !== null,
      release: extra.release ?? false, notBefore: extra.notBefore ?? null,
    });

  for (const rule of rules) {
    const firing = has(rule.id, "FIRING");
    if (!firing) {
      if (!checkRule(rule, ctx, now).match) continue;
      const last = lastAlertOnSeries.get(rule.id);
      if (silence) decide(rule, "FIRING", "SUPPRESSED", "silenced", { silenceId: silence.id });
      else if (suppressed) decide(rule, "FIRING", "SUPPRESSED", suppressed);
      // No cooldown means none: a concurrent decision on the series may be stamped after `now`.
      else if (last && rule.cooldownMinutes > 0 && now.getTime() - last.getTime() < rule.cooldownMinutes * 60_000) {
        decide(rule, "FIRING", "SUPPRESSED", `cooldown: this rule alerted on the series at ${last.toISOString()} (${rule.cooldownMinutes} min)`);
      } else {
        decide(rule, "FIRING", "PENDING", null);
        // Ended before it was first announced: the firing message carries the end, nothing follows it.
        if (resolved && rule.notifyResolved) decide(rule, "RESOLVED", "SUPPRESSED", "ended before it was first announced; the firing message says so");
      }
      continue;
    }
    // A silence that ended while the episode is still open: the firing it held goes out now.
    if (firing.status === "SUPPRESSED" && firing.silenceId && !silence && !resolved && checkRule(rule, ctx, now).match) {
      decide(rule, "FIRING", "PENDING", "held by a silence that ended while the episode was open; sent after it", { silenceId: firing.silenceId, release: true });
      continue;
    }
    // A suppression rule that no longer holds the open incident (disabled, edited, removed): its held firing goes out now.
    if (firing.status === "SUPPRESSED" && firing.reason?.startsWith(SUPPRESSION_REASON) && !suppressed && !silence && !resolved && checkRule(rule, ctx, now).match) {
      decide(rule, "FIRING", "PENDING", `held by ${firing.reason}, which no longer holds it while the episode is open; sent after it`, { release: true });
      continue;
    }
    if (resolved && rule.notifyResolved && firing.status === "SENT" && !has(rule.id, "RESOLVED")) {
      const muted = mutedBy(rule, now);
      const until = muteEndsAt(rule.muteTimings, rule.muteTimeZone, now);
      if (silence) decide(rule, "RESOLVED", "SUPPRESSED", "silenced", { silenceId: silence.id });
      else if (suppressed) decide(rule, "RESOLVED", "SUPPRESSED", suppressed);
      else if (muted && until) decide(rule, "RESOLVED", "PENDING", `held: ${muted}; sent when they end at ${until.toISOString()}`, { notBefore: until });
      else decide(rule, "RESOLVED", "PENDING", null);
    }
    if (escalationDue(rule, ctx, firing, now) && !has(rule.id, "ESCALATED")) {
      if (silence) decide(rule, "ESCALATED", "SUPPRESSED", "silenced", { silenceId: silence.id });
      else if (suppressed) decide(rule, "ESCALATED", "SUPPRESSED", suppressed);
      else if (!mutedBy(rule, now)) decide(rule, "ESCALATED", "PENDING", null);
    }
  }
  return out;
}

/** A sent firing of a rule with escalation, still open and unacknowledged `escalateAfterMinutes` after it was sent. */
export function escalationDue(rule: RuleSpec, ctx: AlertContext, firing: ExistingDelivery, now: Date): boolean {
  if (rule.escalateAfterMinutes === null || !rule.escalationChannelId) return false;
  if (firing.status !== "SENT" || !firing.sentAt || isResolved(ctx.anomaly) || ctx.anomaly.status !== "OPEN") return false;
  return now.getTime() - firing.sentAt.getTime() >= rule.escalateAfterMinutes * 60_000;
}
