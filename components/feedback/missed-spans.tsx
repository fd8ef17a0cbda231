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

export function MissedSpans({ detectorId, seriesId, metric, anomalies }: { detectorId: string; seriesId: string; metric: string; anomalies: { start: number; end: number }[] }) {
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
      <SeriesAnomalyChart
        seriesId={seriesId}
        metric={metric}
        anomalies={anomalies}
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
