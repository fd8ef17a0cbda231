"use client";
/**
 * The detector form's grouping fields (multivariate algorithms only): score the attached series in
 * groups, one vector per time step, grouped by labels (one model per group, e.g. per host) or the
 * selected series as one group. lib/detectors/grouping.ts has the rules.
 */
import type { Grouping, GroupingInput } from "@/lib/detectors/grouping";

export interface GroupingForm {
  on: boolean;
  kind: "labels" | "selected";
  by: string;
  metrics: string;
  stepSeconds: string;
  aggregate: "last" | "mean" | "min" | "max";
  missing: "impute" | "skip";
}

const list = (s: string) => s.split(",").map((x) => x.trim()).filter(Boolean);

export function toGroupingForm(g: GroupingInput | null | undefined): GroupingForm {
  return {
    on: !!g,
    kind: g?.seriesIds ? "selected" : "labels",
    by: g?.by?.join(", ") ?? "host",
    metrics: g?.metrics?.join(", ") ?? "",
    stepSeconds: String(g?.stepSeconds ?? 60),
    aggregate: g?.aggregate ?? "last",
    missing: g?.missing ?? "impute",
  };
}

/** The API's `grouping` from the form; `selected`: the series picked below, in their order. */
export function toGrouping(f: GroupingForm, selected: string[]): Grouping | null {
  if (!f.on) return null;
  const common = { stepSeconds: Number(f.stepSeconds), aggregate: f.aggregate, missing: f.missing };
  return f.kind === "labels" ? { by: list(f.by), metrics: list(f.metrics), ...common } : { seriesIds: selected, ...common };
}

export function GroupingFields({ value, onChange, errors }: { value: GroupingForm; onChange: (v: GroupingForm) => void; errors: Record<string, string> }) {
  const set = <K extends keyof GroupingForm>(k: K, v: GroupingForm[K]) => onChange({ ...value, [k]: v });
  const err = (k: string) => errors[`grouping.${k}`] && <small className="error" role="alert">{errors[`grouping.${k}`]}</small>;
  return (
    <fieldset>
      <legend>Groups of series</legend>
      <label className="checkbox field-inline">
        <input type="checkbox" checked={value.on} onChange={(e) => set("on", e.target.checked)} /> Score groups of series as one vector per time step
      </label>
      {errors.grouping && <small className="error" role="alert">{errors.grouping}</small>}
      {value.on && (
        <>
          <div className="form-row">
            <div className="field">
              <label htmlFor="grouping-kind">Groups</label>
              <select id="grouping-kind" value={value.kind} onChange={(e) => set("kind", e.target.value as GroupingForm["kind"])}>
                <option value="labels">One per label value (e.g. per host)</option>
                <option value="selected">The selected series, as one group</option>
              </select>
            </div>
            {value.kind === "labels" && (
              <>
                <div className="field">
                  <label htmlFor="grouping-by">Group by labels</label>
                  <input id="grouping-by" value={value.by} onChange={(e) => set("by", e.target.value)} aria-describedby="grouping-by-hint" />
                  <small className="hint" id="grouping-by-hint">Comma-separated, e.g. host</small>
                  {err("by")}
                </div>
                <div className="field">
                  <label htmlFor="grouping-metrics">Member metrics</label>
                  <input id="grouping-metrics" value={value.metrics} onChange={(e) => set("metrics", e.target.value)} aria-describedby="grouping-metrics-hint" />
                  <small className="hint" id="grouping-metrics-hint">Comma-separated, in vector order, e.g. cpu, mem, latency. A group is scored once it has all of them.</small>
                  {err("metrics")}
                </div>
              </>
            )}
          </div>
          <div className="form-row">
            <div className="field">
              <label htmlFor="grouping-step">Step (seconds)</label>
              <input id="grouping-step" type="number" min={1} step={1} value={value.stepSeconds} onChange={(e) => set("stepSeconds", e.target.value)} />
              {err("stepSeconds")}
            </div>
            <div className="field">
              <label htmlFor="grouping-aggregate">Value per step</label>
              <select id="grouping-aggregate" value={value.aggregate} onChange={(e) => set("aggregate", e.target.value as GroupingForm["aggregate"])}>
                <option value="last">last point</option>
                <option value="mean">mean</option>
                <option value="min">min</option>
                <option value="max">max</option>
              </select>
            </div>
            <div className="field">
              <label htmlFor="grouping-missing">A member without a point in a step</label>
              <select id="grouping-missing" value={value.missing} onChange={(e) => set("missing", e.target.value as GroupingForm["missing"])}>
                <option value="impute">takes its previous value</option>
                <option value="skip">skips the step</option>
              </select>
            </div>
          </div>
          <p className="hint">
            A step is scored once every member has a point after it (a member more than 10 steps behind stops holding it). Late points re-score the steps they fall in. A group that
            appears later (a new host) gets its own model.
          </p>
          {err("seriesIds")}
        </>
      )}
    </fieldset>
  );
}
