import Link from "next/link";
import { requirePage } from "@/lib/auth/page-guard";
import { DataTable } from "@/components/data-table";
import { listSources } from "@/lib/server/queries/sources";
import { formatDateTime } from "@/components/format";
import { KIND_LABELS } from "@/components/sources/config-fields";
import { NewSourceLink } from "@/components/sources/new-source-link";
import { StatusBadge } from "@/components/sources/status-badge";
import s from "@/components/sources/sources.module.css";

export default async function SourcesPage() {
  await requirePage("sources:read");
  const sources = await listSources();
  return (
    <>
      <div className={s.header}>
        <h1>Sources</h1>
        <NewSourceLink />
      </div>
      <DataTable
        rows={sources}
        rowKey={(x) => x.id}
        empty="No data sources yet."
        columns={[
          { header: "Name", cell: (x) => <Link href={`/sources/${x.id}`}>{x.name}</Link> },
          { header: "Kind", cell: (x) => KIND_LABELS[x.kind] },
          { header: "Status", cell: (x) => <StatusBadge status={x.status} /> },
          { header: "Series", cell: (x) => x._count.series },
          { header: "Last data", cell: (x) => formatDateTime(x.lastIngestedAt) },
          { header: "Last error", cell: (x) => x.lastError ?? "—" },
        ]}
      />
    </>
  );
}
