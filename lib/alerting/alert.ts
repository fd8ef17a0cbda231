/**
 * What a notification is about: an anomaly (incident) with its series, source and detector, as
 * the notify job reads it from PostgreSQL. Pure and isomorphic: the message builders, the rule
 * check and the silence matchers all read this one shape.
 */
import { explainAnomaly } from "@/lib/anomalies/explain";

export const SEVERITIES = ["LOW", "MEDIUM", "HIGH", "CRITICAL"] as const;
export type SeverityName = (typeof SEVERITIES)[number];

export interface AlertContext {
  anomaly: {
    id: string;
    startTs: Date;
    endTs: Date;
    peakTs: Date;
    peakScore: number;
    severity: SeverityName;
    actual: number | null;
    expected: number | null;
    lower: number | null;
    upper: number | null;
    pointCount: number;
    ongoing: boolean;
    detection: "ACTIVE" | "MERGED" | "GONE";
    status: "OPEN" | "ACKNOWLEDGED" | "RESOLVED" | "SILENCED";
    /** The suppression rule that keeps it from alerting (lib/feedback/suppression.ts), if any. */
    suppressedById?: string | null;
  };
  series: { id: string; metric: string; labels: Record<string, string> };
  source: { id: string; name: string };
  detector: { id: string; name: string; algorithm: string; threshold: number };
  /** The anomaly's page in the web app. */
  url: string;
}

/**
 * The label set rules and silences match against, and Alertmanager receives: the series' own
 * labels, then `alertname`, `metric`, `source`, `detector` and `severity` (these win on a clash).
 */
export function alertLabels(ctx: AlertContext): Record<string, string> {
  return {
    ...ctx.series.labels,
    alertname: "VigilAnomaly",
    metric: ctx.series.metric,
    source: ctx.source.name,
    detector: ctx.detector.name,
    severity: ctx.anomaly.severity.toLowerCase(),
  };
}

export function whyFlagged(ctx: AlertContext): string {
  return explainAnomaly({ ...ctx.anomaly, threshold: ctx.detector.threshold });
}

/** `cpu.usage{host="web-1"}` */
export function seriesName(series: AlertContext["series"]): string {
  const labels = Object.entries(series.labels).map(([k, v]) => `${k}="${v}"`);
  return labels.length ? `${series.metric}{${labels.join(", ")}}` : series.metric;
}

/** Whether the episode is over: the detector no longer has it open, or it was merged or is gone. */
export function isResolved(a: AlertContext["anomaly"]): boolean {
  return !a.ongoing || a.detection !== "ACTIVE";
}

export function direction(a: AlertContext["anomaly"]): "above" | "below" | null {
  if (a.actual === null || a.expected === null || a.actual === a.expected) return null;
  return a.actual > a.expected ? "above" : "below";
}

export function anomalyUrl(baseUrl: string, anomalyId: string): string {
  return `${baseUrl.replace(/\/+$/, "")}/anomalies/${encodeURIComponent(anomalyId)}`;
}
