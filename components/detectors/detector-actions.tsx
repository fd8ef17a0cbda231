"use client";
/** Buttons only admins see (useCan); the server refuses the same calls for other roles anyway. */
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { useRouter } from "next/navigation";
import { useCan } from "@/components/use-can";
import { useBackfill, useDeleteDetector, useTrain } from "@/components/detectors/use-detectors";

export function NewDetectorLink() {
  if (!useCan("detectors:write")) return null;
  return <Link className="button" href="/detectors/new">New detector</Link>;
}

export function EditDetectorLink({ id }: { id: string }) {
  if (!useCan("detectors:write")) return null;
  return <Link className="button secondary" href={`/detectors/${id}/edit`}>Edit</Link>;
}

const toInput = (d: Date) => d.toISOString().slice(0, 16);

/** `defaultFrom`/`defaultTo` come from the server so both renders agree. */
export function BackfillForm({ id, needsTraining, defaultFrom, defaultTo, highlight }: { id: string; needsTraining: boolean; defaultFrom: string; defaultTo: string; highlight?: boolean }) {
  const canWrite = useCan("detectors:write");
  const backfill = useBackfill(id);
  const train = useTrain(id);
  const remove = useDeleteDetector(id);
  const router = useRouter();
  const [from, setFrom] = useState(() => toInput(new Date(defaultFrom)));
  const [to, setTo] = useState(() => toInput(new Date(defaultTo)));
  if (!canWrite) return null;

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    backfill.mutate({ from: new Date(`${from}Z`).toISOString(), to: new Date(`${to}Z`).toISOString() });
  }

  return (
    <section className={`panel${highlight ? " panel-notice" : ""}`} aria-label="Backfill">
      <h2>Re-score history</h2>
      {highlight && <p role="status">Settings changed: new points are scored with them from each series&apos; watermark. Run a backfill to re-score past data too.</p>}
      <form className="toolbar" onSubmit={onSubmit}>
        <label>From (UTC)<input type="datetime-local" value={from} onChange={(e) => setFrom(e.target.value)} required /></label>
        <label>To (UTC)<input type="datetime-local" value={to} onChange={(e) => setTo(e.target.value)} required /></label>
        <button type="submit" disabled={backfill.isPending}>Run backfill</button>
        {needsTraining && <button type="button" className="secondary" disabled={train.isPending} onClick={() => train.mutate()}>Train now</button>}
        <span className="spacer" />
        <button
          type="button"
          className="danger"
          disabled={remove.isPending}
          onClick={() => confirm("Delete this detector and its anomalies?") && remove.mutate(undefined, { onSuccess: () => (router.push("/detectors"), router.refresh()) })}
        >
          Delete detector
        </button>
      </form>
      {backfill.data && <p role="status" className="ok">Backfill queued for {backfill.data.jobs} series.</p>}
      {train.data && <p role="status" className="ok">Training queued.</p>}
      {[backfill.error, train.error, remove.error].map((e, i) => e && <p key={i} className="error" role="alert">{e.message}</p>)}
    </section>
  );
}
