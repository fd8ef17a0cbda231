"use client";
/** Search the stored series and tick the ones a detector watches (the list is paginated on the server). */
import { useState } from "react";
import { formatLabels, seriesTitle } from "@/components/format";
import { useSeriesList, type SeriesRow } from "@/components/detectors/use-detectors";

const PAGE = 8;

export function SeriesPicker({ selected, onChange }: { selected: SeriesRow[]; onChange: (rows: SeriesRow[]) => void }) {
  const [q, setQ] = useState("");
  // Cursors of the pages before this one (keyset pages: Previous goes back along them).
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const page = cursors.length;
  const list = useSeriesList({ q, cursor: cursors.at(-1), limit: PAGE, count: true });
  const has = (id: string) => selected.some((s) => s.id === id);
  const toggle = (row: SeriesRow) => onChange(has(row.id) ? selected.filter((s) => s.id !== row.id) : [...selected, row]);
  const pages = Math.max(1, Math.ceil((list.data?.total ?? 0) / PAGE));
  const next = list.data?.nextCursor ?? null;

  return (
    <div className="series-picker">
      {selected.length > 0 && (
        <ul className="chips" aria-label="Attached series">
          {selected.map((s) => (
            <li key={s.id} className="chip">
              {seriesTitle(s.metric, s.labels)}
              <button type="button" className="link" aria-label={`Detach ${seriesTitle(s.metric, s.labels)}`} onClick={() => toggle(s)}>×</button>
            </li>
          ))}
        </ul>
      )}
      <input type="search" placeholder="Search metrics…" aria-label="Search series" value={q} onChange={(e) => (setQ(e.target.value), setCursors([undefined]))} />
      {list.error && <p className="error" role="alert">{list.error.message}</p>}
      <ul className="pick-list">
        {list.data?.items.map((s) => (
          <li key={s.id}>
            <label className="checkbox">
              <input type="checkbox" checked={has(s.id)} onChange={() => toggle(s)} />
              <span>{s.metric} <span className="muted">{formatLabels(s.labels)} · {s.source.name}</span></span>
            </label>
          </li>
        ))}
        {list.data?.items.length === 0 && <li className="muted">No series match.</li>}
      </ul>
      {pages > 1 && (
        <div className="pager">
          <button type="button" className="secondary" disabled={page <= 1} onClick={() => setCursors(cursors.slice(0, -1))}>Previous</button>
          <span className="muted">Page {page} of {pages}</span>
          <button type="button" className="secondary" disabled={!next} onClick={() => next && setCursors([...cursors, next])}>Next</button>
        </div>
      )}
    </div>
  );
}
