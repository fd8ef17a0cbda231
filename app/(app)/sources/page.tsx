import { requirePage } from "@/lib/auth/page-guard";
import { Forbidden } from "@/components/forbidden";
import { DataTable } from "@/components/data-table";
import { listSources } from "@/lib/server/queries/sources";
import { formatDateTime } from "@/components/format";

export default async function SourcesPage() {
  const { allowed } = await requirePage("sources:read");
  if (!allowed) return <Forbidden what="data sources" />;
  const sources = await listSources();
  return (
    <>
      <h1>Sources</h1>
      <DataTable
        rows={sources}
        rowKey={(s) => s.id}
        empty="No data sources yet."
        columns={[
          { header: "Name", cell: (s) => s.name },
          { header: "Kind", cell: (s) => s.kind.replace("_", " ").toLowerCase() },
          { header: "Status", cell: (s) => <span className={`badge status-${s.status.toLowerCase()}`}>{s.status.toLowerCase()}</span> },
          { header: "Series", cell: (s) => s._count.series },
          { header: "Last data", cell: (s) => formatDateTime(s.lastIngestedAt) },
          { header: "Last error", cell: (s) => s.lastError ?? "—" },
        ]}
      />
    </>
  );
}
