"use client";
/** On the anomaly page: who was notified, when, and why not; a one-click silence of its series. */
import { useState } from "react";
import Link from "next/link";
import { useCan } from "@/components/use-can";
import { formatDateTime } from "@/components/format";
import { formatMatcher } from "@/lib/alerting/matchers";
import { DeliveryTable } from "@/components/alerts/delivery-table";
import { useAnomalyAlerting, useCreateSilence } from "@/components/alerts/use-alerts";

const SILENCE_MINUTES = 120;

export function AnomalyAlerting({ anomalyId }: { anomalyId: string }) {
  const canSilence = useCan("silences:write");
  const q = useAnomalyAlerting(anomalyId);
  const silence = useCreateSilence(anomalyId);
  const [reason, setReason] = useState("");
  if (q.error) return <p className="error" role="alert">{q.error.message}</p>;
  if (!q.data) return <p className="muted">Loading…</p>;
  const { items, notApplied, silenceMatchers } = q.data;
  return (
    <>
      <DeliveryTable rows={items} label="Notifications" />
      {notApplied.length > 0 && (
        <ul aria-label="Rules that did not notify">
          {notApplied.map((n) => <li key={n.rule.id}><strong>{n.rule.name}</strong>: {n.reason}</li>)}
        </ul>
      )}
      {canSilence && (
        <div className="inline-form">
          <span className="muted">Silence this series: <code>{silenceMatchers.map(formatMatcher).join(", ")}</code></span>
          <input value={reason} onChange={(e) => setReason(e.target.value)} placeholder="reason (optional)" aria-label="Silence reason" maxLength={500} />
          <button type="button" disabled={silence.isPending} onClick={() => silence.mutate({ matchers: silenceMatchers, durationMinutes: SILENCE_MINUTES, reason: reason || undefined })}>
            Silence for 2 h
          </button>
          {silence.data && (
            <span role="status">Silenced until {formatDateTime(silence.data.endsAt)} · <Link href="/alerts">manage silences</Link></span>
          )}
          {silence.error && <p className="error" role="alert">{silence.error.message}</p>}
        </div>
      )}
    </>
  );
}
