"use client";
/**
 * A grouped detector's preview: the group's score against the threshold, the flagged steps with the
 * member that drove each (its share and direction), and each member's aligned values with the spans.
 */
import { useMemo } from "react";
import { TimeSeriesChart } from "@/components/charts/time-series-chart";
import { memberPreviewPoints, thinRows, toEventAreas, toPreviewRows, topMember, valueDomain } from "@/components/charts/adapters";
import { formatDateTime, formatLabels } from "@/components/format";
import type { GroupPreviewResult } from "@/lib/detectors/schemas";

const pct = (x: number) => `${Math.round(x * 100)}%`;

export function GroupPreview({ result, threshold }: { result: GroupPreviewResult; threshold: number }) {
  const memberRows = useMemo(() => result.members.map((_, i) => thinRows(toPreviewRows(memberPreviewPoints(result.points, i), result.events))), [result]);
  const areas = useMemo(() => toEventAreas(result.events, result.points.map((p) => p.t)), [result]);
  return (
    <div className="preview-charts">
      <TimeSeriesChart
        ariaLabel="Group anomaly score"
        syncId="preview"
        height={160}
        rows={memberRows[0] ?? []}
        yDomain={[0, 1]}
        areas={areas}
        threshold={{ y: threshold, label: `threshold ${threshold.toFixed(2)}` }}
        series={[{ key: "score", name: "Score", color: "#d9822b", kind: "line" }]}
      />
      {result.events.length > 0 && (
        <table className="table compact" aria-label="Preview anomalies">
          <thead><tr><th>Start</th><th>End</th><th>Steps</th><th>Peak score</th><th>Severity</th><th>Top member</th></tr></thead>
          <tbody>
            {result.events.slice(0, 10).map((e) => {
              const top = topMember(e.attribution);
              return (
                <tr key={e.start}>
                  <td>{formatDateTime(new Date(e.start))}</td>
                  <td>{formatDateTime(new Date(e.end))}</td>
                  <td>{e.pointCount}</td>
                  <td>{e.peakScore.toFixed(3)}</td>
                  <td><span className={`badge sev-${e.severity}`}>{e.severity}</span></td>
                  <td>{top === null ? <span className="muted">not reported</span> : `${result.members[top].metric}: ${pct(e.attribution![top].share)} of the score, ${e.attribution![top].direction} expected`}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {result.members.map((m, i) => (
        <div key={m.seriesId}>
          <h3>{m.metric}<span className="muted">{formatLabels(m.labels)}</span></h3>
          <TimeSeriesChart
            ariaLabel={`${m.metric} per step, with the flagged spans`}
            syncId="preview"
            height={140}
            rows={memberRows[i]}
            yDomain={valueDomain(memberRows[i])}
            areas={areas}
            series={[
              { key: "value", name: m.metric, color: "#1c2330", kind: "line" },
              { key: "anomaly", name: "Flagged", color: "#d64545", kind: "dots" },
            ]}
          />
        </div>
      ))}
    </div>
  );
}
