"use client";
/** One anomaly: what was seen and why it was flagged, its triage in one call each, history and context. */
import Link from "next/link";
import { useState } from "react";
import type { AnomalyDetail } from "@/lib/anomalies/schemas";
import { explainAnomaly } from "@/lib/anomalies/explain";
import { formatDateTime, formatLabels } from "@/components/format";
import { useCan } from "@/components/use-can";
import { AnomalyChart } from "@/components/anomalies/anomaly-chart";
import { AnomalyMembers } from "@/components/anomalies/anomaly-members";
import { AnomalyComments, AnomalyHistory } from "@/components/anomalies/anomaly-history";
import { DetectionBadge, StatusBadge, SuppressedBadge } from "@/components/anomalies/badges";
import { RelatedAnomalies } from "@/components/anomalies/related-anomalies";
import { LabelPanel } from "@/components/feedback/label-panel";
import { MissedSpans, toInput, type Span } from "@/components/feedback/missed-spans";
import { AnomalyAlerting } from "@/components/alerts/anomaly-alerting";
import { useAnomaly, useAnomalyWindow, useAssignees, useChangeAnomaly } from "@/components/anomalies/use-anomalies";

function TriageActions({ anomaly, userId }: { anomaly: AnomalyDetail; userId: string }) {
  const change = useChangeAnomaly(anomaly.id);
  const assignees = useAssignees();
  const canTriage = useCan("anomalies:triage");
  const canAssign = useCan("anomalies:assign");
  const s = anomaly.status;
  return (
    <div className="triage-actions" role="group" aria-label="Triage">
      {canTriage && s === "OPEN" && <button type="button" onClick={() => change.mutate({ status: "ACKNOWLEDGED" })}>Acknowledge</button>}
      {canTriage && s !== "RESOLVED" && <button type="button" onClick={() => change.mutate({ status: "RESOLVED" })}>Resolve</button>}
      {canTriage && s !== "OPEN" && <button type="button" className="secondary" onClick={() => change.mutate({ status: "OPEN" })}>Reopen</button>}
      {canAssign && anomaly.assignee?.id !== userId && <button type="button" className="secondary" onClick={() => change.mutate({ assigneeId: userId })}>Assign to me</button>}
      {canAssign && (
        <label>
          Assignee
          <select value={anomaly.assignee?.id ?? ""} onChange={(e) => change.mutate({ assigneeId: e.target.value || null })}>
            <option value="">nobody</option>
            {(assignees.data ?? []).map((u) => <option key={u.id} value={u.id}>{u.email}</option>)}
          </select>
        </label>
      )}
      {change.error && <p className="error" role="alert">{change.error.message}</p>}
    </div>
  );
}

function Notices({ anomaly }: { anomaly: AnomalyDetail }) {
  if (anomaly.detection === "GONE") return <p className="notice-gone">No longer detected: re-detection over this range no longer finds it. Its triage, comments and history are kept.</p>;
  if (anomaly.detection === "MERGED") {
    return <p className="notice-gone">Merged: re-detection joined it with a neighbour{anomaly.mergedIntoId && <> into <Link href={`/anomalies/${anomaly.mergedIntoId}`}>this anomaly</Link></>}. Its triage is kept here.</p>;
  }
  if (anomaly.ongoing) return <p className="notice-ongoing">Ongoing: still anomalous at the detector&apos;s latest point, so its end and peak may still move.</p>;
  return null;
}

/** The explorer's range for an anomaly: a day either side of it. */
function seriesRangeAround(startTs: string, endTs: string) {
  return { from: new Date(Date.parse(startTs) - 86_400_000).toISOString(), to: new Date(Date.parse(endTs) + 86_400_000).toISOString() };
}

export function AnomalyView({ id, userId }: { id: string; userId: string }) {
  const q = useAnomaly(id);
  const window = useAnomalyWindow(id);
  const canLabel = useCan("anomalies:label");
  const [span, setSpan] = useState<Span | null>(null);
  if (q.error) return <p className="error" role="alert">{q.error.message}</p>;
  if (!q.data) return <p className="muted">Loading…</p>;
  const a = q.data;
  const why = explainAnomaly({ ...a, threshold: a.detector.threshold, driver: window.data?.driver ?? null });
  return (
    <>
      <div className="page-head">
        <h1>{a.series.metric}<span className="muted">{formatLabels(a.series.labels)}</span></h1>
        <div className="actions-inline">
          <Link className="button secondary" href={`/series/${a.series.id}?${new URLSearchParams(seriesRangeAround(a.startTs, a.endTs))}`}>Explore the series</Link>
          <Link className="button secondary" href="/anomalies">Back to the queue</Link>
        </div>
      </div>
      <section className="panel" aria-label="Why it was flagged">
        <p><span className={`badge sev-${a.severity.toLowerCase()}`}>{a.severity.toLowerCase()}</span> <StatusBadge status={a.status} /> <DetectionBadge a={a} /> <SuppressedBadge a={a} /></p>
        <p className="why">{why}</p>
        <Notices anomaly={a} />
        <dl className="kv">
          <dt>Span</dt><dd>{formatDateTime(a.startTs)} to {formatDateTime(a.endTs)} (peak {formatDateTime(a.peakTs)})</dd>
          <dt>Detector</dt><dd><Link href={`/detectors/${a.detector.id}`}>{a.detector.name}</Link> <code>{a.detector.algorithm}</code></dd>
          <dt>Source</dt><dd><Link href={`/sources/${a.source.id}`}>{a.source.name}</Link></dd>
          <dt>Assignee</dt><dd>{a.assignee?.email ?? "nobody"}</dd>
        </dl>
        <TriageActions anomaly={a} userId={userId} />
      </section>
      <LabelPanel anomalyId={id} />
      <AnomalyMembers anomaly={a} />
      <section className="panel" aria-labelledby="chart-title">
        <h2 id="chart-title">Around the event</h2>
        <AnomalyChart anomaly={a} onSelectRange={canLabel ? (from, to) => setSpan({ start: toInput(from), end: toInput(to) }) : undefined} />
        {a.group ? (
          <p className="muted">{a.series.metric}, the member with the largest share of the peak&apos;s score, as stored; the group&apos;s model expects all members together, so there is no band per member (each member&apos;s chart is under &ldquo;Which member&rdquo;).</p>
        ) : (
          <p className="muted">The band is the detector&apos;s configuration re-run over these stored points (warmed up on the points before them); the sentence above quotes the values stored when the anomaly was detected.</p>
        )}
        {canLabel && <MissedSpans detectorId={a.detector.id} seriesId={a.series.id} span={span} setSpan={setSpan} canLabel={canLabel} />}
      </section>
      <div className="grid-2">
        <section className="panel" aria-labelledby="history-title"><h2 id="history-title">History</h2><AnomalyHistory id={id} /></section>
        <section className="panel" aria-labelledby="comments-title"><h2 id="comments-title">Comments</h2><AnomalyComments id={id} /></section>
      </div>
      <section className="panel" aria-labelledby="notifications-title"><h2 id="notifications-title">Notifications</h2><AnomalyAlerting anomalyId={id} /></section>
      <RelatedAnomalies anomaly={a} />
    </>
  );
}
