"use client";
/** Runs the detector as configured (unsaved) over a stored series, or one group of series, and draws what it would flag. */
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
  /** The form's grouping (null: each series alone): the preview then scores one group, chosen here. */
  grouping: Grouping | null;
  onIssues: (issues: { path: string; message: string }[]) => void;
}

export function PreviewPanel({ algorithm, buildParams, threshold, trainingWindowHours, attached, grouping, onIssues }: Props) {
  const all = useSeriesList({ limit: 50 });
  const options = attached.length ? attached : (all.data?.items ?? []);
  const [chosen, setChosen] = useState("");
  const [maxPoints, setMaxPoints] = useState(5000);
  const seriesId = options.some((o) => o.id === chosen) ? chosen : options[0]?.id;
  const groups = grouping ? formGroups(grouping, options) : [];
  const [chosenGroup, setChosenGroup] = useState("");
  const group = groups.find((g) => g.key === chosenGroup) ?? groups[0];
  const preview = usePreview();
  const ran = preview.data;
  const metric = options.find((o) => o.id === (preview.variables?.seriesId ?? seriesId))?.metric ?? "";
  const ranGroup = ran && "members" in ran ? ran : null;
  const ranSeries = ran && !("members" in ran) ? ran : null;
  const ready = grouping ? !!group : !!seriesId;

  function run() {
    const params = buildParams();
    if (!params || !ready) return;
    const target = grouping && group
      ? { grouping: { seriesIds: group.members, stepSeconds: grouping.stepSeconds, aggregate: grouping.aggregate, missing: grouping.missing } }
      : { seriesId };
    preview.mutate(
      { algorithm, params, threshold, ...target, maxPoints, trainingWindowHours },
      { onError: (e) => e instanceof ApiError && e.issues && onIssues(e.issues), onSuccess: () => onIssues([]) },
    );
  }

  return (
    <section className="panel" aria-label="Preview">
      <h2>Preview</h2>
      <p className="muted">Scores stored points with these settings without saving anything (algorithms that need training learn their training window ending where the preview starts, as the worker learns the one ending at its position).</p>
      <div className="toolbar">
        {grouping ? (
          <label>
            Group
            <select aria-label="Preview group" value={group?.key ?? ""} onChange={(e) => setChosenGroup(e.target.value)}>
              {groups.map((g) => <option key={g.key} value={g.key}>{groupName(g.key)}</option>)}
            </select>
          </label>
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
      {grouping && !group && <p className="muted">No complete group among the selected series yet: select a series of every member metric of a group to preview it.</p>}
      {preview.error && <p className="error" role="alert">{preview.error.message}</p>}
      {ranGroup && (
        <>
          <p className="preview-summary" aria-live="polite">
            <strong>{ranGroup.events.length} anomal{ranGroup.events.length === 1 ? "y" : "ies"}</strong> in {ranGroup.points.length.toLocaleString("en-US")} steps of the group {ranGroup.members.map((m) => m.metric).join(", ")}
            {formatLabels(ranGroup.members[0]?.labels)}
            {ranGroup.trainedOn > 0 && (
              <span className="muted">
                {" "}· trained on {ranGroup.trainedOn.toLocaleString("en-US")} steps {ranGroup.unscored > 0 ? "at the start (no history before it)" : "before it"}, up to {formatDateTime(new Date(ranGroup.trainedTo!))}
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
                {" "}· trained on {ranSeries.trainedOn.toLocaleString("en-US")} points {ranSeries.unscored > 0 ? "at the start (no history before it)" : "before it"}, up to {formatDateTime(new Date(ranSeries.trainedTo!))}
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
