/**
 * Alertmanager's `POST /api/v2/alerts` body: one alert whose labels are the series' labels plus
 * alertname, metric, source, detector and severity (so Alertmanager routes, groups and
 * deduplicates on them). Firing carries an `endsAt` far ahead (Alertmanager would otherwise
 * resolve it after its resolve_timeout, since Vigil does not re-post), resolved carries the end.
 */
import { alertLabels, isResolved, seriesName, whyFlagged, type AlertContext } from "@/lib/alerting/alert";
import type { MessageMeta } from "@/lib/alerting/messages/webhook";

/** How long a firing alert stays firing in Alertmanager without a resolve from Vigil. */
export const FIRING_HORIZON_MS = 24 * 3600_000;

/** A test alert resolves itself after this. */
export const TEST_HORIZON_MS = 5 * 60_000;

export interface AlertmanagerAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
}

/**
 * A grouped batch posts one alert per member in one request: Alertmanager groups notifications
 * itself (its route's `group_by` over these labels), so Vigil's grouping only batches the posts.
 */
export function buildAlertmanagerAlerts(ctx: AlertContext, meta: MessageMeta): AlertmanagerAlert[] {
  if (meta.group) return meta.group.members.flatMap((m) => buildAlertmanagerAlerts(m, { ...meta, group: undefined }));
  const a = ctx.anomaly;
  const resolved = meta.event === "anomaly.resolved" || isResolved(a);
  const labels = alertLabels(ctx);
  if (meta.event === "test") labels.alertname = "VigilTest";
  return [
    {
      labels,
      annotations: {
        summary: `${a.severity.toLowerCase()} anomaly on ${seriesName(ctx.series)}`,
        description: whyFlagged(ctx),
        vigil_anomaly_id: a.id,
        vigil_idempotency_key: meta.idempotencyKey,
      },
      startsAt: a.startTs.toISOString(),
      endsAt: new Date(resolved ? resolvedAt(a, meta.sentAt) : meta.sentAt.getTime() + (meta.event === "test" ? TEST_HORIZON_MS : FIRING_HORIZON_MS)).toISOString(),
      generatorURL: ctx.url,
    },
  ];
}

/** The end, no later than now (an end ahead of now would keep it firing) and after the start. */
function resolvedAt(a: AlertContext["anomaly"], sentAt: Date): number {
  return Math.max(Math.min(a.endTs.getTime(), sentAt.getTime()), a.startTs.getTime() + 1);
}
