"use client";
/**
 * An alert rule's form, new or editing one: which anomalies (source, detector, label matchers,
 * severity, direction, deviation, duration) go to which channel, grouped or not, quiet hours,
 * escalation. Editing shows the first quiet-hours interval; the others are kept.
 */
import { useState, type FormEvent } from "react";
import { fieldErrorOf, hasFieldErrors } from "@/lib/client/api";
import { formatMatcher, parseMatchers } from "@/lib/alerting/matchers";
import { SEVERITIES } from "@/lib/alerting/alert";
import { WEEKDAYS } from "@/lib/alerting/mute";
import { useChannels, useCreateRule, useUpdateRule, type RuleRow } from "@/components/alerts/use-alerts";
import s from "@/components/sources/sources.module.css";
import a from "@/components/alerts/alerts.module.css";

export interface Named { id: string; name: string }

/** "host, env" -> ["host", "env"] */
export function parseLabelList(text: string): string[] {
  return text.split(/[\s,]+/).map((t) => t.trim()).filter(Boolean);
}

export function RuleForm({ detectors, sources, rule, onDone }: { detectors: Named[]; sources: Named[]; rule?: RuleRow; onDone?: () => void }) {
  const channels = useChannels();
  const create = useCreateRule();
  const update = useUpdateRule();
  const write = rule ? update : create;
  const [localError, setLocalError] = useState<string | null>(null);
  const fieldError = (path: string) => fieldErrorOf(write.error, path);
  const quiet = rule?.muteTimings[0];
  const grouped = rule ? rule.groupWaitSeconds !== null : false;

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setLocalError(null);
    const form = e.currentTarget;
    const f = new FormData(form);
    const str = (k: string) => String(f.get(k) ?? "").trim();
    let matchers;
    try {
      matchers = parseMatchers(str("matchers"));
    } catch (err) {
      return setLocalError(`Label matchers: ${(err as Error).message}`);
    }
    const input = {
      name: str("name"), channelId: str("channelId"), detectorId: str("detectorId") || null, sourceId: str("sourceId") || null, matchers,
      minSeverity: str("minSeverity"), direction: str("direction"), minDeviation: str("minDeviation") === "" ? null : Number(str("minDeviation")),
      deviationUnit: str("deviationUnit"), minDurationSeconds: Number(str("minDurationSeconds") || 0), cooldownMinutes: Number(str("cooldownMinutes") || 0),
      notifyResolved: f.get("notifyResolved") === "on", includeHistorical: f.get("includeHistorical") === "on",
      muteTimings: [
        ...(str("quietFrom") && str("quietUntil") ? [{ weekdays: f.getAll("quietDays").map(String), start: str("quietFrom"), end: str("quietUntil") }] : []),
        ...(rule?.muteTimings.slice(1) ?? []),
      ],
      muteTimeZone: str("muteTimeZone") || "UTC",
      escalateAfterMinutes: str("escalateAfterMinutes") === "" ? null : Number(str("escalateAfterMinutes")),
      escalationChannelId: str("escalationChannelId") || null,
      groupWaitSeconds: f.get("grouped") === "on" ? Number(str("groupWaitSeconds") || 0) : null,
      groupBy: parseLabelList(str("groupBy")),
      groupIntervalMinutes: Number(str("groupIntervalMinutes") || 5),
    };
    if (rule) {
      if (await update.mutateAsync({ id: rule.id, ...input }).then(() => true, () => false)) onDone?.();
    } else if (await create.mutateAsync(input).then(() => true, () => false)) form.reset();
  }

  return (
    <form className={s.form} onSubmit={onSubmit} aria-label={rule ? `Edit rule ${rule.name}` : "New rule"} noValidate>
      <h3>{rule ? `Edit ${rule.name}` : "New rule"}</h3>
      <label>Name<input name="name" required maxLength={100} placeholder="e.g. production CPU" defaultValue={rule?.name} /><span className={s.fieldError}>{fieldError("name")}</span></label>
      <label>Channel
        <select name="channelId" required defaultValue={rule?.channel.id ?? ""}>
          <option value="" disabled>choose a channel</option>
          {channels.data?.map((c) => <option key={c.id} value={c.id}>{c.name} ({c.kind.toLowerCase()})</option>)}
        </select>
        <span className={s.fieldError}>{fieldError("channelId")}</span>
      </label>
      <label>Source<select name="sourceId" defaultValue={rule?.source?.id ?? ""}><option value="">any</option>{sources.map((x) => <option key={x.id} value={x.id}>{x.name}</option>)}</select></label>
      <label>Detector<select name="detectorId" defaultValue={rule?.detector?.id ?? ""}><option value="">any</option>{detectors.map((x) => <option key={x.id} value={x.id}>{x.name}</option>)}</select></label>
      <label>Series label matchers (as in Alertmanager)
        <input name="matchers" placeholder={'host=~"web-.*", env!="staging"'} defaultValue={rule?.matchers.map(formatMatcher).join(", ")} />
        <span className={s.help}>Labels: the series&apos; own, plus metric, source, detector, severity.</span>
        <span className={s.fieldError}>{fieldError("matchers")}</span>
      </label>
      <label>Minimum severity<select name="minSeverity" defaultValue={rule?.minSeverity ?? "HIGH"}>{SEVERITIES.map((v) => <option key={v} value={v}>{v.toLowerCase()}</option>)}</select></label>
      <label>Direction<select name="direction" defaultValue={rule?.direction ?? "ANY"}><option value="ANY">above or below expected</option><option value="ABOVE">above expected</option><option value="BELOW">below expected</option></select></label>
      <label>Minimum deviation from expected (blank: any)
        <span className={s.actions}>
          <input name="minDeviation" type="number" min={0} step="any" aria-label="Minimum deviation" defaultValue={rule?.minDeviation ?? undefined} />
          <select name="deviationUnit" defaultValue={rule?.deviationUnit ?? "PERCENT"} aria-label="Deviation unit"><option value="PERCENT">%</option><option value="ABSOLUTE">absolute</option></select>
        </span>
        <span className={s.fieldError}>{fieldError("minDeviation")}</span>
      </label>
      <label>Minimum duration (seconds)<input name="minDurationSeconds" type="number" min={0} defaultValue={rule?.minDurationSeconds ?? 0} /><span className={s.fieldError}>{fieldError("minDurationSeconds")}</span></label>
      <label>Cooldown per series (minutes)<input name="cooldownMinutes" type="number" min={0} defaultValue={rule?.cooldownMinutes ?? 30} /><span className={s.fieldError}>{fieldError("cooldownMinutes")}</span></label>
      <label className={s.kind}><input type="checkbox" name="notifyResolved" defaultChecked={rule?.notifyResolved ?? true} /> Also notify when it resolves</label>
      <label className={s.kind}><input type="checkbox" name="includeHistorical" defaultChecked={rule?.includeHistorical ?? false} /> Also notify anomalies in old data (backfills, late uploads)</label>
      <label>Escalate when still unacknowledged after (minutes; blank: never)
        <span className={s.actions}>
          <input name="escalateAfterMinutes" type="number" min={1} aria-label="Escalate after minutes" defaultValue={rule?.escalateAfterMinutes ?? undefined} />
          <select name="escalationChannelId" defaultValue={rule?.escalationChannel?.id ?? ""} aria-label="Escalation channel">
            <option value="">to channel…</option>
            {channels.data?.map((c) => <option key={c.id} value={c.id}>{c.name} ({c.kind.toLowerCase()})</option>)}
          </select>
        </span>
        <span className={s.fieldError}>{fieldError("escalateAfterMinutes")} {fieldError("escalationChannelId")}</span>
      </label>
      <fieldset className={a.quiet} aria-label="Grouping">
        <legend>Grouping (one message for anomalies of one source with the same values of these labels)</legend>
        <label className={s.kind}><input type="checkbox" name="grouped" defaultChecked={grouped} /> Group anomalies</label>
        <span className={a.row}>
          <label>Group by labels<input name="groupBy" placeholder="e.g. host" defaultValue={rule?.groupBy.join(", ")} /></label>
          <label>Wait before the first message (seconds)<input name="groupWaitSeconds" type="number" min={0} defaultValue={rule?.groupWaitSeconds ?? 30} /></label>
          <label>Then at most every (minutes)<input name="groupIntervalMinutes" type="number" min={1} defaultValue={rule?.groupIntervalMinutes ?? 5} /></label>
        </span>
        <span className={s.fieldError}>{fieldError("groupBy")} {fieldError("groupWaitSeconds")} {fieldError("groupIntervalMinutes")}</span>
      </fieldset>
      <fieldset className={a.quiet} aria-label="Quiet hours">
        <legend>Quiet hours (nothing is sent; an episode still open afterwards notifies then, a resolve is sent when they end)</legend>
        <span className={a.row}>
          {WEEKDAYS.map((d) => <label key={d} className={a.day}><input type="checkbox" name="quietDays" value={d} defaultChecked={quiet ? quiet.weekdays.includes(d) : true} /> {d}</label>)}
        </span>
        <span className={a.row}>
          <label>From<input name="quietFrom" type="time" defaultValue={quiet?.start} /></label>
          <label>Until<input name="quietUntil" type="time" defaultValue={quiet?.end} /></label>
          <label>Time zone<input name="muteTimeZone" defaultValue={rule?.muteTimeZone ?? "UTC"} placeholder="e.g. Europe/Berlin" /></label>
        </span>
        {rule && rule.muteTimings.length > 1 && <span className={s.help}>{rule.muteTimings.length - 1} more interval(s) set through the API are kept.</span>}
        <span className={s.fieldError}>{fieldError("muteTimings")} {fieldError("muteTimeZone")}</span>
      </fieldset>
      {(localError || (write.error && !hasFieldErrors(write.error))) && <p className="error" role="alert">{localError ?? write.error?.message}</p>}
      <div className={s.actions}>
        <button type="submit" disabled={write.isPending}>{rule ? "Save rule" : "Create rule"}</button>
        {onDone && <button type="button" className={s.secondary} onClick={onDone}>Cancel</button>}
      </div>
    </form>
  );
}
