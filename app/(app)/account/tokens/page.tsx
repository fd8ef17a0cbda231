import { requirePage } from "@/lib/auth/page-guard";
import { ApiTokens } from "@/components/account/api-tokens";
import "@/components/detectors/detectors.css";
import "@/components/admin/admin.css";

export default async function ApiTokensPage() {
  const { user } = await requirePage("overview:read");
  return (
    <>
      <div className="page-head">
        <h1>API tokens</h1>
      </div>
      <p className="muted">
        Call the API from scripts with <code>Authorization: Bearer &lt;token&gt;</code>. A token acts as you, limited to its scopes and to what your role may do at the time.
      </p>
      <ApiTokens role={user.role} />
    </>
  );
}
