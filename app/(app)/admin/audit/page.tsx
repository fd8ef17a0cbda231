import Link from "next/link";
import { requirePage } from "@/lib/auth/page-guard";
import { AuditLog } from "@/components/admin/audit-log";
import { listAuditUsers } from "@/lib/server/audit";
import "@/components/detectors/detectors.css";
import "@/components/admin/admin.css";

export default async function AuditPage() {
  await requirePage("audit:read");
  const users = await listAuditUsers();
  return (
    <>
      <div className="page-head">
        <h1>Audit log</h1>
        <div className="actions-inline"><Link className="button secondary" href="/admin">Admin</Link></div>
      </div>
      <AuditLog users={users} />
    </>
  );
}
