import { requirePage } from "@/lib/auth/page-guard";
import { openApiDocument } from "@/lib/openapi/document";
import { ApiReference } from "@/components/api-docs/api-reference";

export const metadata = { title: "API reference · Vigil" };

export default async function ApiDocsPage() {
  await requirePage("overview:read");
  const document = openApiDocument();
  return (
    <>
      <div className="page-head">
        <h1>API reference</h1>
        <div className="actions-inline">
          <a className="button secondary" href="/api/v1/openapi.json">OpenAPI 3.1 JSON</a>
        </div>
      </div>
      <p className="muted">
        Every operation of the Vigil API, generated from the schemas the server validates with. Signed-in calls use your session; ingest uses a
        source API key.
      </p>
      <ApiReference document={document} />
    </>
  );
}
