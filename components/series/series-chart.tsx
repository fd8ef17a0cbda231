"use client";
/**
 * A stored series over a range (or all of it), downsampled on the server to min-max buckets so
 * peaks and dips survive any zoom, with gaps left as gaps and the given anomalies shaded by severity.
 */
import { useMemo } from "react";
import { TimeSeriesChart } from "@/components/charts/time-series-chart";
import { toAnomalyAreas, toBucketRows } from "@/components/charts/adapters";
import { useSeriesBuckets } from "@/components/series/use-series";
import type { TimeRange } from "@/lib/series/schemas";

export interface ChartAnomaly {
  startTs: string;
  endTs: string;
  severity: string;
}

export function SeriesChart({ seriesId, title, range, anomalies, marked = [], onSelectRange, height = 320 }: {
  seriesId: string;
  title: string;
  range: TimeRange | null;
  anomalies: readonly ChartAnomaly[];
  /** Other spans to shade in their own colour (spans an analyst marked missed). */
  marked?: readonly { start: number; end: number }[];
  onSelectRange?: (a: number, b: number) => void;
  height?: number;
}) {
  const points = useSeriesBuckets(seriesId, range);
  const data = points.data;
  const rows = useMemo(() => toBucketRows(data?.buckets ?? []), [data]);
  const shown = range ?? (data?.from != null && data.to != null ? { from: data.from, to: data.to } : null);
  const [from, to] = [shown?.from, shown?.to];
  const areas = useMemo(
    () => (from !== undefined && to !== undefined ? toAnomalyAreas(anomalies.map((a) => ({ start: Date.parse(a.startTs), end: Date.parse(a.endTs), severity: a.severity })), { from, to }) : []),
    [anomalies, from, to],
  );
  if (points.error) return <p className="error" role="alert">{points.error.message}</p>;
  if (!data) return <p className="muted">Loading…</p>;
  if (rows.length === 0) return <p className="muted">No points stored{range ? " in this range" : " yet"}.</p>;
  return (
    <div aria-busy={points.isFetching} className={points.isPlaceholderData ? "chart-stale" : undefined}>
      <TimeSeriesChart
        ariaLabel={`${title}: minimum, maximum and average per bucket of ${formatBucket(data.bucketMs)}, anomalies shaded`}
        rows={rows}
        height={height}
        xDomain={shown ? [shown.from, shown.to] : undefined}
        areas={[...areas.map((a) => ({ ...a, opacity: 0.3 })), ...marked.map((m) => ({ x1: m.start, x2: m.end, color: "#7a4100", opacity: 0.25 }))]}
        onSelectRange={onSelectRange}
        series={[
          { key: "range", name: "Min–max", color: "#2f5fd0", kind: "band" },
          { key: "avg", name: "Average", color: "#1c2330", kind: "line" },
        ]}
      />
      <p className="muted chart-note" data-testid="bucket-note">
        {data.buckets.length.toLocaleString("en-US")} buckets of {formatBucket(data.bucketMs)}
        {data.buckets.every((b) => b.count === 1) ? " (raw points)" : ""}; shaded spans are anomalies, darker is more severe.
      </p>
    </div>
  );
}

export function formatBucket(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 120_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 7_200_000) return `${Math.round(ms / 60_000)} min`;
  return `${(ms / 3_600_000).toFixed(ms < 36_000_000 ? 1 : 0)} h`;
}
