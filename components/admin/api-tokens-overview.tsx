"use client";
/** Every API token, of people and of service accounts: owner, prefix, scopes, dates; revoke in place. */
import { TokenTable } from "@/components/account/token-table";
import { useAllTokens, useRevokeAnyToken } from "@/components/admin/use-service-accounts";

export function ApiTokensOverview() {
  const list = useAllTokens();
  const revoke = useRevokeAnyToken();
  return (
    <>
      {list.error && <p className="error" role="alert">{list.error.message}</p>}
      {revoke.error && <p className="error" role="alert">{revoke.error.message}</p>}
      {list.data && <TokenTable tokens={list.data.items} showOwner revoking={revoke.isPending} onRevoke={(id) => revoke.mutate(id)} />}
    </>
  );
}
