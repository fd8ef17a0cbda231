"use client";
/** Labels out (CSV, JSON) and back in (a CSV or JSON file as exported); the import's 422 names the bad row and field. */
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useCan } from "@/components/use-can";

export function LabelTransfer({ detectorId }: { detectorId: string }) {
  const canImport = useCan("anomalies:label");
  const qc = useQueryClient();
  const [status, setStatus] = useState<{ ok: boolean; text: string } | null>(null);
  const upload = async (file: File) => {
    const text = await file.text();
    const res = await fetch("/api/v1/labels/import", { method: "POST", headers: { "content-type": file.name.endsWith(".json") ? "application/json" : "text/csv" }, body: text });
    const body = (await res.json().catch(() => null)) as { labels?: number; missed?: number; skipped?: number; error?: { message: string } } | null;
    setStatus(res.ok ? { ok: true, text: `Imported ${body?.labels} labels and ${body?.missed} missed spans; ${body?.skipped} already here.` } : { ok: false, text: body?.error?.message ?? `Import failed (${res.status})` });
    void qc.invalidateQueries({ queryKey: ["evaluation"] });
  };
  return (
    <>
      <a className="button secondary" href={`/api/v1/labels/export?detectorId=${detectorId}&format=csv`} download>Export labels (CSV)</a>
      <a className="button secondary" href={`/api/v1/labels/export?detectorId=${detectorId}&format=json`} download>JSON</a>
      {canImport && <label>Import labels<input type="file" accept=".csv,.json,text/csv,application/json" onChange={(e) => e.target.files?.[0] && void upload(e.target.files[0])} /></label>}
      {status && <span role="status" className={status.ok ? "muted" : "error"}>{status.text}</span>}
    </>
  );
}
