import Link from "next/link";
import { requirePage } from "@/lib/auth/page-guard";
import { ServiceAccountsAdmin } from "@/components/admin/service-accounts-admin";
import "@/components/detectors/detectors.css";
import "@/components/admin/admin.css";

export default async function ServiceAccountsPage() {
  await requirePage("users:manage");
  return (
    <>
      <div className="page-head">
        <h1>Service accounts</h1>
        <div className="actions-inline">
          <Link className="button secondary" href="/admin/api-tokens">API tokens</Link>
          <Link className="button secondary" href="/admin">Admin</Link>
        </div>
      </div>
      <p className="muted">
        A service account is not a person: it has a role, no password, cannot sign in, and acts only through its API tokens. Disabling it stops its tokens at once.
      </p>
      <ServiceAccountsAdmin />
    </>
  );
}
