"use client";
/**
 * A grouped detector's incident: each member's share of the peak's score and its direction (bars),
 * and each member's chart around the incident with the flagged span.
 */
import { useMemo } from "react";
import { TimeSeriesChart } from "@/components/charts/time-series-chart";
import { toBucketRows, toEventAreas } from "@/components/charts/adapters";
import { useSeriesBuckets } from "@/components/series/use-series";
import type { AnomalyDetail, AnomalyMember } from "@/lib/anomalies/schemas";
import { formatLabels } from "@/components/format";

/** The members' charts show this much on each side of the incident. */
const AROUND_MS = 6 * 3600_000;

function MemberChart({ member, anomaly }: { member: AnomalyMember; anomaly: AnomalyDetail }) {
  const range = useMemo(() => ({ from: Date.parse(anomaly.startTs) - AROUND_MS, to: Date.parse(anomaly.endTs) + AROUND_MS }), [anomaly.startTs, anomaly.endTs]);
  const q = useSeriesBuckets(member.seriesId, range, 400);
  if (q.error) return <p className="error" role="alert">{q.error.message}</p>;
  if (!q.data) return <p className="muted">Loading {member.metric}…</p>;
  const rows = toBucketRows(q.data.buckets);
  // Widened to half a bucket each side (and a visible minimum), so a one-step incident shows.
  const span = { start: Date.parse(anomaly.startTs), end: Date.parse(anomaly.endTs), peakT: 0, peakScore: 0, severity: "low" as const, pointCount: 0 };
  return (
    <TimeSeriesChart
      ariaLabel={`${member.metric} around the incident, with the flagged span`}
      rows={rows}
      height={160}
      areas={toEventAreas([span], rows.map((r) => r.t)).map((a) => ({ x1: a.x1, x2: a.x2 }))}
      series={[{ key: "avg", name: member.metric, color: "#1c2330", kind: "line" }]}
    />
  );
}

export function AnomalyMembers({ anomaly }: { anomaly: AnomalyDetail }) {
  const group = anomaly.group;
  if (!group) return null;
  const attributed = group.members.some((m) => m.share !== null);
  return (
    <section className="panel" aria-labelledby="members-title">
      <h2 id="members-title">Which member</h2>
      {!attributed && <p className="muted">This model reports no attribution; the members are shown in their order.</p>}
      <ul className="attribution" aria-label="Each member's share of the peak's score">
        {group.members.map((m) => (
          <li key={m.seriesId}>
            <span className="attribution-name">{m.metric}<span className="muted">{formatLabels(m.labels)}</span></span>
            <span className="attribution-bar" aria-hidden="true"><span style={{ width: `${Math.round((m.share ?? 0) * 100)}%` }} /></span>
            <span className="attribution-value">{m.share === null ? "n/a" : `${Math.round(m.share * 100)}%`}{m.direction && ` ${m.direction} expected`}</span>
          </li>
        ))}
      </ul>
      {group.members.map((m) => (
        <div key={m.seriesId}>
          <h3>{m.metric}</h3>
          <MemberChart member={m} anomaly={anomaly} />
        </div>
      ))}
    </section>
  );
}
