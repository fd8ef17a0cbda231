"use client";
/** A delivery log: status, attempts, response code, latency, and why (error, suppression, silence). */
import Link from "next/link";
import { formatDateTime } from "@/components/format";
import type { DeliveryRow } from "@/components/alerts/use-alerts";

const STATUS_CLASS: Record<DeliveryRow["status"], string> = {
  SENT: "status-active", FAILED: "status-error", PENDING: "status-paused", SENDING: "status-paused", SUPPRESSED: "status-paused",
};

export function deliveryWhy(d: DeliveryRow): string {
  if (d.status === "SUPPRESSED" && d.silence) return `silenced${d.silence.reason ? ` (${d.silence.reason})` : ""} until ${formatDateTime(d.silence.endsAt)}`;
  return [d.reason, d.lastError].filter(Boolean).join(": ") || "";
}

/** "rate-limited" while it waits for its channel's send limit; "waited" once it went out after waiting. */
export function rateLimitedLabel(d: Pick<DeliveryRow, "status" | "rateLimitedUntil">): string {
  return d.status === "PENDING" || d.status === "SENDING" ? "rate-limited" : "waited for limit";
}

export function DeliveryTable({ rows, showAnomaly, label }: { rows: DeliveryRow[]; showAnomaly?: boolean; label: string }) {
  if (rows.length === 0) return <div className="empty">No deliveries yet.</div>;
  return (
    <div className="table-scroll">
      <table className="table" aria-label={label}>
        <thead>
          <tr>
            <th>When</th>{showAnomaly && <th>Anomaly</th>}<th>Channel</th><th>Rule</th><th>Kind</th><th>Status</th><th>Attempts</th><th>Code</th><th>Latency</th><th>Why</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((d) => (
            <tr key={d.id}>
              <td>{formatDateTime(d.sentAt ?? d.updatedAt)}</td>
              {showAnomaly && <td><Link href={`/anomalies/${d.anomalyId}`}>open</Link></td>}
              <td>{d.channel.name} <code>{d.channel.kind.toLowerCase()}</code></td>
              <td>{d.rule?.name ?? "(deleted rule)"}</td>
              <td>{d.kind.toLowerCase()}{d.batchKey && <span className="badge" title={d.batchKey}>grouped</span>}</td>
              <td>
                <span className={`badge ${STATUS_CLASS[d.status]}`}>{d.status.toLowerCase()}</span>
                {d.rateLimitedUntil && <span className="badge" title={`held by the channel's send limit until ${formatDateTime(d.rateLimitedUntil)}`}>{rateLimitedLabel(d)}</span>}
              </td>
              <td>{d.attempts}</td>
              <td>{d.responseCode ?? "—"}</td>
              <td>{d.latencyMs === null ? "—" : `${d.latencyMs} ms`}</td>
              <td className="muted">{deliveryWhy(d)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
