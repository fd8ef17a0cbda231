"use client";
/** The anomaly page's labels: the current one, buttons to give one (with an optional reason), and every label given. */
import { useState } from "react";
import { formatDateTime } from "@/components/format";
import { useCan } from "@/components/use-can";
import { LabelBadge } from "@/components/feedback/label-badge";
import { useAddLabels, useLabelHistory } from "@/components/feedback/use-feedback";
import { LABEL_REASONS, LABEL_VALUES, LABEL_WORDS, REASON_WORDS, type LabelReason, type LabelValue } from "@/lib/feedback/schemas";

export function LabelPanel({ anomalyId }: { anomalyId: string }) {
  const history = useLabelHistory(anomalyId);
  const add = useAddLabels();
  const canLabel = useCan("anomalies:label");
  const [reason, setReason] = useState<LabelReason | "">("");
  const [note, setNote] = useState("");
  const give = (value: LabelValue) =>
    add.mutate({ ids: [anomalyId], label: { value, ...(reason ? { reason } : {}), ...(note.trim() ? { note: note.trim() } : {}) } }, { onSuccess: () => { setReason(""); setNote(""); } });
  const current = history.data?.current;
  return (
    <section className="panel" aria-labelledby="labels-title">
      <h2 id="labels-title">Label</h2>
      <p>
        Current label: <LabelBadge value={current?.value} />
        {current && <span className="muted"> by {current.user.email}, {formatDateTime(current.createdAt)}{current.reason ? ` (${REASON_WORDS[current.reason]}${current.note ? `: ${current.note}` : ""})` : current.note ? ` (${current.note})` : ""}</span>}
      </p>
      {canLabel && (
        <div className="label-form" role="group" aria-label="Give a label">
          <label>
            Reason (optional)
            <select value={reason} onChange={(e) => setReason(e.target.value as LabelReason | "")}>
              <option value="">none</option>
              {LABEL_REASONS.map((r) => <option key={r} value={r}>{REASON_WORDS[r]}</option>)}
            </select>
          </label>
          <label>
            Note{reason === "OTHER" ? " (say what)" : " (optional)"}
            <input value={note} onChange={(e) => setNote(e.target.value)} maxLength={2000} />
          </label>
          {LABEL_VALUES.map((v) => (
            <button key={v} type="button" className={v === "UNSURE" ? "secondary" : undefined} disabled={add.isPending} onClick={() => give(v)}>
              {v === "UNSURE" ? "Unsure" : `Mark ${LABEL_WORDS[v]}`}
            </button>
          ))}
        </div>
      )}
      {add.error && <p className="error" role="alert">{add.error.message}</p>}
      {(history.data?.items.length ?? 0) > 1 && (
        <details>
          <summary>Every label given ({history.data!.items.length})</summary>
          <ol className="history" aria-label="Labels">
            {history.data!.items.map((l) => (
              <li key={l.id}>
                <time dateTime={l.createdAt}>{formatDateTime(l.createdAt)}</time>
                <span><strong>{l.user.email}</strong> <LabelBadge value={l.value} />{l.reason && ` ${REASON_WORDS[l.reason]}`}{l.note && `: ${l.note}`}{l.anomalyId !== anomalyId && <span className="muted"> (on an incident merged into this one)</span>}</span>
              </li>
            ))}
          </ol>
        </details>
      )}
    </section>
  );
}
