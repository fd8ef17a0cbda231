"use client";
/** A secret shown once: copy it now. */
import { useState } from "react";
import s from "@/components/sources/sources.module.css";

export function SecretBox({ title, secret, onDone }: { title: string; secret: string; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className={s.keyBox} role="status" aria-label="New signing secret">
      <strong>{title}: copy it now, it will not be shown again.</strong>
      <code data-testid="signing-secret">{secret}</code>
      <div className={s.actions}>
        <button type="button" onClick={() => void navigator.clipboard?.writeText(secret).then(() => setCopied(true), () => undefined)}>{copied ? "Copied" : "Copy"}</button>
        <button type="button" className={s.secondary} onClick={onDone}>Done</button>
      </div>
    </div>
  );
}
