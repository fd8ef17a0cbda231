"use client";
/**
 * The detector page's series chart, where an analyst drags across a span the detector should have
 * flagged and marks it missed (the start and end can also be typed). Marked spans are shaded brown.
 */
import { useState } from "react";
import { formatDateTime } from "@/components/format";
import { useCan } from "@/components/use-can";
import { SeriesAnomalyChart } from "@/components/detectors/series-anomaly-chart";
import { useAddMissed, useMissed } from "@/components/feedback/use-feedback";

const toInput = (t: number) => new Date(t).toISOString().slice(0, 16);
const fromInput = (s: string) => Date.parse(`${s}:00Z`);

interface Props {
  detectorId: string;
  /** The detector's series (the first is shown first). */
  series: { id: string; metric: string }[];
  anomalies: { seriesId: string; start: number; end: number }[];
}

export function MissedSpans({ detectorId, series, anomalies }: Props) {
  const [seriesId, setSeriesId] = useState(series[0].id);
  const metric = series.find((s) => s.id === seriesId)?.metric ?? "";
  const missed = useMissed(detectorId, seriesId);
  const add = useAddMissed();
  const canLabel = useCan("anomalies:label");
  const [span, setSpan] = useState<{ start: string; end: string } | null>(null);
  const [note, setNote] = useState("");
  const marked = (missed.data ?? []).map((m) => ({ start: Date.parse(m.start), end: Date.parse(m.end) }));
  const submit = () => {
    if (!span) return;
    const start = fromInput(span.start);
    const end = fromInput(span.end);
    if (!Number.isFinite(start) || !Number.isFinite(end)) return;
    add.mutate(
      { detectorId, seriesId, start: new Date(start).toISOString(), end: new Date(end).toISOString(), ...(note.trim() ? { note: note.trim() } : {}) },
      { onSuccess: () => { setSpan(null); setNote(""); } },
    );
  };
  return (
    <>
      <h2>
        {series.length > 1 ? (
          <select aria-label="Series shown" value={seriesId} onChange={(e) => { setSeriesId(e.target.value); setSpan(null); }}>
            {series.map((s) => <option key={s.id} value={s.id}>{s.metric}</option>)}
          </select>
        ) : metric}
      </h2>
      <SeriesAnomalyChart
        key={seriesId}
        seriesId={seriesId}
        metric={metric}
        anomalies={anomalies.filter((a) => a.seriesId === seriesId)}
        marked={marked}
        onSelectRange={canLabel ? (a, b) => setSpan({ start: toInput(a), end: toInput(b) }) : undefined}
      />
      {canLabel && (
        <form className="feedback-row" aria-label="Mark a missed anomaly" onSubmit={(e) => { e.preventDefault(); submit(); }}>
          {!span && <p className="hint">Drag across the chart to mark a span the detector missed, or <button type="button" className="secondary" onClick={() => setSpan({ start: "", end: "" })}>type one</button>.</p>}
          {span && (
            <>
              <label>Missed from (UTC)<input type="datetime-local" required value={span.start} onChange={(e) => setSpan({ ...span, start: e.target.value })} /></label>
              <label>to (UTC)<input type="datetime-local" required value={span.end} onChange={(e) => setSpan({ ...span, end: e.target.value })} /></label>
              <label>Note (optional)<input value={note} onChange={(e) => setNote(e.target.value)} maxLength={2000} /></label>
              <button type="submit" disabled={add.isPending}>Mark as missed</button>
              <button type="button" className="secondary" onClick={() => setSpan(null)}>Cancel</button>
            </>
          )}
        </form>
      )}
      {add.error && <p className="error" role="alert">{add.error.message}</p>}
      {marked.length > 0 && (
        <ul aria-label="Marked missed">
          {(missed.data ?? []).map((m) => <li key={m.id}>Missed {formatDateTime(m.start)} to {formatDateTime(m.end)} <span className="muted">by {m.user.email}{m.note ? `: ${m.note}` : ""}</span></li>)}
        </ul>
      )}
    </>
  );
}
