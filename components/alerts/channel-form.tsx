"use client";
/**
 * A notification channel's form: new (the fields of its kind; a webhook's signing secret is shown
 * once after creation) or editing one (kind fixed; masked secrets sent back unchanged keep the
 * stored ones, as the API documents).
 */
import { useState, type FormEvent } from "react";
import { fieldErrorOf, hasFieldErrors } from "@/lib/client/api";
import { CHANNEL_KINDS, type ChannelKindName } from "@/lib/alerting/schemas";
import { useCreateChannel, useUpdateChannel, type ChannelRow } from "@/components/alerts/use-alerts";
import { SecretBox } from "@/components/alerts/secret-box";
import s from "@/components/sources/sources.module.css";

const KIND_LABELS: Record<ChannelKindName, string> = { WEBHOOK: "Webhook", SLACK: "Slack", EMAIL: "E-mail (SMTP)", ALERTMANAGER: "Alertmanager" };

/** `Name: value` lines -> headers. */
export function parseHeaderLines(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean)) {
    const at = line.indexOf(":");
    if (at <= 0) throw new Error(`"${line}" is not "Name: value"`);
    out[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  return out;
}

function readConfig(kind: ChannelKindName, f: FormData): Record<string, unknown> {
  const str = (k: string) => String(f.get(k) ?? "").trim();
  if (kind === "EMAIL") {
    return {
      host: str("host"), port: Number(str("port") || 587), secure: f.get("secure") === "on", from: str("from"),
      to: str("to").split(/[\s,;]+/).filter(Boolean), ...(str("user") ? { user: str("user"), password: String(f.get("password") ?? "") } : {}),
    };
  }
  return { url: str("url"), ...(kind === "SLACK" ? {} : { headers: parseHeaderLines(String(f.get("headers") ?? "")) }) };
}

/** The send-limit fields: both empty means no limit. */
export function readRateLimit(f: FormData): { count: number; seconds: number } | null {
  const count = String(f.get("rateLimitCount") ?? "").trim();
  const seconds = String(f.get("rateLimitSeconds") ?? "").trim();
  if (!count && !seconds) return null;
  return { count: Number(count || 1), seconds: Number(seconds || 1) };
}

/** Headers -> `Name: value` lines (values as the API shows them: masked). */
export function formatHeaderLines(headers: unknown): string {
  return Object.entries((headers ?? {}) as Record<string, string>).map(([k, v]) => `${k}: ${v}`).join("\n");
}

export function ChannelForm({ channel, onDone }: { channel?: ChannelRow; onDone?: () => void }) {
  const create = useCreateChannel();
  const update = useUpdateChannel();
  const write = channel ? update : create;
  const [kind, setKind] = useState<ChannelKindName>(channel?.kind ?? "WEBHOOK");
  const [secret, setSecret] = useState<{ name: string; secret: string } | null>(null);
  const [localError, setLocalError] = useState<string | null>(null);
  const fieldError = (path: string) => fieldErrorOf(write.error, path);
  const c = channel?.config ?? {};
  const val = (k: string) => (c[k] === undefined || c[k] === null ? undefined : String(c[k]));

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setLocalError(null);
    const form = e.currentTarget;
    const f = new FormData(form);
    let config: Record<string, unknown>;
    try {
      config = readConfig(kind, f);
    } catch (err) {
      return setLocalError((err as Error).message);
    }
    const name = String(f.get("name") ?? "");
    const rateLimit = readRateLimit(f);
    if (channel) {
      if (await update.mutateAsync({ id: channel.id, name, config, rateLimit }).then(() => true, () => false)) onDone?.();
      return;
    }
    const res = await create.mutateAsync({ kind, name, config, rateLimit }).catch(() => null);
    if (res) {
      form.reset();
      if (res.secret) setSecret({ name: res.name, secret: res.secret });
    }
  }

  return (
    <>
      {secret && <SecretBox title={`Signing secret of ${secret.name}`} secret={secret.secret} onDone={() => setSecret(null)} />}
      <form className={s.form} onSubmit={onSubmit} aria-label={channel ? `Edit channel ${channel.name}` : "New channel"} noValidate>
        <h3>{channel ? `Edit ${channel.name}` : "New channel"}</h3>
        <label>Kind
          <select name="kind" value={kind} disabled={!!channel} onChange={(e) => setKind(e.target.value as ChannelKindName)}>
            {CHANNEL_KINDS.map((k) => <option key={k} value={k}>{KIND_LABELS[k]}</option>)}
          </select>
        </label>
        <label>Name<input name="name" required maxLength={100} placeholder="e.g. on-call webhook" defaultValue={channel?.name} /><span className={s.fieldError}>{fieldError("name")}</span></label>
        {kind === "EMAIL" ? (
          <>
            <label>SMTP host<input name="host" required placeholder="smtp.example.com" defaultValue={val("host")} /><span className={s.fieldError}>{fieldError("config.host")}</span></label>
            <label>Port<input name="port" type="number" defaultValue={val("port") ?? 587} /><span className={s.fieldError}>{fieldError("config.port")}</span></label>
            <label className={s.kind}><input type="checkbox" name="secure" defaultChecked={c.secure === true} /> TLS from the start (port 465)</label>
            <label>User (optional)<input name="user" autoComplete="off" defaultValue={val("user")} /></label>
            <label>Password<input name="password" type="password" autoComplete="new-password" defaultValue={val("password")} /></label>
            <label>From<input name="from" required placeholder="vigil@example.com" defaultValue={val("from")} /><span className={s.fieldError}>{fieldError("config.from")}</span></label>
            <label>To (comma-separated)<input name="to" required placeholder="oncall@example.com" defaultValue={Array.isArray(c.to) ? c.to.join(", ") : undefined} /><span className={s.fieldError}>{fieldError("config.to")}</span></label>
          </>
        ) : (
          <>
            <label>{kind === "ALERTMANAGER" ? "Alertmanager URL (alerts go to /api/v2/alerts)" : kind === "SLACK" ? "Incoming webhook URL" : "URL"}
              <input name="url" type="url" required placeholder={kind === "ALERTMANAGER" ? "http://alertmanager:9093" : "https://"} defaultValue={val("url")} />
              <span className={s.fieldError}>{fieldError("config.url")}</span>
            </label>
            {kind !== "SLACK" && (
              <label>Custom headers (one &quot;Name: value&quot; per line)
                <textarea name="headers" rows={2} placeholder="X-Team: sre" defaultValue={channel ? formatHeaderLines(c.headers) : undefined} />
                <span className={s.fieldError}>{fieldError("config.headers")}</span>
              </label>
            )}
          </>
        )}
        <fieldset className={s.kinds}>
          <legend>Send limit (optional; e.g. Slack: 1 per 1 s). Over it, messages wait; none is dropped.</legend>
          <label>At most (messages)<input name="rateLimitCount" type="number" min={1} defaultValue={channel?.rateLimit?.count} /><span className={s.fieldError}>{fieldError("rateLimit.count")}</span></label>
          <label>per (seconds)<input name="rateLimitSeconds" type="number" min={1} defaultValue={channel?.rateLimit?.seconds} /><span className={s.fieldError}>{fieldError("rateLimit.seconds")}</span></label>
        </fieldset>
        {channel && <p className={s.help}>Masked values (********) left as they are keep what is stored.</p>}
        {(localError || (write.error && !hasFieldErrors(write.error))) && <p className="error" role="alert">{localError ?? write.error?.message}</p>}
        <div className={s.actions}>
          <button type="submit" disabled={write.isPending}>{channel ? "Save channel" : "Create channel"}</button>
          {onDone && <button type="button" className={s.secondary} onClick={onDone}>Cancel</button>}
        </div>
      </form>
    </>
  );
}
