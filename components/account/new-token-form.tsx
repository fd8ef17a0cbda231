"use client";
/**
 * The form that creates an API token (name, expiry, scopes within a role), for a person's own
 * tokens and for a service account's. The caller runs the request; this shows the secret once.
 */
import { useState, type FormEvent } from "react";
import { SecretBox } from "@/components/alerts/secret-box";
import { ROLE_PERMISSIONS, type Permission, type RoleName } from "@/lib/auth/permissions";
import type { TTokenCreate } from "@/lib/tokens/schemas";

const EXPIRY_DAYS = [
  { value: "30", label: "30 days" },
  { value: "90", label: "90 days" },
  { value: "365", label: "1 year" },
  { value: "", label: "never" },
];

export function NewTokenForm({
  role,
  title,
  formLabel,
  scopeLegend,
  pending,
  error,
  onCreate,
}: {
  role: RoleName;
  title: string;
  /** The form's accessible name. */
  formLabel: string;
  scopeLegend: string;
  pending: boolean;
  error: Error | null;
  /** Resolves with the created token's name and secret. */
  onCreate: (input: TTokenCreate) => Promise<{ name: string; token: string }>;
}) {
  const [name, setName] = useState("");
  const [days, setDays] = useState("90");
  const [scopes, setScopes] = useState<Set<Permission>>(new Set(ROLE_PERMISSIONS[role]));
  const [secret, setSecret] = useState<{ name: string; token: string } | null>(null);

  function submit(e: FormEvent) {
    e.preventDefault();
    const expiresAt = days ? new Date(Date.now() + Number(days) * 86_400_000).toISOString() : undefined;
    onCreate({ name, expiresAt, scopes: ROLE_PERMISSIONS[role].filter((p) => scopes.has(p)) }).then(
      (created) => (setSecret(created), setName("")),
      () => undefined,
    );
  }
  const toggle = (p: Permission) => setScopes((s) => { const n = new Set(s); if (n.has(p)) n.delete(p); else n.add(p); return n; });
  const chosen = ROLE_PERMISSIONS[role].filter((p) => scopes.has(p));

  return (
    <>
      <form className="card detector-form" onSubmit={submit} aria-label={formLabel}>
        <h2>{title}</h2>
        <label>Name <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} placeholder="terraform" /></label>
        <label>Expires
          <select value={days} onChange={(e) => setDays(e.target.value)}>
            {EXPIRY_DAYS.map((d) => <option key={d.value} value={d.value}>{d.label}</option>)}
          </select>
        </label>
        <fieldset>
          <legend>{scopeLegend}</legend>
          {ROLE_PERMISSIONS[role].map((p) => (
            <label key={p} className="checkbox"><input type="checkbox" checked={scopes.has(p)} onChange={() => toggle(p)} /> <code>{p}</code></label>
          ))}
        </fieldset>
        <button type="submit" disabled={pending || chosen.length === 0}>Create token</button>
        {error && <p className="error" role="alert">{error.message}</p>}
      </form>
      {secret && <SecretBox title={`API token ${secret.name}`} secret={secret.token} label="New API token" testId="api-token-secret" onDone={() => setSecret(null)} />}
    </>
  );
}
