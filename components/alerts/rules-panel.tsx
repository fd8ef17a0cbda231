"use client";
/** Rules: what each one sends where; enable, disable, edit, delete. */
import { useState } from "react";
import { useCan } from "@/components/use-can";
import { formatMatcher } from "@/lib/alerting/matchers";
import { describeMute } from "@/lib/alerting/mute";
import { ConfirmButton } from "@/components/sources/confirm-button";
import { RuleForm, type Named } from "@/components/alerts/rule-form";
import { useDeleteRule, useRules, useUpdateRule, type RuleRow } from "@/components/alerts/use-alerts";
import s from "@/components/sources/sources.module.css";

function conditions(r: RuleRow): string {
  const parts = [`≥ ${r.minSeverity.toLowerCase()}`];
  if (r.source) parts.push(`source ${r.source.name}`);
  if (r.detector) parts.push(`detector ${r.detector.name}`);
  if (r.matchers.length) parts.push(r.matchers.map(formatMatcher).join(", "));
  if (r.direction !== "ANY") parts.push(`${r.direction.toLowerCase()} expected`);
  if (r.minDeviation !== null) parts.push(`deviation ≥ ${r.minDeviation}${r.deviationUnit === "PERCENT" ? "%" : ""}`);
  if (r.minDurationSeconds) parts.push(`lasting ≥ ${r.minDurationSeconds} s`);
  if (r.includeHistorical) parts.push("old data too");
  for (const m of r.muteTimings) parts.push(`quiet ${describeMute(m, r.muteTimeZone)}`);
  if (r.groupWaitSeconds !== null) parts.push(`grouped by source${r.groupBy.length ? `, ${r.groupBy.join(", ")}` : ""} (wait ${r.groupWaitSeconds} s, then every ${r.groupIntervalMinutes} min)`);
  if (r.escalateAfterMinutes !== null && r.escalationChannel) parts.push(`escalate to ${r.escalationChannel.name} after ${r.escalateAfterMinutes} min unacknowledged`);
  return parts.join(" · ");
}

export function RulesPanel({ detectors, sources }: { detectors: Named[]; sources: Named[] }) {
  const canWrite = useCan("alerts:write");
  const rules = useRules();
  const update = useUpdateRule();
  const remove = useDeleteRule();
  const [editing, setEditing] = useState<string | null>(null);
  return (
    <section className="panel" aria-labelledby="rules-title">
      <h2 id="rules-title">Rules</h2>
      {rules.error && <p className="error" role="alert">{rules.error.message}</p>}
      {rules.data?.length === 0 && <div className="empty">No rules yet: nothing is sent.</div>}
      {!!rules.data?.length && (
        <div className="table-scroll">
          <table className="table" aria-label="Rules">
            <thead><tr><th>Name</th><th>When</th><th>Channel</th><th>Cooldown</th><th>Resolve</th><th>Enabled</th>{canWrite && <th>Actions</th>}</tr></thead>
            <tbody>
              {rules.data.map((r) => (
                <tr key={r.id}>
                  <td>{r.name}</td>
                  <td>{conditions(r)}</td>
                  <td>{r.channel.name}</td>
                  <td>{r.cooldownMinutes} min</td>
                  <td>{r.notifyResolved ? "yes" : "no"}</td>
                  <td>{r.enabled ? "yes" : "no"}</td>
                  {canWrite && (
                    <td><div className={s.actions}>
                      <button type="button" className={s.secondary} disabled={update.isPending} onClick={() => update.mutate({ id: r.id, enabled: !r.enabled })}>{r.enabled ? "Disable" : "Enable"}</button>
                      <button type="button" className={s.secondary} aria-pressed={editing === r.id} onClick={() => setEditing(editing === r.id ? null : r.id)}>Edit</button>
                      <ConfirmButton label="Delete" question={`Delete rule ${r.name}?`} confirmLabel="Delete rule" pending={remove.isPending} onConfirm={() => remove.mutate(r.id)} />
                    </div></td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {(update.error ?? remove.error) && <p className="error" role="alert">{(update.error ?? remove.error)?.message}</p>}
      {canWrite && rules.data?.filter((r) => r.id === editing).map((r) => <RuleForm key={r.id} rule={r} detectors={detectors} sources={sources} onDone={() => setEditing(null)} />)}
      {canWrite && <RuleForm detectors={detectors} sources={sources} />}
    </section>
  );
}
