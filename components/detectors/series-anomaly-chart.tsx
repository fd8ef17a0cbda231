"use client";
/** A stored series, downsampled on the server (min/max band and average), with anomalies shaded. */
import { useMemo } from "react";
import { TimeSeriesChart } from "@/components/charts/time-series-chart";
import { toBucketRows } from "@/components/charts/adapters";
import { useSeriesPoints } from "@/components/detectors/use-detectors";

interface Props {
  seriesId: string;
  metric: string;
  anomalies: { start: number; end: number }[];
  /** Other spans to shade (e.g. marked missed), in their own colour. */
  marked?: { start: number; end: number }[];
  onSelectRange?: (from: number, to: number) => void;
}

export function SeriesAnomalyChart({ seriesId, metric, anomalies, marked = [], onSelectRange }: Props) {
  const points = useSeriesPoints(seriesId);
  const rows = useMemo(() => toBucketRows(points.data ?? []), [points.data]);
  if (points.error) return <p className="error" role="alert">{points.error.message}</p>;
  if (!points.data) return <p className="muted">Loading…</p>;
  if (rows.length === 0) return <p className="muted">No points stored yet.</p>;
  const step = rows.length > 1 ? (rows[rows.length - 1].t - rows[0].t) / rows.length : 0;
  return (
    <TimeSeriesChart
      ariaLabel={`Stored values of ${metric}`}
      rows={rows}
      areas={[...anomalies.map((a) => ({ x1: a.start - step / 2, x2: a.end + step / 2 })), ...marked.map((a) => ({ x1: a.start, x2: a.end, color: "#7a4100" }))]}
      onSelectRange={onSelectRange}
      series={[
        { key: "range", name: "Min–max", color: "#2f5fd0", kind: "band" },
        { key: "avg", name: "Average", color: "#1c2330", kind: "line" },
      ]}
    />
  );
}
