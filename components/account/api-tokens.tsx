"use client";
/**
 * The signed-in user's API tokens: create (name, expiry, optionally fewer scopes than the role;
 * the secret is shown once), list and revoke.
 */
import { NewTokenForm } from "@/components/account/new-token-form";
import { TokenTable } from "@/components/account/token-table";
import { useCreateToken, useMyTokens, useRevokeToken } from "@/components/account/use-tokens";
import type { RoleName } from "@/lib/auth/permissions";

export function ApiTokens({ role }: { role: RoleName }) {
  const list = useMyTokens();
  const create = useCreateToken();
  const revoke = useRevokeToken();
  return (
    <>
      <NewTokenForm
        role={role}
        title="New token"
        formLabel="New API token"
        scopeLegend="Scopes (your role's permissions; untick to narrow)"
        pending={create.isPending}
        error={create.error}
        onCreate={(input) => create.mutateAsync(input).then((t) => ({ name: t.name, token: t.token }))}
      />
      {list.error && <p className="error" role="alert">{list.error.message}</p>}
      {revoke.error && <p className="error" role="alert">{revoke.error.message}</p>}
      {list.data && <TokenTable tokens={list.data.items} revoking={revoke.isPending} onRevoke={(id) => revoke.mutate(id)} />}
    </>
  );
}
