"use client";
/** A proposed threshold next to today's over the period, and, for admins, applying it in one click (audited, undoable). */
import { useRouter } from "next/navigation";
import { useState } from "react";
import { TimeSeriesChart } from "@/components/charts/time-series-chart";
import { formatDateTime } from "@/components/format";
import { useCan } from "@/components/use-can";
import { percent, perDayRows } from "@/components/feedback/chart-rows";
import { useApplyThreshold, useWhatIf, type Period } from "@/components/feedback/use-feedback";
import type { DetectorEvaluation } from "@/lib/server/queries/evaluation";

interface Props {
  detectorId: string;
  period: Period;
  current: number;
  proposed: number | null;
  suggested: number | null;
  onPropose: (t: number | null) => void;
  lastApplied: DetectorEvaluation["lastApplied"];
}

export function WhatIfPanel({ detectorId, period, current, proposed, suggested, onPropose, lastApplied }: Props) {
  const router = useRouter();
  const canApply = useCan("detectors:write");
  const w = useWhatIf(detectorId, period, proposed);
  const apply = useApplyThreshold(detectorId);
  const [draft, setDraft] = useState("");
  const run = (threshold: number, basis: "suggestion" | "undo" | "manual") => apply.mutate({ threshold, basis }, { onSuccess: () => { onPropose(null); router.refresh(); } });
  const rows = w.data ? ([
    ["Threshold", current.toFixed(2), w.data.proposed.threshold.toFixed(2)],
    ["Anomalies", w.data.current.events, w.data.proposed.events],
    ["True positives found", w.data.truePositives.found, w.data.truePositives.kept + w.data.truePositives.gained],
    ["False positives flagged", w.data.falsePositives.flagged, w.data.falsePositives.flagged - w.data.falsePositives.removed + w.data.falsePositives.added],
    ["Missed spans found", w.data.missed.foundNow, w.data.missed.foundProposed],
    ["Precision", percent(w.data.current.precision), percent(w.data.proposed.precision)],
    ["Recall", percent(w.data.current.recall), percent(w.data.proposed.recall)],
    ["F1", percent(w.data.current.f1), percent(w.data.proposed.f1)],
  ] as const) : [];
  return (
    <div aria-label="What if">
      <h3>What if</h3>
      <form className="feedback-row" onSubmit={(e) => { e.preventDefault(); const t = Number(draft); if (draft && t > 0 && t < 1) onPropose(t); }}>
        <label>Proposed threshold<input type="number" min={0.01} max={0.999} step={0.01} value={draft || (proposed ?? "")} onChange={(e) => setDraft(e.target.value)} /></label>
        <button type="submit" className="secondary">Show what-if</button>
      </form>
      {w.error && <p className="error" role="alert">{w.error.message}</p>}
      {proposed !== null && !w.data && !w.error && <p className="muted">Backtesting {proposed.toFixed(2)}…</p>}
      {w.data && (
        <>
          <p className="what-if-sentence" role="status">{w.data.sentence}</p>
          <table className="table" aria-label="Today and proposed, side by side">
            <thead><tr><th scope="col"></th><th scope="col">Today</th><th scope="col">Proposed</th></tr></thead>
            <tbody>{rows.map(([k, a, b]) => <tr key={k}><th scope="row">{k}</th><td>{a}</td><td>{b}</td></tr>)}</tbody>
          </table>
          <TimeSeriesChart ariaLabel="Anomalies per day, today and with the proposed threshold" rows={perDayRows(w.data.perDay)} height={200}
            series={[{ key: "current", name: `Today (${current.toFixed(2)})`, color: "#5f6b7a", kind: "line" }, { key: "proposed", name: `Proposed (${w.data.proposed.threshold.toFixed(2)})`, color: "#2f5fd0", kind: "line" }]} />
          {canApply && (
            <p>
              <button type="button" disabled={apply.isPending} onClick={() => run(w.data!.proposed.threshold, w.data!.proposed.threshold === suggested ? "suggestion" : "manual")}>
                Apply threshold {w.data.proposed.threshold.toFixed(2)}
              </button>{" "}
              <span className="hint">Keeps the model; anomalies are re-derived over history with their labels and triage.</span>
            </p>
          )}
        </>
      )}
      {apply.error && <p className="error" role="alert">{apply.error.message}</p>}
      {apply.data && <p role="status">Applied: threshold {apply.data.previous.toFixed(2)} → {apply.data.threshold.toFixed(2)}. Anomalies are being re-derived.</p>}
      {lastApplied && lastApplied.from !== null && (
        <p className="muted">
          Last change: {lastApplied.from.toFixed(2)} → {lastApplied.to?.toFixed(2)} by {lastApplied.by ?? "someone"}, {formatDateTime(lastApplied.at)}.{" "}
          {canApply && lastApplied.to === current && <button type="button" className="secondary" disabled={apply.isPending} onClick={() => run(lastApplied.from!, "undo")}>Undo (back to {lastApplied.from.toFixed(2)})</button>}
        </p>
      )}
    </div>
  );
}
