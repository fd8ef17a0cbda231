"use client";
/**
 * The detector page's chart: any attached series, picked by name and labels, with this detector's
 * anomalies on that series only and the spans analysts marked missed; an analyst drags across the
 * chart to mark another.
 */
import Link from "next/link";
import { useState } from "react";
import { seriesTitle } from "@/components/format";
import { SeriesChart } from "@/components/series/series-chart";
import { useSeriesAnomalies } from "@/components/series/use-series";
import { useCan } from "@/components/use-can";
import { MissedSpans, toInput, useMarkedMissed, type Span } from "@/components/feedback/missed-spans";

export function DetectorSeriesChart({ detectorId, series }: { detectorId: string; series: { seriesId: string; metric: string; labels: Record<string, string> }[] }) {
  const [picked, setPicked] = useState(series[0]?.seriesId ?? "");
  const [span, setSpan] = useState<Span | null>(null);
  const canLabel = useCan("anomalies:label");
  const current = series.find((s) => s.seriesId === picked) ?? series[0];
  const anomalies = useSeriesAnomalies(current.seriesId, null, detectorId);
  const marked = useMarkedMissed(detectorId, current.seriesId);
  const title = seriesTitle(current.metric, current.labels);
  return (
    <>
      <div className="toolbar">
        <label>
          Series
          <select aria-label="Series" value={current.seriesId} onChange={(e) => { setPicked(e.target.value); setSpan(null); }}>
            {series.map((s) => <option key={s.seriesId} value={s.seriesId}>{seriesTitle(s.metric, s.labels)}</option>)}
          </select>
        </label>
        <Link className="button secondary" href={`/series/${current.seriesId}`}>Explore {title}</Link>
      </div>
      {anomalies.error && <p className="error" role="alert">{anomalies.error.message}</p>}
      <SeriesChart
        key={current.seriesId}
        seriesId={current.seriesId}
        title={title}
        range={null}
        anomalies={anomalies.data?.items ?? []}
        marked={marked}
        onSelectRange={canLabel ? (a, b) => setSpan({ start: toInput(a), end: toInput(b) }) : undefined}
        height={280}
      />
      <MissedSpans detectorId={detectorId} seriesId={current.seriesId} span={span} setSpan={setSpan} canLabel={canLabel} />
    </>
  );
}
