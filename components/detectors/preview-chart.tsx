"use client";
/** Actual vs expected with the band and shaded anomalies, and the score against the threshold below it. */
import { useMemo } from "react";
import { TimeSeriesChart } from "@/components/charts/time-series-chart";
import { thinRows, toEventAreas, toPreviewRows, valueDomain } from "@/components/charts/adapters";
import type { PreviewResult } from "@/lib/detectors/schemas";

export function PreviewChart({ result, threshold, metric }: { result: PreviewResult; threshold: number; metric: string }) {
  const rows = useMemo(() => thinRows(toPreviewRows(result.points, result.events)), [result]);
  const areas = useMemo(() => toEventAreas(result.events, result.points.map((p) => p.t)), [result]);
  return (
    <div className="preview-charts">
      <TimeSeriesChart
        ariaLabel={`Actual and expected values of ${metric}`}
        syncId="preview"
        rows={rows}
        yDomain={valueDomain(rows)}
        areas={areas}
        series={[
          { key: "band", name: "Expected band", color: "#2f5fd0", kind: "band" },
          { key: "value", name: "Actual", color: "#1c2330", kind: "line" },
          { key: "expected", name: "Expected", color: "#2f5fd0", kind: "line", dashed: true },
          { key: "anomaly", name: "Anomalous", color: "#d64545", kind: "dots" },
        ]}
      />
      <TimeSeriesChart
        ariaLabel="Anomaly score"
        syncId="preview"
        height={160}
        rows={rows}
        yDomain={[0, 1]}
        areas={areas}
        threshold={{ y: threshold, label: `threshold ${threshold.toFixed(2)}` }}
        series={[{ key: "score", name: "Score", color: "#d9822b", kind: "line" }]}
      />
    </div>
  );
}
