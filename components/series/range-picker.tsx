"use client";
/** Presets (1 h, 24 h, 7 d, 30 d, all), zoom out, and a typed UTC range. */
import { useState } from "react";
import { RANGE_PRESETS, matchingPreset, presetRange, zoomOut, type TimeRange } from "@/lib/series/schemas";

const toInput = (t: number) => new Date(t).toISOString().slice(0, 16);
const fromInput = (v: string) => Date.parse(`${v}:00Z`);

export function RangePicker({ range, extent, onChange }: { range: TimeRange; extent: TimeRange; onChange: (r: TimeRange | null) => void }) {
  const current = matchingPreset(range, extent);
  const [typed, setTyped] = useState({ key: `${range.from}-${range.to}`, from: toInput(range.from), to: toInput(range.to) });
  if (typed.key !== `${range.from}-${range.to}`) setTyped({ key: `${range.from}-${range.to}`, from: toInput(range.from), to: toInput(range.to) });
  const f = fromInput(typed.from);
  const t = fromInput(typed.to);
  const valid = Number.isFinite(f) && Number.isFinite(t) && f < t;
  return (
    <div className="range-picker">
      <div role="group" aria-label="Range presets" className="range-presets">
        {RANGE_PRESETS.map((p) => (
          <button key={p.key} type="button" className={current === p.key ? undefined : "secondary"} aria-pressed={current === p.key} onClick={() => onChange(p.key === "all" ? null : presetRange(p.key, extent))}>
            {p.label}
          </button>
        ))}
        <button type="button" className="secondary" disabled={range.from <= extent.from && range.to >= extent.to} onClick={() => onChange(zoomOut(range, extent))}>
          Zoom out
        </button>
      </div>
      <form className="range-typed" onSubmit={(e) => (e.preventDefault(), valid && onChange({ from: f, to: t }))}>
        <label>From (UTC)<input type="datetime-local" value={typed.from} onChange={(e) => setTyped({ ...typed, from: e.target.value })} /></label>
        <label>To (UTC)<input type="datetime-local" value={typed.to} onChange={(e) => setTyped({ ...typed, to: e.target.value })} /></label>
        <button type="submit" className="secondary" disabled={!valid}>Show range</button>
      </form>
    </div>
  );
}
