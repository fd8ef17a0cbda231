"use client";
/** Runs the detector as configured (unsaved) over a stored series and draws what it would flag. */
import { useState } from "react";
import { ApiError } from "@/lib/client/api";
import { formatDateTime } from "@/components/format";
import { PreviewChart } from "@/components/detectors/preview-chart";
import { usePreview, useSeriesList, type SeriesRow } from "@/components/detectors/use-detectors";

interface Props {
  algorithm: string;
  buildParams: () => Record<string, unknown> | null;
  threshold: number;
  /** The form's training window (null: the default), used as the worker will use it. */
  trainingWindowHours: number | null;
  attached: SeriesRow[];
  onIssues: (issues: { path: string; message: string }[]) => void;
}

export function PreviewPanel({ algorithm, buildParams, threshold, trainingWindowHours, attached, onIssues }: Props) {
  const all = useSeriesList({ pageSize: 50 });
  const options = attached.length ? attached : (all.data?.rows ?? []);
  const [chosen, setChosen] = useState("");
  const [maxPoints, setMaxPoints] = useState(5000);
  const seriesId = options.some((o) => o.id === chosen) ? chosen : options[0]?.id;
  const preview = usePreview();
  const ran = preview.data;
  const metric = options.find((o) => o.id === (preview.variables?.seriesId ?? seriesId))?.metric ?? "";

  function run() {
    const params = buildParams();
    if (!params || !seriesId) return;
    preview.mutate(
      { algorithm, params, threshold, seriesId, maxPoints, trainingWindowHours },
      { onError: (e) => e instanceof ApiError && e.issues && onIssues(e.issues), onSuccess: () => onIssues([]) },
    );
  }

  return (
    <section className="panel" aria-label="Preview">
      <h2>Preview</h2>
      <p className="muted">Scores stored points with these settings without saving anything (algorithms that need training learn their training window ending where the preview starts, as the worker learns the one ending at its position).</p>
      <div className="toolbar">
        <label>
          Series
          <select aria-label="Preview series" value={seriesId ?? ""} onChange={(e) => setChosen(e.target.value)}>
            {options.map((o) => <option key={o.id} value={o.id}>{o.metric}</option>)}
          </select>
        </label>
        <label>
          Latest points
          <select aria-label="Points to preview" value={maxPoints} onChange={(e) => setMaxPoints(Number(e.target.value))}>
            {[1000, 2000, 5000, 10000, 20000].map((n) => <option key={n} value={n}>{n.toLocaleString("en-US")}</option>)}
          </select>
        </label>
        <button type="button" onClick={run} disabled={!seriesId || preview.isPending}>{preview.isPending ? "Running…" : "Run preview"}</button>
      </div>
      {preview.error && <p className="error" role="alert">{preview.error.message}</p>}
      {ran && (
        <>
          <p className="preview-summary" aria-live="polite">
            <strong>{ran.events.length} anomal{ran.events.length === 1 ? "y" : "ies"}</strong> in {ran.points.length.toLocaleString("en-US")} points of {metric}
            {ran.trainedOn > 0 && (
              <span className="muted">
                {" "}· trained on {ran.trainedOn.toLocaleString("en-US")} points {ran.unscored > 0 ? "at the start (no history before it)" : "before it"}, up to {formatDateTime(new Date(ran.trainedTo!))}
              </span>
            )}
          </p>
          <PreviewChart result={ran} threshold={preview.variables?.threshold ?? threshold} metric={metric} />
          {ran.events.length > 0 && (
            <table className="table compact" aria-label="Preview anomalies">
              <thead><tr><th>Start</th><th>End</th><th>Points</th><th>Peak score</th><th>Severity</th></tr></thead>
              <tbody>
                {ran.events.slice(0, 10).map((e) => (
                  <tr key={e.start}>
                    <td>{formatDateTime(new Date(e.start))}</td>
                    <td>{formatDateTime(new Date(e.end))}</td>
                    <td>{e.pointCount}</td>
                    <td>{e.peakScore.toFixed(3)}</td>
                    <td><span className={`badge sev-${e.severity}`}>{e.severity}</span></td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}
