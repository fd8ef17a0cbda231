/**
 * The webhook body, schema version 1 (documented in lib/alerting/README.md; a breaking change
 * gets version 2 and both are sent side by side for a release). Pure.
 */
import { direction, isResolved, seriesName, whyFlagged, type AlertContext } from "@/lib/alerting/alert";
import { groupTitle, type GroupMessage } from "@/lib/alerting/groups";

export const WEBHOOK_SCHEMA_VERSION = "1";

export type MessageEvent = "anomaly.firing" | "anomaly.resolved" | "anomaly.escalated" | "test";

export interface MessageMeta {
  event: MessageEvent;
  /** Unique per (rule, anomaly, kind): receivers drop a second message with the same key. */
  idempotencyKey: string;
  rule: { id: string; name: string } | null;
  sentAt: Date;
  /** A grouped rule's batch: `ctx` is its first member. */
  group?: GroupMessage;
}

function anomalyPart(ctx: AlertContext) {
  const a = ctx.anomaly;
  return {
    id: a.id,
    url: ctx.url,
    title: `${a.severity} anomaly on ${seriesName(ctx.series)}`,
    severity: a.severity.toLowerCase(),
    triage: a.status.toLowerCase(),
    resolved: isResolved(a),
    startsAt: a.startTs.toISOString(),
    endsAt: isResolved(a) ? a.endTs.toISOString() : null,
    lastSeenAt: a.endTs.toISOString(),
    peakAt: a.peakTs.toISOString(),
    peakScore: a.peakScore,
    actual: a.actual,
    expected: a.expected,
    lower: a.lower,
    upper: a.upper,
    direction: direction(a),
    pointCount: a.pointCount,
    why: whyFlagged(ctx),
  };
}

export function buildWebhookBody(ctx: AlertContext, meta: MessageMeta) {
  const g = meta.group;
  return {
    version: WEBHOOK_SCHEMA_VERSION,
    event: meta.event,
    idempotencyKey: meta.idempotencyKey,
    sentAt: meta.sentAt.toISOString(),
    rule: meta.rule,
    anomaly: anomalyPart(ctx),
    series: { id: ctx.series.id, metric: ctx.series.metric, labels: ctx.series.labels },
    source: { id: ctx.source.id, name: ctx.source.name },
    detector: { id: ctx.detector.id, name: ctx.detector.name, algorithm: ctx.detector.algorithm, threshold: ctx.detector.threshold },
    ...(g
      ? {
          group: {
            id: g.id, key: g.key, labels: g.labels, title: groupTitle(g, meta.event === "anomaly.resolved"), count: g.members.length, total: g.total,
            members: g.members.map((m) => ({ anomaly: anomalyPart(m), series: { id: m.series.id, metric: m.series.metric, labels: m.series.labels }, detector: { id: m.detector.id, name: m.detector.name } })),
          },
        }
      : {}),
  };
}
export type WebhookBody = ReturnType<typeof buildWebhookBody>;
