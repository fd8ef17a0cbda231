"use client";
/** New alert rule: which anomalies (source, detector, label matchers, severity, direction, deviation, duration) go to which channel. */
import { useState, type FormEvent } from "react";
import { ApiError } from "@/lib/client/api";
import { parseMatchers } from "@/lib/alerting/matchers";
import { SEVERITIES } from "@/lib/alerting/alert";
import { WEEKDAYS } from "@/lib/alerting/mute";
import { useChannels, useCreateRule } from "@/components/alerts/use-alerts";
import s from "@/components/sources/sources.module.css";
import a from "@/components/alerts/alerts.module.css";

export interface Named { id: string; name: string }

export function RuleForm({ detectors, sources }: { detectors: Named[]; sources: Named[] }) {
  const channels = useChannels();
  const create = useCreateRule();
  const [localError, setLocalError] = useState<string | null>(null);
  const issues = create.error instanceof ApiError ? create.error.issues ?? [] : [];
  const fieldError = (path: string) => issues.filter((i) => i.path === path || i.path.startsWith(`${path}.`)).map((i) => i.message).join("; ");

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
      muteTimings: str("quietFrom") && str("quietUntil") ? [{ weekdays: f.getAll("quietDays").map(String), start: str("quietFrom"), end: str("quietUntil") }] : [],
      muteTimeZone: str("muteTimeZone") || "UTC",
      escalateAfterMinutes: str("escalateAfterMinutes") === "" ? null : Number(str("escalateAfterMinutes")),
      escalationChannelId: str("escalationChannelId") || null,
    };
    if (await create.mutateAsync(input).then(() => true, () => false)) form.reset();
  }

  return (
    <form className={s.form} onSubmit={onSubmit} aria-label="New rule" noValidate>
      <h3>New rule</h3>
      <label>Name<input name="name" required maxLength={100} placeholder="e.g. production CPU" /><span className={s.fieldError}>{fieldError("name")}</span></label>
      <label>Channel
        <select name="channelId" required defaultValue="">
          <option value="" disabled>choose a channel</option>
          {channels.data?.map((c) => <option key={c.id} value={c.id}>{c.name} ({c.kind.toLowerCase()})</option>)}
        </select>
        <span className={s.fieldError}>{fieldError("channelId")}</span>
      </label>
      <label>Source<select name="sourceId" defaultValue=""><option value="">any</option>{sources.map((x) => <option key={x.id} value={x.id}>{x.name}</option>)}</select></label>
      <label>Detector<select name="detectorId" defaultValue=""><option value="">any</option>{detectors.map((x) => <option key={x.id} value={x.id}>{x.name}</option>)}</select></label>
      <label>Series label matchers (as in Alertmanager)
        <input name="matchers" placeholder={'host=~"web-.*", env!="staging"'} />
        <span className={s.help}>Labels: the series&apos; own, plus metric, source, detector, severity.</span>
        <span className={s.fieldError}>{fieldError("matchers")}</span>
      </label>
      <label>Minimum severity<select name="minSeverity" defaultValue="HIGH">{SEVERITIES.map((v) => <option key={v} value={v}>{v.toLowerCase()}</option>)}</select></label>
      <label>Direction<select name="direction" defaultValue="ANY"><option value="ANY">above or below expected</option><option value="ABOVE">above expected</option><option value="BELOW">below expected</option></select></label>
      <label>Minimum deviation from expected (blank: any)
        <span className={s.actions}>
          <input name="minDeviation" type="number" min={0} step="any" aria-label="Minimum deviation" />
          <select name="deviationUnit" defaultValue="PERCENT" aria-label="Deviation unit"><option value="PERCENT">%</option><option value="ABSOLUTE">absolute</option></select>
        </span>
        <span className={s.fieldError}>{fieldError("minDeviation")}</span>
      </label>
      <label>Minimum duration (seconds)<input name="minDurationSeconds" type="number" min={0} defaultValue={0} /><span className={s.fieldError}>{fieldError("minDurationSeconds")}</span></label>
      <label>Cooldown per series (minutes)<input name="cooldownMinutes" type="number" min={0} defaultValue={30} /><span className={s.fieldError}>{fieldError("cooldownMinutes")}</span></label>
      <label className={s.kind}><input type="checkbox" name="notifyResolved" defaultChecked /> Also notify when it resolves</label>
      <label className={s.kind}><input type="checkbox" name="includeHistorical" /> Also notify anomalies in old data (backfills, late uploads)</label>
      <label>Escalate when still unacknowledged after (minutes; blank: never)
        <span className={s.actions}>
          <input name="escalateAfterMinutes" type="number" min={1} aria-label="Escalate after minutes" />
          <select name="escalationChannelId" defaultValue="" aria-label="Escalation channel">
            <option value="">to channel…</option>
            {channels.data?.map((c) => <option key={c.id} value={c.id}>{c.name} ({c.kind.toLowerCase()})</option>)}
          </select>
        </span>
        <span className={s.fieldError}>{fieldError("escalateAfterMinutes")} {fieldError("escalationChannelId")}</span>
      </label>
      <fieldset className={a.quiet} aria-label="Quiet hours">
        <legend>Quiet hours (nothing is sent; an episode still open afterwards notifies then)</legend>
        <span className={a.row}>
          {WEEKDAYS.map((d) => <label key={d} className={a.day}><input type="checkbox" name="quietDays" value={d} defaultChecked /> {d}</label>)}
        </span>
        <span className={a.row}>
          <label>From<input name="quietFrom" type="time" /></label>
          <label>Until<input name="quietUntil" type="time" /></label>
          <label>Time zone<input name="muteTimeZone" defaultValue="UTC" placeholder="e.g. Europe/Berlin" /></label>
        </span>
        <span className={s.fieldError}>{fieldError("muteTimings")} {fieldError("muteTimeZone")}</span>
      </fieldset>
      {(localError || (create.error && issues.length === 0)) && <p className="error" role="alert">{localError ?? create.error?.message}</p>}
      <div className={s.actions}><button type="submit" disabled={create.isPending}>Create rule</button></div>
    </form>
  );
}
