import { requirePage } from "@/lib/auth/page-guard";
import { UsersAdmin } from "@/components/admin/users-admin";
import { listAudit } from "@/lib/server/audit";
import { DataTable } from "@/components/data-table";
import { formatDateTime } from "@/components/format";
import Link from "next/link";
import "@/components/detectors/detectors.css";
import "@/components/admin/admin.css";

export default async function AdminPage() {
  const { user } = await requirePage("users:manage");
  const audit = await listAudit(20);
  return (
    <>
      <h1>Admin</h1>
      <nav className="admin-links" aria-label="Admin pages">
        <Link className="button secondary" href="/admin/audit">Audit log</Link>
        <Link className="button secondary" href="/admin/api-keys">API keys</Link>
        <Link className="button secondary" href="/admin/api-tokens">API tokens</Link>
        <Link className="button secondary" href="/admin/service-accounts">Service accounts</Link>
      </nav>
      <UsersAdmin currentUserId={user.id} />
      <h2>Recent changes</h2>
      <DataTable
        rows={audit}
        rowKey={(a) => String(a.id)}
        empty="No changes recorded yet."
        columns={[
          { header: "When", cell: (a) => formatDateTime(a.createdAt) },
          { header: "Who", cell: (a) => a.user?.email ?? "system" },
          { header: "Action", cell: (a) => `${a.action} ${a.entity}` },
          { header: "Details", cell: (a) => <code>{JSON.stringify(a.details)}</code> },
        ]}
      />
    </>
  );
}
