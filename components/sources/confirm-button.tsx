"use client";
import { useState } from "react";
import s from "@/components/sources/sources.module.css";

/** A destructive action that asks once, inline, before it runs. */
export function ConfirmButton({
  label,
  question,
  confirmLabel,
  onConfirm,
  pending,
}: {
  label: string;
  question: string;
  confirmLabel: string;
  onConfirm: () => void;
  pending?: boolean;
}) {
  const [asking, setAsking] = useState(false);
  if (!asking) {
    return (
      <button type="button" className={s.danger} onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  }
  return (
    <span className={s.confirm} role="group" aria-label="Confirm">
      <span>{question}</span>
      <button type="button" className={s.dangerSolid} disabled={pending} onClick={onConfirm}>
        {confirmLabel}
      </button>
      <button type="button" className={s.secondary} onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  );
}
