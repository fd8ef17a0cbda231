"use client";
/**
 * Model versions side by side: per series (or group of series), each stored version judged on the same labelled period
 * (re-scored with its own state), and, for admins, activating an older one (rollback, audited).
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { DataTable } from "@/components/data-table";
import { formatDateTime, formatLabels } from "@/components/format";
import { percent } from "@/components/feedback/chart-rows";
import { useCan } from "@/components/use-can";
import { apiFetch } from "@/lib/client/api";
import { LIST_GROUP_KEY } from "@/lib/detectors/grouping";
import type { ModelComparison } from "@/lib/server/queries/model-versions";

type Version = ModelComparison["series"][number]["versions"][number];

const groupName = (key: string) => (key === LIST_GROUP_KEY ? "of the listed series" : formatLabels(JSON.parse(key) as Record<string, string>));

export function ModelVersionsPanel({ detectorId }: { detectorId: string }) {
  const router = useRouter();
  const qc = useQueryClient();
  const canWrite = useCan("detectors:write");
  const q = useQuery({ queryKey: ["models", detectorId], queryFn: () => apiFetch<ModelComparison>(`/api/v1/detectors/${detectorId}/models`) });
  const activate = useMutation({
    mutationFn: (modelId: string) => apiFetch<{ active: { version: number } }>(`/api/v1/detectors/${detectorId}/models/${modelId}/activate`, { method: "POST" }),
    onSettled: () => {
      void qc.invalidateQueries({ queryKey: ["models", detectorId] });
      void qc.invalidateQueries({ queryKey: ["evaluation"] });
      router.refresh();
    },
  });
  return (
    <section className="panel" aria-labelledby="models-title">
      <h2 id="models-title">Model versions</h2>
      {q.error && <p className="error" role="alert">{q.error.message}</p>}
      {activate.error && <p className="error" role="alert">{activate.error.message}</p>}
      {!q.data ? <p className="muted">Re-scoring the labelled period with each version…</p> : q.data.series.length === 0 ? <p className="muted">No model trained yet.</p> : (
        <>
          <p className="muted">Each version re-scores {formatDateTime(q.data.period.from)} to {formatDateTime(q.data.period.to)} at threshold {q.data.threshold.toFixed(2)}, judged on the same labels. Training leaves labelled anomalies out of its window.</p>
          {q.data.series.map((s) => (
            <div key={s.seriesId}>
              <h3>{s.group ? `Group ${groupName(s.group.key)}: ${s.group.members.map((m) => m.metric).join(", ")}` : `Series ${s.seriesId}`} ({s.labels} labelled spans{s.group ? " on its members" : ""}, {s.points.toLocaleString("en-US")} {s.group ? "steps" : "points"})</h3>
              <DataTable<Version> rows={s.versions} rowKey={(v) => v.id} empty="No versions."
                columns={[
                  { header: "Version", cell: (v) => `v${v.version}${v.active ? " (active)" : ""}` },
                  { header: "Trained on", cell: (v) => `${formatDateTime(v.trainedFrom)} to ${formatDateTime(v.trainedTo)}` },
                  { header: s.group ? "Steps (labelled left out)" : "Points (labelled left out)", cell: (v) => (v.points === null ? "—" : `${v.points} (${v.excludedLabelled ?? 0})`) },
                  { header: "Precision", cell: (v) => (v.metrics ? percent(v.metrics.precision) : v.unavailable) },
                  { header: "Recall", cell: (v) => (v.metrics ? percent(v.metrics.recall) : "—") },
                  { header: "F1", cell: (v) => (v.metrics ? percent(v.metrics.f1) : "—") },
                  { header: "Anomalies", cell: (v) => v.metrics?.events ?? "—" },
                  ...(canWrite ? [{ header: "Actions", cell: (v: Version) => (v.active ? null : <button type="button" className="secondary" disabled={activate.isPending} onClick={() => activate.mutate(v.id)}>Activate v{v.version}</button>) }] : []),
                ]} />
            </div>
          ))}
        </>
      )}
    </section>
  );
}
