"use client";
/**
 * Tick whole sources for a detector to watch: every series a ticked source has, and every series
 * it gets later, is scored. The way to cover a high-cardinality source.
 */
import { useWatchableSources } from "@/components/detectors/use-detectors";

export function SourceWatchPicker({ selected, onChange }: { selected: string[]; onChange: (ids: string[]) => void }) {
  const sources = useWatchableSources();
  const toggle = (id: string) => onChange(selected.includes(id) ? selected.filter((s) => s !== id) : [...selected, id]);
  return (
    <div className="source-watch" role="group" aria-label="Watched sources">
      <p className="hint">Watch whole sources (all their series, including new ones), or pick single series below.</p>
      {sources.error && <p className="error" role="alert">{sources.error.message}</p>}
      <ul className="pick-list">
        {sources.data?.map((s) => (
          <li key={s.id}>
            <label className="checkbox">
              <input type="checkbox" checked={selected.includes(s.id)} onChange={() => toggle(s.id)} />
              <span>{s.name} <span className="muted">{s.kind} · {s._count.series.toLocaleString("en-US")} series</span></span>
            </label>
          </li>
        ))}
        {sources.data?.length === 0 && <li className="muted">No sources yet.</li>}
      </ul>
    </div>
  );
}
