"use client";
/** Other anomalies on the same series, and on the source's other series at the same time. */
import Link from "next/link";
import type { AnomalyDetail, AnomalyItem } from "@/lib/anomalies/schemas";
import { formatDateTime, formatLabels } from "@/components/format";
import { StatusBadge } from "@/components/anomalies/badges";
import { useAnomalyPage } from "@/components/anomalies/use-anomalies";

/** "At the same time": the anomaly's span widened by its own length, at least 15 minutes each side. */
export function sameTimeRange(a: Pick<AnomalyItem, "startTs" | "endTs">): { from: string; to: string } {
  const start = Date.parse(a.startTs);
  const end = Date.parse(a.endTs);
  const pad = Math.max(end - start, 15 * 60_000);
  return { from: new Date(start - pad).toISOString(), to: new Date(end + pad).toISOString() };
}

function List({ items, showSeries, empty }: { items: AnomalyItem[]; showSeries: boolean; empty: string }) {
  if (items.length === 0) return <p className="muted">{empty}</p>;
  return (
    <ul className="history">
      {items.map((a) => (
        <li key={a.id}>
          <time dateTime={a.startTs}>{formatDateTime(a.startTs)}</time>
          <span>
            <Link href={`/anomalies/${a.id}`}>{showSeries ? `${a.series.metric}${formatLabels(a.series.labels)}` : `${a.severity.toLowerCase()}, score ${a.peakScore.toFixed(2)}`}</Link>{" "}
            {showSeries && <span className="muted">{a.severity.toLowerCase()}, score {a.peakScore.toFixed(2)} </span>}
            <StatusBadge status={a.status} />
          </span>
        </li>
      ))}
    </ul>
  );
}

export function RelatedAnomalies({ anomaly }: { anomaly: AnomalyDetail }) {
  const sameSeries = useAnomalyPage({ seriesId: anomaly.series.id, exclude: anomaly.id, limit: "10" }, { live: false });
  const range = sameTimeRange(anomaly);
  const sameTime = useAnomalyPage({ sourceId: anomaly.source.id, ...range, exclude: anomaly.id, limit: "50" }, { live: false });
  const others = (sameTime.data?.items ?? []).filter((a) => a.series.id !== anomaly.series.id);
  return (
    <div className="grid-2">
      <section className="panel" aria-labelledby="same-series">
        <h2 id="same-series">Other anomalies on this series</h2>
        {sameSeries.data ? <List items={sameSeries.data.items} showSeries={false} empty="None." /> : <p className="muted">Loading…</p>}
      </section>
      <section className="panel" aria-labelledby="same-time">
        <h2 id="same-time">At the same time on {anomaly.source.name}</h2>
        <p className="muted">Other series of the source, {formatDateTime(range.from)} to {formatDateTime(range.to)}</p>
        {sameTime.data ? <List items={others} showSeries empty="Nothing else went wrong on this source at that time." /> : <p className="muted">Loading…</p>}
      </section>
    </div>
  );
}
