"use client";
import { useState, type FormEvent } from "react";
import { useRouter } from "next/navigation";
import { ApiError } from "@/lib/client/api";
import { useCan } from "@/components/use-can";
import { formatNumber } from "@/components/format";
import { useUploadCsv } from "@/components/sources/use-sources";
import { seriesCount } from "@/components/sources/upload-csv";
import s from "@/components/sources/sources.module.css";

/** Upload control for a CSV_UPLOAD source; the File is the request body, streamed by the browser. */
export function CsvUpload({ sourceId }: { sourceId: string }) {
  const canWrite = useCan("sources:write");
  const router = useRouter();
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState(0);
  const upload = useUploadCsv(sourceId, setProgress);
  if (!canWrite) return null;

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    if (!file) return;
    setProgress(0);
    upload.mutate(file, { onSuccess: () => router.refresh() });
  }

  const issues = upload.error instanceof ApiError ? upload.error.issues : undefined;
  return (
    <section className="panel" aria-label="Upload CSV">
      <h2>Upload CSV</h2>
      <p className="muted">
        First row a header, first column <code>timestamp</code>. Long format <code>timestamp,series,value[,label…]</code> or wide format{" "}
        <code>timestamp,metric1,metric2…</code>. Re-uploading a point overwrites it.
      </p>
      <form className="inline-form" onSubmit={onSubmit}>
        <input type="file" accept=".csv,text/csv" aria-label="CSV file" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        <button type="submit" disabled={!file || upload.isPending}>{upload.isPending ? "Uploading…" : "Upload"}</button>
        {upload.isPending && <progress className={s.progress} value={progress} max={1} aria-label="Upload progress" />}
      </form>
      {upload.data && (
        <p className={s.ok} role="status">
          Accepted {formatNumber(upload.data.accepted)} points in {formatNumber(seriesCount(upload.data))} series.
        </p>
      )}
      {upload.error && (
        <div className="error" role="alert">
          <p>{upload.error.message}</p>
          {issues && issues.length > 0 && (
            <ul>{issues.slice(0, 10).map((i) => <li key={i.path + i.message}>{i.path}: {i.message}</li>)}</ul>
          )}
        </div>
      )}
    </section>
  );
}
