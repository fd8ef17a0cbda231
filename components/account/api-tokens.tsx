"use client";
/**
 * The signed-in user's API tokens: create (name, expiry, optionally fewer scopes than the role;
 * the secret is shown once), list and revoke.
 */
import { useState, type FormEvent } from "react";
import { DataTable } from "@/components/data-table";
import { formatDateTime } from "@/components/format";
import { ConfirmButton } from "@/components/sources/confirm-button";
import { SecretBox } from "@/components/alerts/secret-box";
import { useCreateToken, useMyTokens, useRevokeToken } from "@/components/account/use-tokens";
import { ROLE_PERMISSIONS, type Permission, type RoleName } from "@/lib/auth/permissions";
import type { TokenItem } from "@/lib/tokens/schemas";

const EXPIRY_DAYS = [
  { value: "30", label: "30 days" },
  { value: "90", label: "90 days" },
  { value: "365", label: "1 year" },
  { value: "", label: "never" },
];

export function ApiTokens({ role }: { role: RoleName }) {
  const list = useMyTokens();
  const create = useCreateToken();
  const revoke = useRevokeToken();
  const [name, setName] = useState("");
  const [days, setDays] = useState("90");
  const [scopes, setScopes] = useState<Set<Permission>>(new Set(ROLE_PERMISSIONS[role]));
  const [secret, setSecret] = useState<{ name: string; token: string } | null>(null);

  function submit(e: FormEvent) {
    e.preventDefault();
    const expiresAt = days ? new Date(Date.now() + Number(days) * 86_400_000).toISOString() : undefined;
    create.mutate(
      { name, expiresAt, scopes: [...scopes] },
      { onSuccess: ({ token }) => (setSecret({ name: token.name, token: token.token }), setName("")) },
    );
  }
  const toggle = (p: Permission) => setScopes((s) => { const n = new Set(s); if (n.has(p)) n.delete(p); else n.add(p); return n; });

  return (
    <>
      <form className="card detector-form" onSubmit={submit} aria-label="New API token">
        <h2>New token</h2>
        <label>Name <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} placeholder="terraform" /></label>
        <label>Expires
          <select value={days} onChange={(e) => setDays(e.target.value)}>
            {EXPIRY_DAYS.map((d) => <option key={d.value} value={d.value}>{d.label}</option>)}
          </select>
        </label>
        <fieldset>
          <legend>Scopes (your role&apos;s permissions; untick to narrow)</legend>
          {ROLE_PERMISSIONS[role].map((p) => (
            <label key={p} className="checkbox"><input type="checkbox" checked={scopes.has(p)} onChange={() => toggle(p)} /> <code>{p}</code></label>
          ))}
        </fieldset>
        <button type="submit" disabled={create.isPending || scopes.size === 0}>Create token</button>
        {create.error && <p className="error" role="alert">{create.error.message}</p>}
      </form>
      {secret && <SecretBox title={`API token ${secret.name}`} secret={secret.token} label="New API token" testId="api-token-secret" onDone={() => setSecret(null)} />}
      {list.error && <p className="error" role="alert">{list.error.message}</p>}
      {revoke.error && <p className="error" role="alert">{revoke.error.message}</p>}
      {list.data && (
        <DataTable<TokenItem>
          rows={list.data.tokens}
          rowKey={(t) => t.id}
          empty="No API tokens yet."
          columns={[
            { header: "Name", cell: (t) => t.name },
            { header: "Token", cell: (t) => <code>vglt_{t.prefix}_…</code> },
            { header: "Scopes", cell: (t) => t.scopes.join(", ") },
            { header: "Created", cell: (t) => formatDateTime(t.createdAt) },
            { header: "Last used", cell: (t) => formatDateTime(t.lastUsedAt) },
            { header: "Expires", cell: (t) => (t.expiresAt ? formatDateTime(t.expiresAt) : "never") },
            { header: "Status", cell: (t) => (t.revokedAt ? <span className="badge status-paused">revoked {formatDateTime(t.revokedAt)}</span> : <span className="badge status-active">active</span>) },
            {
              header: "Actions",
              cell: (t) =>
                t.revokedAt ? null : (
                  <ConfirmButton label="Revoke" question={`Revoke ${t.name}? Requests with it get 401 at once.`} confirmLabel="Revoke token" pending={revoke.isPending} onConfirm={() => revoke.mutate(t.id)} />
                ),
            },
          ]}
        />
      )}
    </>
  );
}
