import Link from "next/link";
import { requirePage } from "@/lib/auth/page-guard";
import { ApiKeysOverview } from "@/components/admin/api-keys-overview";
import "@/components/detectors/detectors.css";
import "@/components/admin/admin.css";

export default async function ApiKeysPage() {
  await requirePage("sources:write");
  return (
    <>
      <div className="page-head">
        <h1>API keys</h1>
        <div className="actions-inline"><Link className="button secondary" href="/admin">Admin</Link></div>
      </div>
      <ApiKeysOverview />
    </>
  );
}
