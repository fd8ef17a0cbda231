"use client";
/**
 * Runs the detector as configured (unsaved) over a stored series, or one group of series, and draws
 * what it would flag. A group by labels is chosen by its label values (e.g. host=a): the server forms
 * it from every series of the watched sources and the attached ones, by the pipeline's rule.
 */
import { useState } from "react";
import { ApiError } from "@/lib/client/api";
import { formatDateTime, formatLabels } from "@/components/format";
import { PreviewChart } from "@/components/detectors/preview-chart";
import { GroupPreview } from "@/components/detectors/group-preview";
import { usePreview, useSeriesList, type SeriesRow } from "@/components/detectors/use-detectors";
import { formGroups, LIST_GROUP_KEY, type Grouping } from "@/lib/detectors/grouping";

const groupName = (key: string) => (key === LIST_GROUP_KEY ? "the selected series" : formatLabels(JSON.parse(key)));

interface Props {
  algorithm: string;
  buildParams: () => Record<string, unknown> | null;
  threshold: number;
  /** The form's training window (null: the default), used as the worker will use it. */
  trainingWindowHours: number | null;
  attached: SeriesRow[];
  /** The form's watched sources (their series form groups too). */
  sourceIds: string[];
  /** The detector being edited: its labelled anomalies are left out of training, as retraining leaves them out. */
  detectorId?: string;
  /** The form's grouping (null: each series alone): the preview then scores one group, chosen here. */
  grouping: Grouping | null;
  onIssues: (issues: { path: string; message: string }[]) => void;
}

export function PreviewPanel({ algorithm, buildParams, threshold, trainingWindowHours, attached, sourceIds, detectorId, grouping, onIssues }: Props) {
  const all = useSeriesList({ limit: 50 });
  const options = attached.length ? attached : (all.data?.items ?? []);
  const [chosen, setChosen] = useState("");
  const [maxPoints, setMaxPoints] = useState(5000);
  const seriesId = options.some((o) => o.id === chosen) ? chosen : options[0]?.id;
  const byLabels = grouping?.by ?? null;
  // The label values typed for a group by labels; suggested from the series listed here.
  const [groupValues, setGroupValues] = useState<Record<string, string>>({});
  // Suggestions come from the attached series and the first series of the watched sources.
  const watched = useSeriesList({ limit: 500, sourceId: sourceIds }, !!byLabels && sourceIds.length > 0);
  const near = [...attached, ...(sourceIds.length ? (watched.data?.items ?? []) : [])];
  const suggested = grouping && byLabels ? formGroups(grouping, near)[0] : undefined;
  const valuesOf = (label: string) => [...new Set(near.map((o) => o.labels?.[label]).filter((v): v is string => !!v))].sort().slice(0, 200);
  const groupValue = (label: string) => groupValues[label] ?? (suggested ? (JSON.parse(suggested.key) as Record<string, string>)[label] : "") ?? "";
  const chosenValues = byLabels ? Object.fromEntries(byLabels.map((l) => [l, groupValue(l).trim()])) : {};
  const listGroup = grouping && !byLabels ? formGroups(grouping, options)[0] : undefined;
  const preview = usePreview();
  const ran = preview.data;
  const metric = options.find((o) => o.id === (preview.variables?.seriesId ?? seriesId))?.metric ?? "";
  const ranGroup = ran && "members" in ran ? ran : null;
  const ranSeries = ran && !("members" in ran) ? ran : null;
  const ready = grouping ? (byLabels ? byLabels.every((l) => chosenValues[l]) && (sourceIds.length > 0 || attached.length > 0) : !!listGroup) : !!seriesId;

  function run() {
    const params = buildParams();
    if (!params || !ready) return;
    const target = !grouping
      ? { seriesId }
      : byLabels
        ? { grouping, group: chosenValues, sourceIds, seriesIds: attached.map((s) => s.id) }
        : { grouping: { seriesIds: listGroup!.members, stepSeconds: grouping.stepSeconds, aggregate: grouping.aggregate, missing: grouping.missing } };
    preview.mutate(
      { algorithm, params, threshold, ...target, maxPoints, trainingWindowHours, detectorId },
      { onError: (e) => e instanceof ApiError && e.issues && onIssues(e.issues), onSuccess: () => onIssues([]) },
    );
  }

  return (
    <section className="panel" aria-label="Preview">
      <h2>Preview</h2>
      <p className="muted">Scores stored points with these settings without saving anything (algorithms that need training learn their training window ending where the preview starts, as the worker learns the one ending at its position).</p>
      <div className="toolbar">
        {byLabels ? (
          byLabels.map((label) => (
            <label key={label}>
              Group {label}
              <input aria-label={`Preview group ${label}`} list={`preview-group-${label}`} value={groupValue(label)} placeholder="a label value" onChange={(e) => setGroupValues({ ...groupValues, [label]: e.target.value })} />
              <datalist id={`preview-group-${label}`}>{valuesOf(label).map((v) => <option key={v} value={v} />)}</datalist>
            </label>
          ))
        ) : grouping ? (
          <span>Group: {listGroup ? groupName(listGroup.key) : "none yet"}</span>
        ) : (
          <label>
            Series
            <select aria-label="Preview series" value={seriesId ?? ""} onChange={(e) => setChosen(e.target.value)}>
              {options.map((o) => <option key={o.id} value={o.id}>{o.metric}</option>)}
            </select>
          </label>
        )}
        <label>
          {grouping ? "Latest steps" : "Latest points"}
          <select aria-label="Points to preview" value={maxPoints} onChange={(e) => setMaxPoints(Number(e.target.value))}>
            {[1000, 2000, 5000, 10000, 20000].map((n) => <option key={n} value={n}>{n.toLocaleString("en-US")}</option>)}
          </select>
        </label>
        <button type="button" onClick={run} disabled={!ready || preview.isPending}>{preview.isPending ? "Running…" : "Run preview"}</button>
      </div>
      {byLabels && sourceIds.length === 0 && attached.length === 0 && <p className="muted">Watch a source or select series: the group is formed from them.</p>}
      {grouping && !byLabels && !listGroup && <p className="muted">Select at least two series: they are the group.</p>}
      {preview.error && <p className="error" role="alert">{preview.error.message}</p>}
      {ranGroup && (
        <>
          <p className="preview-summary" aria-live="polite">
            <strong>{ranGroup.events.length} anomal{ranGroup.events.length === 1 ? "y" : "ies"}</strong> in {ranGroup.points.length.toLocaleString("en-US")} steps of the group {ranGroup.members.map((m) => m.metric).join(", ")}{" "}
            {formatLabels(ranGroup.members[0]?.labels)}
            {ranGroup.trainedOn > 0 && (
              <span className="muted">
                {" "}· trained on {ranGroup.trainedOn.toLocaleString("en-US")} steps {ranGroup.unscored > 0 ? "at the start (no history before it)" : "before it"}, up to {formatDateTime(new Date(ranGroup.trainedTo!))}{ranGroup.excludedLabelled > 0 && `, ${ranGroup.excludedLabelled.toLocaleString("en-US")} labelled as anomalies left out`}
              </span>
            )}
          </p>
          <GroupPreview result={ranGroup} threshold={preview.variables?.threshold ?? threshold} />
        </>
      )}
      {ranSeries && (
        <>
          <p className="preview-summary" aria-live="polite">
            <strong>{ranSeries.events.length} anomal{ranSeries.events.length === 1 ? "y" : "ies"}</strong> in {ranSeries.points.length.toLocaleString("en-US")} points of {metric}
            {ranSeries.trainedOn > 0 && (
              <span className="muted">
                {" "}· trained on {ranSeries.trainedOn.toLocaleString("en-US")} points {ranSeries.unscored > 0 ? "at the start (no history before it)" : "before it"}, up to {formatDateTime(new Date(ranSeries.trainedTo!))}{ranSeries.excludedLabelled > 0 && `, ${ranSeries.excludedLabelled.toLocaleString("en-US")} labelled as anomalies left out`}
              </span>
            )}
          </p>
          <PreviewChart result={ranSeries} threshold={preview.variables?.threshold ?? threshold} metric={metric} />
          {ranSeries.events.length > 0 && (
            <table className="table compact" aria-label="Preview anomalies">
              <thead><tr><th>Start</th><th>End</th><th>Points</th><th>Peak score</th><th>Severity</th></tr></thead>
              <tbody>
                {ranSeries.events.slice(0, 10).map((e) => (
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
