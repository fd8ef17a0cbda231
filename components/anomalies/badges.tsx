import type { AnomalyItem } from "@/lib/anomalies/schemas";

export function StatusBadge({ status }: { status: AnomalyItem["status"] }) {
  return <span className={`badge triage-${status.toLowerCase()}`}>{status.toLowerCase()}</span>;
}

/** Whether the incident is still going on, or re-detection no longer finds it. */
/** Kept, but a suppression rule keeps it from alerting (lib/feedback/suppression.ts). */
export function SuppressedBadge({ a }: { a: Pick<AnomalyItem, "suppressedById"> }) {
  if (!a.suppressedById) return null;
  return <span className="badge detection-gone" title={`Suppression rule ${a.suppressedById} keeps it from alerting`}>suppressed</span>;
}

export function DetectionBadge({ a }: { a: Pick<AnomalyItem, "ongoing" | "detection"> }) {
  if (a.detection === "GONE") return <span className="badge detection-gone" title="Re-detection no longer finds this anomaly">no longer detected</span>;
  if (a.detection === "MERGED") return <span className="badge detection-gone" title="Re-detection merged it into another anomaly">merged</span>;
  if (a.ongoing) return <span className="badge detection-ongoing" title="Still anomalous at the detector's latest point">ongoing</span>;
  return null;
}
