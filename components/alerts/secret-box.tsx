"use client";
/** A secret shown once: copy it now. */
import { useState } from "react";
import s from "@/components/sources/sources.module.css";

export function SecretBox({ title, secret, onDone, label = "New signing secret", testId = "signing-secret" }: { title: string; secret: string; onDone: () => void; label?: string; testId?: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className={s.keyBox} role="status" aria-label={label}>
      <strong>{title}: copy it now, it will not be shown again.</strong>
      <code data-testid={testId}>{secret}</code>
      <div className={s.actions}>
        <button type="button" onClick={() => void navigator.clipboard?.writeText(secret).then(() => setCopied(true), () => undefined)}>{copied ? "Copied" : "Copy"}</button>
        <button type="button" className={s.secondary} onClick={onDone}>Done</button>
      </div>
    </div>
  );
}
