"use client";
/**
 * The detector judged by its labels: precision, recall and F1 over a period (unlabelled anomalies
 * apart), the weekly trend, per model version, the precision-recall curve over the threshold, the
 * suggested thresholds, and the what-if of a proposed one.
 */
import { useState } from "react";
import { TimeSeriesChart } from "@/components/charts/time-series-chart";
import { DataTable } from "@/components/data-table";
import { formatDateTime } from "@/components/format";
import { curveRows, percent, trendRows } from "@/components/feedback/chart-rows";
import { LabelTransfer } from "@/components/feedback/label-transfer";
import { useEvaluation, type Period } from "@/components/feedback/use-feedback";
import { WhatIfPanel } from "@/components/feedback/what-if-panel";
import { suggestForRecall, type Suggestion } from "@/lib/feedback/curve";
import type { Metrics } from "@/lib/feedback/evaluate";

/** Why the flood guard held a lower threshold back (lib/feedback/curve.ts `floodReason`). */
function Withheld({ s }: { s: Suggestion | null | undefined }) {
  if (!s?.withheld) return null;
  return <p className="hint" role="note">Withheld: {s.withheld.threshold.toFixed(2)} scores better on these labels, but {s.withheld.reason}.</p>;
}

export function MetricCards({ m }: { m: Metrics }) {
  const cards: [string, string][] = [
    ["Precision", percent(m.precision)], ["Recall", percent(m.recall)], ["F1", percent(m.f1)],
    ["True positives", String(m.tp)], ["False positives", String(m.fp)], ["Missed (false negatives)", String(m.fn)],
    ["Unlabelled", String(m.unlabelled)], ["Unsure", String(m.unsure)],
  ];
  return <dl className="metrics">{cards.map(([k, v]) => <div key={k}><dt>{k}</dt><dd>{v}</dd></div>)}</dl>;
}

const dayInput = (iso: string) => iso.slice(0, 10);

export function EvaluationPanel({ detectorId }: { detectorId: string }) {
  const [period, setPeriod] = useState<Period>({});
  const [target, setTarget] = useState(0.9);
  const [proposed, setProposed] = useState<number | null>(null);
  const q = useEvaluation(detectorId, period);
  const e = q.data;
  const recallSuggestion = e && e.curve.length ? suggestForRecall(e.curve, target, e.rescoredCurrent) : null;
  const forRecall = recallSuggestion && !(recallSuggestion.withheld && recallSuggestion.threshold === e?.detector.threshold) ? recallSuggestion.metrics : undefined;
  return (
    <section className="panel" aria-labelledby="evaluation-title">
      <h2 id="evaluation-title">Evaluation from labels</h2>
      <form className="feedback-row" aria-label="Period" onSubmit={(ev) => ev.preventDefault()}>
        <label>From (UTC)<input type="date" value={period.from ? dayInput(period.from) : e ? dayInput(e.period.from) : ""} onChange={(ev) => ev.target.value && setPeriod({ ...period, from: `${ev.target.value}T00:00:00Z` })} /></label>
        <label>To (UTC)<input type="date" value={period.to ? dayInput(period.to) : e ? dayInput(e.period.to) : ""} onChange={(ev) => ev.target.value && setPeriod({ ...period, to: `${ev.target.value}T23:59:59Z` })} /></label>
        <LabelTransfer detectorId={detectorId} />
      </form>
      {q.error && <p className="error" role="alert">{q.error.message}</p>}
      {!e ? <p className="muted">Scoring the labelled history…</p> : (
        <>
          <p className="muted">
            {formatDateTime(e.period.from)} to {formatDateTime(e.period.to)}: {e.labels.positives} true and {e.labels.negatives} false positives labelled, {e.labels.unsure} unsure, {e.labels.missed} missed spans.
            Unlabelled anomalies are counted apart, never as right or wrong.
          </p>
          <h3>Stored anomalies at threshold {e.detector.threshold.toFixed(2)}</h3>
          <MetricCards m={e.stored} />
          <div className="grid-2">
            <div>
              <h3>Per week</h3>
              <TimeSeriesChart ariaLabel="Precision and recall per week" rows={trendRows(e.trend)} yDomain={[0, 1]} height={220}
                series={[{ key: "precision", name: "Precision", color: "#2f5fd0", kind: "line" }, { key: "recall", name: "Recall", color: "#b42318", kind: "line" }]} />
            </div>
            <div>
              <h3>Over the threshold</h3>
              <TimeSeriesChart ariaLabel="Precision, recall and F1 over the threshold, from re-scoring the labelled history" rows={curveRows(e.curve)} yDomain={[0, 1]} height={220}
                xAxis={{ format: (x) => x.toFixed(2), label: "threshold" }}
                series={[{ key: "precision", name: "Precision", color: "#2f5fd0", kind: "line" }, { key: "recall", name: "Recall", color: "#b42318", kind: "line" }, { key: "f1", name: "F1", color: "#145c32", kind: "line", dashed: true }]} />
              <p className="hint">Re-scored with this detector&apos;s configuration over {e.rescored.series} of {e.rescored.seriesTotal} {e.rescored.unit}{e.rescored.unit === "groups" ? ", each with its model as the worker scores it" : ""} (labelled ones first).</p>
            </div>
          </div>
          <h3>Suggested thresholds</h3>
          {e.suggestions.needLabels !== null ? <p className="muted">A suggestion needs at least {e.suggestions.needLabels} labelled anomalies or missed spans, true and false ones among them.</p> : (
          <ul aria-label="Suggested thresholds">
            <li>
              {e.suggestions.bestF1 && e.suggestions.bestF1.threshold === e.detector.threshold ? <>Best F1: the current threshold {e.detector.threshold.toFixed(2)} is already the best on these labels (precision {percent(e.suggestions.bestF1.metrics.precision)}, recall {percent(e.suggestions.bestF1.metrics.recall)}).</> : e.suggestions.bestF1 ? <>Best F1: <strong>{e.suggestions.bestF1.threshold.toFixed(2)}</strong> (precision {percent(e.suggestions.bestF1.metrics.precision)}, recall {percent(e.suggestions.bestF1.metrics.recall)}) <button type="button" className="secondary" onClick={() => setProposed(e.suggestions.bestF1!.threshold)}>What if {e.suggestions.bestF1.threshold.toFixed(2)}?</button></> : "Best F1: label some anomalies first."}
              <Withheld s={e.suggestions.bestF1} />
            </li>
            <li>
              <label className="inline-label">Keep recall at least <input className="target-recall" type="number" min={0} max={1} step={0.05} value={target} onChange={(ev) => setTarget(Number(ev.target.value))} aria-label="Target recall" /></label>{" "}
              {forRecall ? <>with the fewest anomalies: <strong>{forRecall.threshold.toFixed(2)}</strong> ({forRecall.events} anomalies, precision {percent(forRecall.precision)}) <button type="button" className="secondary" onClick={() => setProposed(forRecall.threshold)}>What if {forRecall.threshold.toFixed(2)}?</button></> : "no threshold reaches it."}
              <Withheld s={recallSuggestion} />
            </li>
          </ul>
          )}
          {e.byModelVersion.length > 0 && (
            <>
              <h3>Per model version</h3>
              <DataTable rows={e.byModelVersion} rowKey={(v) => v.id} empty="No model versions."
                columns={[
                  { header: "Version", cell: (v) => `v${v.version}${v.active ? " (active)" : ""}` },
                  { header: "Trained on", cell: (v) => `${formatDateTime(v.trainedFrom)} to ${formatDateTime(v.trainedTo)}` },
                  { header: "Precision", cell: (v) => percent(v.metrics.precision) },
                  { header: "Recall", cell: (v) => percent(v.metrics.recall) },
                  { header: "F1", cell: (v) => percent(v.metrics.f1) },
                  { header: "Anomalies", cell: (v) => v.metrics.events },
                ]} />
            </>
          )}
          <WhatIfPanel detectorId={detectorId} period={period} current={e.detector.threshold} proposed={proposed} onPropose={setProposed} lastApplied={e.lastApplied} suggested={e.suggestions.bestF1?.threshold ?? null} />
        </>
      )}
    </section>
  );
}
