"use client";
/**
 * Service accounts: create one with a role, change its role, disable or enable it, and manage the
 * API tokens of the one picked (issue with the secret shown once, list, revoke).
 */
import { useState, type FormEvent } from "react";
import { DataTable } from "@/components/data-table";
import { formatDateTime } from "@/components/format";
import { NewTokenForm } from "@/components/account/new-token-form";
import { TokenTable } from "@/components/account/token-table";
import {
  useCreateServiceAccount,
  useIssueServiceToken,
  useRevokeAnyToken,
  useServiceAccountTokens,
  useServiceAccounts,
  useUpdateServiceAccount,
} from "@/components/admin/use-service-accounts";
import { ROLES, ROLE_LABELS, type RoleName } from "@/lib/auth/permissions";
import type { ServiceAccount } from "@/lib/service-accounts/schemas";

export function ServiceAccountsAdmin() {
  const list = useServiceAccounts();
  const create = useCreateServiceAccount();
  const update = useUpdateServiceAccount();
  const [formKey, setFormKey] = useState(0);
  const [pickedId, setPickedId] = useState<string | null>(null);
  const picked = list.data?.items.find((a) => a.id === pickedId) ?? null;

  function onCreate(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    create.mutate(
      { handle: String(f.get("handle")), name: String(f.get("name") || "") || undefined, role: String(f.get("role")) as RoleName },
      { onSuccess: (created) => (setFormKey((k) => k + 1), setPickedId(created.id)) },
    );
  }

  return (
    <>
      <form key={formKey} className="card detector-form" onSubmit={onCreate} aria-label="New service account">
        <h2>New service account</h2>
        <label>Handle <input name="handle" required minLength={3} maxLength={40} pattern="[a-z0-9][a-z0-9\-]{1,38}[a-z0-9]" placeholder="ci-deploy" /></label>
        <label>Name <input name="name" maxLength={100} placeholder="CI deploy pipeline" /></label>
        <label>Role
          <select name="role" defaultValue="OPERATOR">
            {ROLES.map((r) => <option key={r} value={r}>{ROLE_LABELS[r]}</option>)}
          </select>
        </label>
        <button type="submit" disabled={create.isPending}>Create service account</button>
        {create.error && <p className="error" role="alert">{create.error.message}</p>}
      </form>
      {list.error && <p className="error" role="alert">{list.error.message}</p>}
      {update.error && <p className="error" role="alert">{update.error.message}</p>}
      {list.data && (
        <DataTable<ServiceAccount>
          rows={list.data.items}
          rowKey={(a) => a.id}
          empty="No service accounts yet."
          columns={[
            { header: "Name", cell: (a) => <>{a.name ?? a.email}<br /><span className="muted">{a.email}</span></> },
            {
              header: "Role",
              cell: (a) => (
                <select aria-label={`Role of ${a.name ?? a.email}`} value={a.role} disabled={update.isPending} onChange={(e) => update.mutate({ id: a.id, role: e.target.value as RoleName })}>
                  {ROLES.map((r) => <option key={r} value={r}>{ROLE_LABELS[r]}</option>)}
                </select>
              ),
            },
            { header: "Active tokens", cell: (a) => a.activeTokens },
            { header: "Last used", cell: (a) => formatDateTime(a.lastUsedAt) },
            { header: "Status", cell: (a) => (a.disabled ? <span className="badge status-paused">disabled</span> : <span className="badge status-active">active</span>) },
            {
              header: "Actions",
              cell: (a) => (
                <>
                  <button type="button" className="link" onClick={() => setPickedId(a.id)} aria-pressed={a.id === pickedId}>Tokens</button>{" "}
                  <button type="button" className="link" disabled={update.isPending} onClick={() => update.mutate({ id: a.id, disabled: !a.disabled })}>
                    {a.disabled ? "Enable" : "Disable"}
                  </button>
                </>
              ),
            },
          ]}
        />
      )}
      {picked && <AccountTokens key={picked.id} account={picked} />}
    </>
  );
}

function AccountTokens({ account }: { account: ServiceAccount }) {
  const tokens = useServiceAccountTokens(account.id);
  const issue = useIssueServiceToken(account.id);
  const revoke = useRevokeAnyToken();
  const label = account.name ?? account.email;
  return (
    <section aria-label={`Tokens of ${label}`}>
      <h2>Tokens of {label}</h2>
      {account.disabled ? (
        <p className="muted">This service account is disabled: its tokens are refused. Enable it to issue tokens.</p>
      ) : (
        <NewTokenForm
          role={account.role}
          title={`New token for ${label}`}
          formLabel="New service account token"
          scopeLegend={`Scopes (the ${ROLE_LABELS[account.role]} role's permissions; untick to narrow)`}
          pending={issue.isPending}
          error={issue.error}
          onCreate={(input) => issue.mutateAsync(input).then((t) => ({ name: t.name, token: t.token }))}
        />
      )}
      {tokens.error && <p className="error" role="alert">{tokens.error.message}</p>}
      {revoke.error && <p className="error" role="alert">{revoke.error.message}</p>}
      {tokens.data && <TokenTable tokens={tokens.data.items} revoking={revoke.isPending} onRevoke={(id) => revoke.mutate(id)} />}
    </section>
  );
}
