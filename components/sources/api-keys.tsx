"use client";
import { useState, type FormEvent } from "react";
import { useCan } from "@/components/use-can";
import { formatDateTime } from "@/components/format";
import { ConfirmButton } from "@/components/sources/confirm-button";
import { PushSnippet } from "@/components/sources/push-snippet";
import { useCreateKey, useRevokeKey, useSourceKeys, type KeyRow } from "@/components/sources/use-sources";
import s from "@/components/sources/sources.module.css";

/** Keys of an HTTP_PUSH source. The full key is in the create response only, so it is shown once. */
export function ApiKeys({ sourceId, origin }: { sourceId: string; origin: string }) {
  const canWrite = useCan("sources:write");
  const keys = useSourceKeys(sourceId);
  const create = useCreateKey(sourceId);
  const revoke = useRevokeKey(sourceId);
  const [created, setCreated] = useState<(KeyRow & { key: string }) | null>(null);
  const [copied, setCopied] = useState(false);

  async function onCreate(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setCopied(false);
    const form = e.currentTarget;
    const key = await create.mutateAsync(String(new FormData(form).get("name") ?? "")).catch(() => null);
    if (key) {
      setCreated(key);
      form.reset();
    }
  }

  async function copy(text: string) {
    await navigator.clipboard?.writeText(text).then(() => setCopied(true), () => undefined);
  }

  return (
    <section className="panel" aria-label="API keys">
      <h2>API keys</h2>
      {created && (
        <div className={s.keyBox} role="status" aria-label="New API key">
          <strong>Copy this key now: it will not be shown again.</strong>
          <code data-testid="new-key">{created.key}</code>
          <div className={s.actions}>
            <button type="button" onClick={() => void copy(created.key)}>{copied ? "Copied" : "Copy"}</button>
            <button type="button" className={s.secondary} onClick={() => setCreated(null)}>Done</button>
          </div>
        </div>
      )}
      {keys.error && <p className="error" role="alert">{keys.error.message}</p>}
      {revoke.error && <p className="error" role="alert">{revoke.error.message}</p>}
      {keys.data && keys.data.length === 0 && <div className="empty">No keys yet.</div>}
      {keys.data && keys.data.length > 0 && (
        <table className="table" aria-label="Keys">
          <thead>
            <tr><th>Name</th><th>Key</th><th>Created</th><th>Last used</th><th>Status</th>{canWrite && <th><span className="muted">Actions</span></th>}</tr>
          </thead>
          <tbody>
            {keys.data.map((k) => (
              <tr key={k.id}>
                <td>{k.name}</td>
                <td><code>vgl_{k.prefix}_…</code></td>
                <td>{formatDateTime(k.createdAt)}</td>
                <td>{formatDateTime(k.lastUsedAt)}</td>
                <td>
                  {k.revokedAt ? <span className="badge status-paused">revoked {formatDateTime(k.revokedAt)}</span> : <span className="badge status-active">active</span>}
                </td>
                {canWrite && (
                  <td>
                    {!k.revokedAt && (
                      <ConfirmButton
                        label="Revoke"
                        question={`Revoke ${k.name}? Pushes with it will be refused.`}
                        confirmLabel="Revoke key"
                        pending={revoke.isPending}
                        onConfirm={() => revoke.mutate(k.id)}
                      />
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {canWrite && (
        <form className="inline-form" onSubmit={onCreate} aria-label="Create API key">
          <input name="name" placeholder="key name, e.g. collector-1" aria-label="Key name" required maxLength={100} />
          <button type="submit" disabled={create.isPending}>Create key</button>
          {create.error && <p className="error" role="alert">{create.error.message}</p>}
        </form>
      )}
      <PushSnippet origin={origin} />
    </section>
  );
}
