import Link from "next/link";
import { requirePage } from "@/lib/auth/page-guard";
import { ApiTokensOverview } from "@/components/admin/api-tokens-overview";
import "@/components/detectors/detectors.css";
import "@/components/admin/admin.css";

export default async function AdminApiTokensPage() {
  await requirePage("users:manage");
  return (
    <>
      <div className="page-head">
        <h1>API tokens</h1>
        <div className="actions-inline">
          <Link className="button secondary" href="/admin/service-accounts">Service accounts</Link>
          <Link className="button secondary" href="/admin">Admin</Link>
        </div>
      </div>
      <p className="muted">Every API token, of people and of service accounts (source push keys are under API keys). A revoked token gets 401 on its next request.</p>
      <ApiTokensOverview />
    </>
  );
}
