"use client";
/** Prometheus sources: import a past range (UTC), and the imports with their progress. */
import { useState, type FormEvent } from "react";
import { ApiError } from "@/lib/client/api";
import { useCan } from "@/components/use-can";
import { formatDateTime } from "@/components/format";
import { importProgress, useImports, useStartImport } from "@/components/sources/use-imports";
import s from "@/components/sources/sources.module.css";

/** `2025-01-01T00:00` typed in a datetime-local field, read as UTC. */
function utc(local: string): string {
  return local ? new Date(`${local}:00Z`).toISOString() : "";
}

export function HistoryImport({ sourceId }: { sourceId: string }) {
  const canWrite = useCan("sources:write");
  const imports = useImports(sourceId);
  const start = useStartImport(sourceId);
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const issues = start.error instanceof ApiError ? start.error.issues : undefined;
  const fieldError = (f: string) => issues?.filter((i) => i.path === f).map((i) => i.message).join("; ");
  const otherError = start.error && !(issues && issues.some((i) => i.path === "from" || i.path === "to")) ? start.error.message : null;

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    start.mutate({ from: utc(from), to: utc(to) });
  }

  return (
    <section className="panel" aria-label="History import">
      <h2>History import</h2>
      <p className="muted">Read a past range from Prometheus in chunks, so detectors can start on day one. Times are UTC.</p>
      {canWrite && (
        <form className={s.form} onSubmit={onSubmit} aria-label="Import history" noValidate>
          <div className={s.field}>
            <label htmlFor="import-from">From (UTC)</label>
            <input id="import-from" type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} aria-invalid={!!fieldError("from")} />
            {fieldError("from") && <small className="error">{fieldError("from")}</small>}
          </div>
          <div className={s.field}>
            <label htmlFor="import-to">To (UTC)</label>
            <input id="import-to" type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} aria-invalid={!!fieldError("to")} />
            {fieldError("to") && <small className="error">{fieldError("to")}</small>}
          </div>
          {otherError && <p className="error" role="alert">{otherError}</p>}
          <div className={s.actions}>
            <button type="submit" disabled={start.isPending}>{start.isPending ? "Starting…" : "Import"}</button>
          </div>
        </form>
      )}
      {imports.data && imports.data.length > 0 && (
        <table>
          <caption className="muted">Imports, newest first</caption>
          <thead>
            <tr><th scope="col">Range</th><th scope="col">Status</th><th scope="col">Progress</th><th scope="col">Points</th></tr>
          </thead>
          <tbody>
            {imports.data.map((r) => (
              <tr key={r.id}>
                <td>{formatDateTime(r.fromTs)} – {formatDateTime(r.toTs)}</td>
                <td>{r.status}{r.error ? <span className="error">: {r.error}</span> : null}</td>
                <td><progress value={importProgress(r)} max={1} aria-label="Import progress" /> {Math.round(importProgress(r) * 100)} %</td>
                <td>{r.points.toLocaleString("en-US")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
