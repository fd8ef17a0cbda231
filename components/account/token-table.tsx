"use client";
/** API tokens as a table (never a secret): prefix, scopes, dates, status; revoke when `onRevoke` is given. */
import { DataTable } from "@/components/data-table";
import { formatDateTime } from "@/components/format";
import { ConfirmButton } from "@/components/sources/confirm-button";
import type { TokenItem } from "@/lib/tokens/schemas";

export function TokenTable({ tokens, showOwner = false, revoking, onRevoke }: { tokens: TokenItem[]; showOwner?: boolean; revoking: boolean; onRevoke: (id: string) => void }) {
  return (
    <DataTable<TokenItem>
      rows={tokens}
      rowKey={(t) => t.id}
      empty="No API tokens yet."
      columns={[
        { header: "Name", cell: (t) => t.name },
        ...(showOwner
          ? [{ header: "Owner", cell: (t: TokenItem) => <>{t.owner.serviceAccount ? t.owner.name ?? t.owner.email : t.owner.email}<br /><span className="muted">{t.owner.serviceAccount ? "service account" : "user"}</span></> }]
          : []),
        { header: "Token", cell: (t) => <code>vglt_{t.prefix}_…</code> },
        { header: "Scopes", cell: (t) => t.scopes.join(", ") },
        { header: "Created", cell: (t) => formatDateTime(t.createdAt) },
        { header: "Last used", cell: (t) => formatDateTime(t.lastUsedAt) },
        { header: "Expires", cell: (t) => (t.expiresAt ? formatDateTime(t.expiresAt) : "never") },
        { header: "Status", cell: (t) => (t.revokedAt ? <><span className="badge status-paused">revoked</span><br /><span className="muted">{formatDateTime(t.revokedAt)}</span></> : <span className="badge status-active">active</span>) },
        {
          header: "Actions",
          cell: (t) =>
            t.revokedAt ? null : (
              <ConfirmButton label="Revoke" question={`Revoke ${t.name}? Requests with it get 401 at once.`} confirmLabel="Revoke token" pending={revoking} onConfirm={() => onRevoke(t.id)} />
            ),
        },
      ]}
    />
  );
}
