"use client";
/** The queue's filters. They live in the URL (every key may repeat), so a view can be shared. */
import { useState } from "react";
import { ANOMALY_SORTS, ANOMALY_STATUSES, DETECTION_STATES, LABEL_FILTERS, SEVERITIES } from "@/lib/anomalies/schemas";
import type { Assignee } from "@/lib/anomalies/schemas";
import type { AnomalyFilter } from "@/components/anomalies/use-anomalies";

export interface Named {
  id: string;
  name: string;
}

const SORT_LABELS: Record<(typeof ANOMALY_SORTS)[number], string> = {
  "-startTs": "Newest first",
  startTs: "Oldest first",
  "-peakScore": "Highest score",
  "-severity": "Most severe",
};

const asList = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const lower = (s: string) => s.toLowerCase().replace("_", " ");

function Checks({ name, legend, values, filter, onChange }: { name: string; legend: string; values: readonly string[]; filter: AnomalyFilter; onChange: (f: AnomalyFilter) => void }) {
  const chosen = asList(filter[name]);
  return (
    <fieldset className="checks">
      <legend>{legend}</legend>
      {values.map((v) => (
        <label key={v}>
          <input
            type="checkbox"
            checked={chosen.includes(v)}
            onChange={(e) => onChange({ ...filter, [name]: e.target.checked ? [...chosen, v] : chosen.filter((c) => c !== v) })}
          />
          {lower(v)}
        </label>
      ))}
    </fieldset>
  );
}

function Select({ name, label, options, filter, onChange, any = "any" }: { name: string; label: string; options: { value: string; label: string }[]; filter: AnomalyFilter; onChange: (f: AnomalyFilter) => void; any?: string }) {
  return (
    <label>
      {label}
      <select value={asList(filter[name])[0] ?? ""} onChange={(e) => onChange({ ...filter, [name]: e.target.value || undefined })}>
        <option value="">{any}</option>
        {options.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
      </select>
    </label>
  );
}

/** datetime-local shows and edits UTC here, like every time on the pages. */
const toLocalInput = (iso: string | undefined) => (iso ? iso.slice(0, 16) : "");
const fromLocalInput = (v: string) => (v ? `${v}:00Z` : undefined);

export function QueueFilters({ filter, onChange, sources, detectors, assignees }: { filter: AnomalyFilter; onChange: (f: AnomalyFilter) => void; sources: Named[]; detectors: Named[]; assignees: Assignee[] }) {
  const [metric, setMetric] = useState(asList(filter.metric)[0] ?? "");
  const [label, setLabel] = useState(asList(filter.seriesLabel).join(", "));
  const text = () => onChange({ ...filter, metric: metric.trim() || undefined, seriesLabel: label.split(",").map((s) => s.trim()).filter(Boolean) });
  return (
    <form className="queue-filters panel" aria-label="Filters" onSubmit={(e) => { e.preventDefault(); text(); }}>
      <Checks name="status" legend="Status" values={ANOMALY_STATUSES} filter={filter} onChange={onChange} />
      <Checks name="severity" legend="Severity" values={SEVERITIES} filter={filter} onChange={onChange} />
      <Checks name="detection" legend="Detection (default: active)" values={DETECTION_STATES} filter={filter} onChange={onChange} />
      <div className="filter-row">
        <Select name="sourceId" label="Source" options={sources.map((s) => ({ value: s.id, label: s.name }))} filter={filter} onChange={onChange} />
        <Select name="detectorId" label="Detector" options={detectors.map((d) => ({ value: d.id, label: d.name }))} filter={filter} onChange={onChange} />
        <Select
          name="assignee"
          label="Assignee"
          options={[{ value: "me", label: "me" }, { value: "none", label: "unassigned" }, ...assignees.map((u) => ({ value: u.id, label: u.email }))]}
          filter={filter}
          onChange={onChange}
        />
        <Select name="label" label="Analyst label" options={LABEL_FILTERS.map((l) => ({ value: l, label: l === "NONE" ? "unlabelled" : lower(l) }))} filter={filter} onChange={onChange} />
        <Select name="suppressed" label="Suppressed by a rule" any="hidden" options={[{ value: "include", label: "shown" }, { value: "only", label: "only these" }]} filter={filter} onChange={onChange} />
        <Select name="sort" label="Sort" any="Newest first" options={ANOMALY_SORTS.filter((s) => s !== "-startTs").map((s) => ({ value: s, label: SORT_LABELS[s] }))} filter={filter} onChange={onChange} />
      </div>
      <div className="filter-row">
        <label>Metric<input value={metric} onChange={(e) => setMetric(e.target.value)} onBlur={text} placeholder="exact name" /></label>
        <label>Series labels<input value={label} onChange={(e) => setLabel(e.target.value)} onBlur={text} placeholder="host=a, region=eu" /></label>
        <label>From (UTC)<input type="datetime-local" value={toLocalInput(asList(filter.from)[0])} onChange={(e) => onChange({ ...filter, from: fromLocalInput(e.target.value) })} /></label>
        <label>To (UTC)<input type="datetime-local" value={toLocalInput(asList(filter.to)[0])} onChange={(e) => onChange({ ...filter, to: fromLocalInput(e.target.value) })} /></label>
        <button type="submit" className="secondary">Apply</button>
        <button type="button" className="secondary" onClick={() => { setMetric(""); setLabel(""); onChange({}); }}>Clear filters</button>
      </div>
    </form>
  );
}
