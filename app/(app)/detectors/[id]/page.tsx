import Link from "next/link";
import { notFound } from "next/navigation";
import { requirePage } from "@/lib/auth/page-guard";
import { DataTable } from "@/components/data-table";
import { formatDateTime, formatNumber, seriesTitle } from "@/components/format";
import { BackfillForm, EditDetectorLink } from "@/components/detectors/detector-actions";
import { DetectorSeriesChart } from "@/components/detectors/detector-series-chart";
import { EvaluationPanel } from "@/components/feedback/evaluation-panel";
import { SuppressionPanel } from "@/components/feedback/suppression-panel";
import { AssistPanel } from "@/components/feedback/assist-panel";
import { ModelVersionsPanel } from "@/components/feedback/model-versions-panel";
import { getDefinition } from "@/lib/detection";
import { AppError } from "@/lib/server/api/errors";
import { getDetector, listRecentDetectorAnomalies } from "@/lib/server/queries/detectors";
import { listDetectorSubjects } from "@/lib/server/queries/subject-status";
import { SubjectStatusPanel } from "@/components/detectors/subject-status";
import "@/components/detectors/detectors.css";
import "@/components/feedback/feedback.css";

export default async function DetectorPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ changed?: string }> }) {
  await requirePage("detectors:read");
  const { id } = await params;
  const detector = await getDetector(id).catch((e) => (e instanceof AppError && e.code === "not_found" ? notFound() : Promise.reject(e)));
  const [subjects, anomalies] = await Promise.all([listDetectorSubjects(id), listRecentDetectorAnomalies(id)]);
  const status = subjects.subjects;
  const grouped = detector.grouping !== null;
  const members = status.flatMap((s) => s.members);
  const def = getDefinition(detector.algorithm);
  const latest = [...members, ...subjects.ungrouped].reduce<Date | null>((m, s) => (s.latest && (!m || s.latest > m) ? s.latest : m), null);
  // Backfill defaults to the last week of data (the minute after the newest point included).
  const end = new Date((latest ?? new Date()).getTime() + 60_000);

  return (
    <>
      <div className="page-head">
        <h1>{detector.name} {!detector.enabled && <span className="badge status-paused">disabled</span>}</h1>
        <div className="actions-inline">
          <Link className="button secondary" href="/detectors">All detectors</Link>
          <EditDetectorLink id={id} />
        </div>
      </div>
      <div className="grid-2">
        <section className="panel" aria-label="Configuration">
          <h2>Configuration</h2>
          <dl className="kv">
            <dt>Algorithm</dt><dd>{def.label} <code>{detector.algorithm}</code></dd>
            <dt>Threshold</dt><dd>{detector.threshold.toFixed(2)}</dd>
            <dt>Mode</dt><dd>{detector.mode.toLowerCase()}</dd>
            <dt>Training window</dt><dd>{detector.trainingWindowHours ? `${detector.trainingWindowHours} h` : def.needsTraining ? "168 h (default)" : "not needed"}</dd>
            {def.needsTraining && <><dt>Retrain schedule</dt><dd>{detector.retrainCron ? <><code>{detector.retrainCron}</code> (UTC)</> : "on demand only"}</dd></>}
            <dt>Watched sources</dt><dd>{detector.sources.length ? detector.sources.map((s) => s.source.name).join(", ") : "none (series picked one by one)"}</dd>
            <dt>Attached series</dt><dd>{formatNumber(detector._count.series)}</dd>
            <dt>Parameters</dt><dd><pre>{JSON.stringify(detector.params, null, 2)}</pre></dd>
          </dl>
        </section>
        <SubjectStatusPanel status={status} total={subjects.total} grouped={grouped} needsTraining={def.needsTraining} ungrouped={subjects.ungrouped} />
      </div>
      {members.length > 0 && (
        <section className="panel" aria-labelledby="detector-chart-title">
          <h2 id="detector-chart-title">Stored data and this detector&apos;s anomalies</h2>
          <DetectorSeriesChart detectorId={id} series={members.map((s) => ({ seriesId: s.seriesId, metric: s.metric, labels: s.labels }))} />
        </section>
      )}
      <EvaluationPanel detectorId={id} />
      <SuppressionPanel detectorId={id} />
      <AssistPanel detectorId={id} />
      {def.needsTraining && <ModelVersionsPanel detectorId={id} />}
      <section className="panel" aria-label="Recent anomalies">
        <h2>Recent anomalies</h2>
        <DataTable
          rows={anomalies}
          rowKey={(a) => a.id}
          empty="No anomalies yet."
          columns={[
            { header: "Start", cell: (a) => <Link href={`/anomalies/${a.id}`}>{formatDateTime(a.startTs)}</Link> },
            { header: "Series", cell: (a) => <Link href={`/series/${a.series.id}`}>{seriesTitle(a.series.metric, a.series.labels)}</Link> },
            { header: "Severity", cell: (a) => <span className={`badge sev-${a.severity.toLowerCase()}`}>{a.severity.toLowerCase()}</span> },
            { header: "Peak score", cell: (a) => a.peakScore.toFixed(3) },
            { header: "Actual / expected", cell: (a) => `${a.actual?.toPrecision(4) ?? "—"} / ${a.expected?.toPrecision(4) ?? "—"}` },
            { header: "Status", cell: (a) => a.status.toLowerCase() },
          ]}
        />
      </section>
      <BackfillForm
        id={id}
        needsTraining={def.needsTraining}
        highlight={(await searchParams).changed === "1"}
        defaultFrom={new Date(end.getTime() - 7 * 86400_000).toISOString()}
        defaultTo={end.toISOString()}
      />
    </>
  );
}
