"use client";
/**
 * The chart around one anomaly: actual values, the band the detector expected, the flagged span;
 * with `onSelectRange`, dragging across it selects a span (marking one the detector missed).
 */
import { useMemo } from "react";
import { TimeSeriesChart } from "@/components/charts/time-series-chart";
import { toEventAreas, toPreviewRows, valueDomain } from "@/components/charts/adapters";
import type { AnomalyDetail } from "@/lib/anomalies/schemas";
import type { PreviewEvent } from "@/lib/detectors/schemas";
import { useAnomalyWindow } from "@/components/anomalies/use-anomalies";

export function AnomalyChart({ anomaly, onSelectRange }: { anomaly: AnomalyDetail; onSelectRange?: (a: number, b: number) => void }) {
  const window = useAnomalyWindow(anomaly.id);
  const event = useMemo(
    () => ({
      start: Date.parse(anomaly.startTs),
      end: Date.parse(anomaly.endTs),
      peakT: Date.parse(anomaly.peakTs),
      peakScore: anomaly.peakScore,
      severity: anomaly.severity.toLowerCase() as PreviewEvent["severity"],
      pointCount: anomaly.pointCount,
    }),
    [anomaly.startTs, anomaly.endTs, anomaly.peakTs, anomaly.peakScore, anomaly.severity, anomaly.pointCount],
  );
  const rows = useMemo(() => toPreviewRows(window.data?.points ?? [], [event]), [window.data, event]);
  if (window.error) return <p className="error" role="alert">{window.error.message}</p>;
  if (!window.data) return <p className="muted">Loading the points around it…</p>;
  if (rows.length === 0) return <p className="muted">The points of this anomaly are no longer stored.</p>;
  const areas = toEventAreas([event], rows.map((r) => r.t)).map((a) => ({ x1: a.x1, x2: a.x2 }));
  if (anomaly.group) {
    return (
      <TimeSeriesChart
        ariaLabel={`${anomaly.series.metric}, the member with the largest share, around the incident with the flagged span`}
        rows={rows}
        areas={areas}
        yDomain={valueDomain(rows)}
        onSelectRange={onSelectRange}
        series={[
          { key: "value", name: anomaly.series.metric, color: "#1c2330", kind: "line" },
          { key: "anomaly", name: "Flagged", color: "#b42318", kind: "dots" },
        ]}
      />
    );
  }
  return (
    <TimeSeriesChart
      ariaLabel={`${anomaly.series.metric} around the anomaly: actual values, expected band and the flagged span`}
      rows={rows}
      areas={areas}
      yDomain={valueDomain(rows)}
      onSelectRange={onSelectRange}
      series={[
        { key: "band", name: "Expected band", color: "#2f5fd0", kind: "band" },
        { key: "expected", name: "Expected", color: "#2f5fd0", kind: "line", dashed: true },
        { key: "value", name: "Actual", color: "#1c2330", kind: "line" },
        { key: "anomaly", name: "Flagged", color: "#b42318", kind: "dots" },
      ]}
    />
  );
}
