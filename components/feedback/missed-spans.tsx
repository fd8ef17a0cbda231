"use client";
/**
 * Under the detector page's series chart: an analyst drags across a span the detector should have
 * flagged (or types its start and end) and marks it missed. The chart shades marked spans brown
 * (`useMarkedMissed`); this form and the list of marked spans live here.
 */
import { formatDateTime } from "@/components/format";
import { useAddMissed, useMissed } from "@/components/feedback/use-feedback";
import { useState } from "react";

export const toInput = (t: number) => new Date(t).toISOString().slice(0, 16);
const fromInput = (s: string) => Date.parse(`${s}:00Z`);

export type Span = { start: string; end: string };

/** The spans marked missed on this detector and series, for the chart. */
export function useMarkedMissed(detectorId: string, seriesId: string) {
  const missed = useMissed(detectorId, seriesId);
  return (missed.data ?? []).map((m) => ({ start: Date.parse(m.start), end: Date.parse(m.end) }));
}

export function MissedSpans({ detectorId, seriesId, span, setSpan, canLabel }: {
  detectorId: string;
  seriesId: string;
  span: Span | null;
  setSpan: (span: Span | null) => void;
  canLabel: boolean;
}) {
  const missed = useMissed(detectorId, seriesId);
  const add = useAddMissed();
  const [note, setNote] = useState("");
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
      {(missed.data ?? []).length > 0 && (
        <ul aria-label="Marked missed">
          {(missed.data ?? []).map((m) => <li key={m.id}>Missed {formatDateTime(m.start)} to {formatDateTime(m.end)} <span className="muted">by {m.user.email}{m.note ? `: ${m.note}` : ""}</span></li>)}
        </ul>
      )}
    </>
  );
}
