"use client";
/** The audit log: who changed what and when, before and after, filtered by entity and user (in the URL), keyset-paged. */
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";
import { DataTable } from "@/components/data-table";
import { formatDateTime } from "@/components/format";
import { KeysetPager } from "@/components/admin/keyset-pager";
import { useAuditPage } from "@/components/admin/use-admin";
import { AUDIT_ENTITIES, auditChanges, type AuditItem } from "@/lib/admin/schemas";

function Changes({ pairs }: { pairs: [string, string][] }) {
  if (pairs.length === 0) return <span className="muted">—</span>;
  return (
    <dl className="kv audit-kv">
      {pairs.map(([k, v]) => <div key={k}><dt>{k}</dt><dd><code>{v}</code></dd></div>)}
    </dl>
  );
}

export function AuditLog({ users }: { users: { id: string; email: string }[] }) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const filter = { entity: params.get("entity") ?? undefined, userId: params.get("userId") ?? undefined, entityId: params.get("entityId") ?? undefined };
  const key = JSON.stringify(filter);
  const [paging, setPaging] = useState<{ key: string; cursors: (string | null)[] }>({ key, cursors: [null] });
  if (paging.key !== key) setPaging({ key, cursors: [null] });
  const cursors = paging.key === key ? paging.cursors : [null];
  const page = useAuditPage({ ...filter, cursor: cursors.at(-1) });
  const set = (name: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    router.replace(`${pathname}${next.size ? `?${next}` : ""}`, { scroll: false });
  };
  return (
    <>
      <div className="toolbar" role="search" aria-label="Filter the audit log">
        <label>Entity
          <select value={filter.entity ?? ""} onChange={(e) => set("entity", e.target.value)}>
            <option value="">all</option>
            {AUDIT_ENTITIES.map((x) => <option key={x} value={x}>{x.replace(/[_-]/g, " ")}</option>)}
          </select>
        </label>
        <label>User
          <select value={filter.userId ?? ""} onChange={(e) => set("userId", e.target.value)}>
            <option value="">anyone</option>
            {users.map((u) => <option key={u.id} value={u.id}>{u.email}</option>)}
          </select>
        </label>
        {filter.entityId && <button type="button" className="secondary" onClick={() => set("entityId", "")}>Only {filter.entityId}: show all</button>}
      </div>
      {page.error && <p className="error" role="alert">{page.error.message}</p>}
      {page.data && (
        <div aria-busy={page.isFetching}>
          <DataTable<AuditItem>
            rows={page.data.items}
            rowKey={(a) => a.id}
            empty="No changes match."
            caption="Newest first"
            columns={[
              { header: "When", cell: (a) => formatDateTime(a.createdAt) },
              { header: "Who", cell: (a) => a.user?.email ?? "system" },
              { header: "What", cell: (a) => <>{a.action} {a.entity.replace("_", " ")}{a.entityId && <> <button type="button" className="link" onClick={() => set("entityId", a.entityId!)}><code>{a.entityId}</code></button></>}</> },
              { header: "Before", cell: (a) => <Changes pairs={auditChanges(a.details).before} /> },
              { header: "After", cell: (a) => <Changes pairs={auditChanges(a.details).after} /> },
            ]}
          />
        </div>
      )}
      <KeysetPager label="Audit pages" cursors={cursors} nextCursor={page.data?.nextCursor} busy={page.isPlaceholderData} onChange={(c) => setPaging({ key, cursors: c })} />
    </>
  );
}
