"use client";
/**
 * Suppression rules on the detector page: rules proposed from false-positive labels with their
 * what-if, the rules in force (incidents they suppress now), and, for admins, applying, editing
 * (with the edit's what-if), disabling and removing them. Suppressed incidents are kept and shown
 * in the queue on request (lib/feedback/README.md).
 */
import { useState } from "react";
import { DataTable } from "@/components/data-table";
import { useCan } from "@/components/use-can";
import { useChangeRule, useCreateRule, useDeleteRule, useRuleSuggestions, useRuleWhatIf, useSuppressionRules } from "@/components/feedback/use-suppression";
import { describeRule, type RuleConditions } from "@/lib/feedback/suppression";

const DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
type Draft = RuleConditions & { ruleId?: string; origin: "suggestion" | "manual" };

const conditions = (d: RuleConditions): RuleConditions => ({ seriesId: d.seriesId, hourFrom: d.hourFrom, hourTo: d.hourTo, weekdays: d.weekdays, scoreBelow: d.scoreBelow });
const numberOrNull = (v: string) => (v.trim() === "" ? null : Number(v));

function RuleEditor({ detectorId, draft, onDone }: { detectorId: string; draft: Draft; onDone: () => void }) {
  const [d, setD] = useState<Draft>(draft);
  const canWrite = useCan("detectors:write");
  const w = useRuleWhatIf(detectorId, {}, { ...conditions(d), excludeRuleId: d.ruleId });
  const create = useCreateRule(detectorId);
  const change = useChangeRule(detectorId);
  const error = w.error ?? create.error ?? change.error;
  const save = () =>
    d.ruleId
      ? change.mutate({ id: d.ruleId, change: conditions(d) }, { onSuccess: onDone })
      : create.mutate({ ...conditions(d), origin: d.origin }, { onSuccess: onDone });
  const toggleDay = (day: number) => setD({ ...d, weekdays: d.weekdays.includes(day) ? d.weekdays.filter((x) => x !== day) : [...d.weekdays, day].sort() });
  return (
    <form className="panel" aria-label="Rule" onSubmit={(e) => { e.preventDefault(); save(); }}>
      <p><strong>{describeRule(d)}</strong></p>
      <div className="feedback-row">
        <label>From hour (UTC)<input type="number" min={0} max={23} value={d.hourFrom ?? ""} onChange={(e) => setD({ ...d, hourFrom: numberOrNull(e.target.value) })} /></label>
        <label>To hour (UTC)<input type="number" min={0} max={23} value={d.hourTo ?? ""} onChange={(e) => setD({ ...d, hourTo: numberOrNull(e.target.value) })} /></label>
        <label>Peak score below<input type="number" min={0.01} max={1} step={0.01} value={d.scoreBelow ?? ""} onChange={(e) => setD({ ...d, scoreBelow: numberOrNull(e.target.value) })} /></label>
        <fieldset className="checks">
          <legend>Weekdays (none: any)</legend>
          {DAYS.map((name, i) => <label key={name}><input type="checkbox" checked={d.weekdays.includes(i + 1)} onChange={() => toggleDay(i + 1)} />{name}</label>)}
        </fieldset>
      </div>
      <p role="status" aria-label="Rule what-if">{w.data ? w.data.sentence : w.isFetching ? "Judging the rule on the labelled history…" : ""}</p>
      {error && <p className="error" role="alert">{error.message}</p>}
      {canWrite && <button type="submit" disabled={create.isPending || change.isPending}>{d.ruleId ? "Save rule" : "Apply rule"}</button>}{" "}
      <button type="button" className="secondary" onClick={onDone}>Cancel</button>
    </form>
  );
}

export function SuppressionPanel({ detectorId }: { detectorId: string }) {
  const canWrite = useCan("detectors:write");
  const rules = useSuppressionRules(detectorId);
  const suggestions = useRuleSuggestions(detectorId, {});
  const create = useCreateRule(detectorId);
  const change = useChangeRule(detectorId);
  const remove = useDeleteRule(detectorId);
  const [draft, setDraft] = useState<Draft | null>(null);
  const error = create.error ?? change.error ?? remove.error;
  return (
    <section className="panel" aria-labelledby="suppression-title">
      <h2 id="suppression-title">Suppression rules</h2>
      <p className="muted">A suppressed anomaly is kept and can be labelled; it does not alert, and the queue shows it when asked (filter &ldquo;Suppressed by a rule&rdquo;).</p>
      <h3>Suggested from false positives</h3>
      {suggestions.error && <p className="error" role="alert">{suggestions.error.message}</p>}
      {!suggestions.data ? <p className="muted">Reading the labels…</p> : suggestions.data.items.length === 0 ? <p className="muted">No suggestion: a rule needs at least 3 false positives that share a time of day or lie below every true positive&apos;s score.</p> : (
        <ul aria-label="Suggested suppression rules">
          {suggestions.data.items.map((s) => (
            <li key={s.description}>
              <strong>{s.description}</strong> ({s.why}). {s.whatIf.sentence}{" "}
              <button type="button" className="secondary" onClick={() => setDraft({ ...conditions(s), origin: "suggestion" })}>Edit first</button>{" "}
              {canWrite && <button type="button" disabled={create.isPending} onClick={() => create.mutate({ ...conditions(s), origin: "suggestion" })}>Apply rule: {s.description}</button>}
            </li>
          ))}
        </ul>
      )}
      {draft && <RuleEditor key={JSON.stringify(draft)} detectorId={detectorId} draft={draft} onDone={() => setDraft(null)} />}
      <h3>In force</h3>
      {error && <p className="error" role="alert">{error.message}</p>}
      <DataTable rows={rules.data ?? []} rowKey={(r) => r.id} empty="No suppression rules."
        columns={[
          { header: "Rule", cell: (r) => r.description },
          { header: "State", cell: (r) => (r.enabled ? "enabled" : "disabled") },
          { header: "Suppressing", cell: (r) => r.suppressing },
          { header: "From", cell: (r) => r.origin },
          ...(canWrite ? [{
            header: "Actions",
            cell: (r: NonNullable<typeof rules.data>[number]) => (
              <span className="actions-inline">
                <button type="button" className="secondary" onClick={() => change.mutate({ id: r.id, change: { enabled: !r.enabled } })}>{r.enabled ? "Disable" : "Enable"}</button>
                {r.origin !== "assist" && <button type="button" className="secondary" onClick={() => setDraft({ ...conditions(r), ruleId: r.id, origin: "manual" })}>Edit</button>}
                <button type="button" className="secondary" onClick={() => remove.mutate(r.id)}>Remove</button>
              </span>
            ),
          }] : []),
        ]} />
    </section>
  );
}
