"use client";
/** Every API key: its source, prefix, who made it and when, last use, revocation; revoke in place. */
import Link from "next/link";
import { useState } from "react";
import { DataTable } from "@/components/data-table";
import { formatDateTime } from "@/components/format";
import { ConfirmButton } from "@/components/sources/confirm-button";
import { KeysetPager } from "@/components/admin/keyset-pager";
import { useApiKeyPage, useRevokeAnyKey } from "@/components/admin/use-admin";
import type { ApiKeyItem } from "@/lib/admin/schemas";

export function ApiKeysOverview() {
  const [revoked, setRevoked] = useState("");
  const [cursors, setCursors] = useState<(string | null)[]>([null]);
  const page = useApiKeyPage({ revoked: revoked || undefined, cursor: cursors.at(-1) });
  const revoke = useRevokeAnyKey();
  return (
    <>
      <div className="toolbar">
        <label>Show
          <select value={revoked} onChange={(e) => (setRevoked(e.target.value), setCursors([null]))}>
            <option value="">all keys</option>
            <option value="false">active keys</option>
            <option value="true">revoked keys</option>
          </select>
        </label>
      </div>
      {page.error && <p className="error" role="alert">{page.error.message}</p>}
      {revoke.error && <p className="error" role="alert">{revoke.error.message}</p>}
      {page.data && (
        <DataTable<ApiKeyItem>
          rows={page.data.items}
          rowKey={(k) => k.id}
          empty="No API keys."
          columns={[
            { header: "Name", cell: (k) => k.name },
            { header: "Source", cell: (k) => (k.source ? <Link href={`/sources/${k.source.id}`}>{k.source.name}</Link> : "—") },
            { header: "Key", cell: (k) => <code>vgl_{k.prefix}_…</code> },
            { header: "Created", cell: (k) => <>{formatDateTime(k.createdAt)}{k.createdBy && <><br /><span className="muted">{k.createdBy}</span></>}</> },
            { header: "Last used", cell: (k) => formatDateTime(k.lastUsedAt) },
            { header: "Status", cell: (k) => (k.revokedAt ? <span className="badge status-paused">revoked {formatDateTime(k.revokedAt)}</span> : <span className="badge status-active">active</span>) },
            {
              header: "Actions",
              cell: (k) =>
                !k.revokedAt && k.source ? (
                  <ConfirmButton label="Revoke" question={`Revoke ${k.name}? Pushes with it get 401 at once.`} confirmLabel="Revoke key" pending={revoke.isPending} onConfirm={() => revoke.mutate({ id: k.id, sourceId: k.source!.id })} />
                ) : null,
            },
          ]}
        />
      )}
      <KeysetPager label="API key pages" cursors={cursors} nextCursor={page.data?.nextCursor} busy={page.isPlaceholderData} onChange={setCursors} />
    </>
  );
}
