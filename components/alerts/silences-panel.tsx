"use client";
/** Silences: active and upcoming (or all), expire early, create by matchers and duration. */
import { useState, type FormEvent } from "react";
import { useCan } from "@/components/use-can";
import { formatDateTime } from "@/components/format";
import { ApiError } from "@/lib/client/api";
import { formatMatcher, parseMatchers } from "@/lib/alerting/matchers";
import { useCreateSilence, useExpireSilence, useSilences } from "@/components/alerts/use-alerts";
import s from "@/components/sources/sources.module.css";

export function SilencesPanel() {
  const canWrite = useCan("silences:write");
  const [state, setState] = useState<"active" | "all">("active");
  const silences = useSilences(state);
  const expire = useExpireSilence();
  const create = useCreateSilence();
  const [localError, setLocalError] = useState<string | null>(null);
  const issues = create.error instanceof ApiError ? create.error.issues ?? [] : [];

  async function onSubmit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setLocalError(null);
    const form = e.currentTarget;
    const f = new FormData(form);
    let matchers;
    try {
      matchers = parseMatchers(String(f.get("matchers") ?? ""));
    } catch (err) {
      return setLocalError(`Matchers: ${(err as Error).message}`);
    }
    const ok = await create.mutateAsync({ matchers, durationMinutes: Number(f.get("durationMinutes") || 60), reason: String(f.get("reason") ?? "") || undefined }).then(() => true, () => false);
    if (ok) form.reset();
  }

  return (
    <section className="panel" aria-labelledby="silences-title">
      <h2 id="silences-title">Silences</h2>
      <div className="filters">
        <button type="button" className={state === "active" ? undefined : s.secondary} onClick={() => setState("active")}>Active and upcoming</button>
        <button type="button" className={state === "all" ? undefined : s.secondary} onClick={() => setState("all")}>All</button>
      </div>
      {silences.error && <p className="error" role="alert">{silences.error.message}</p>}
      {silences.data?.length === 0 && <div className="empty">No silences.</div>}
      {!!silences.data?.length && (
        <div className="table-scroll">
          <table className="table" aria-label="Silences">
            <thead><tr><th>Matchers</th><th>Reason</th><th>From</th><th>Until</th><th>State</th><th>Stopped</th><th>By</th>{canWrite && <th>Actions</th>}</tr></thead>
            <tbody>
              {silences.data.map((x) => (
                <tr key={x.id}>
                  <td><code>{x.matchers.map(formatMatcher).join(", ")}</code></td>
                  <td>{x.reason ?? "—"}</td>
                  <td>{formatDateTime(x.startsAt)}</td>
                  <td>{formatDateTime(x.endsAt)}</td>
                  <td><span className={`badge ${x.state === "active" ? "status-active" : "status-paused"}`}>{x.state}</span></td>
                  <td>{x.suppressed}</td>
                  <td>{x.createdBy.email}</td>
                  {canWrite && <td>{x.state !== "ended" && <button type="button" className={s.secondary} disabled={expire.isPending} onClick={() => expire.mutate(x.id)}>Expire now</button>}</td>}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {expire.error && <p className="error" role="alert">{expire.error.message}</p>}
      {canWrite && (
        <form className="inline-form" onSubmit={onSubmit} aria-label="New silence" noValidate>
          <input name="matchers" placeholder={'host="web-1", metric=~"cpu.*"'} aria-label="Silence matchers" size={36} />
          <input name="durationMinutes" type="number" min={1} defaultValue={60} aria-label="Duration in minutes" />
          <input name="reason" placeholder="reason" aria-label="Reason" maxLength={500} />
          <button type="submit" disabled={create.isPending}>Create silence</button>
          {(localError || create.error) && <p className="error" role="alert">{localError ?? (issues.length ? issues.map((i) => `${i.path}: ${i.message}`).join("; ") : create.error?.message)}</p>}
        </form>
      )}
    </section>
  );
}
