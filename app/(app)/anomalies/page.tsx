import Link from "next/link";
import { requirePage } from "@/lib/auth/page-guard";
import { Forbidden } from "@/components/forbidden";
import { DataTable } from "@/components/data-table";
import { listAnomalies, ZAnomalyListQuery } from "@/lib/server/queries/anomalies";
import { formatDateTime, formatLabels } from "@/components/format";

const STATUSES = ["OPEN", "ACKNOWLEDGED", "RESOLVED", "SILENCED"] as const;

export default async function AnomaliesPage({ searchParams }: { searchParams: Promise<Record<string, string>> }) {
  const { allowed } = await requirePage("anomalies:read");
  if (!allowed) return <Forbidden what="anomalies" />;
  const parsed = ZAnomalyListQuery.safeParse(await searchParams);
  const query = parsed.success ? parsed.data : ZAnomalyListQuery.parse({});
  const { rows, total, page, pageSize } = await listAnomalies(query);
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const href = (p: Record<string, string | number | undefined>) => {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries({ status: query.status, severity: query.severity, ...p })) if (v) params.set(k, String(v));
    return `/anomalies?${params}`;
  };
  return (
    <>
      <h1>Anomalies</h1>
      <nav className="filters" aria-label="Status filter">
        <Link href={href({ status: undefined, page: undefined })} className={!query.status ? "active" : undefined}>All</Link>
        {STATUSES.map((s) => (
          <Link key={s} href={href({ status: s, page: undefined })} className={query.status === s ? "active" : undefined}>
            {s.toLowerCase()}
          </Link>
        ))}
      </nav>
      <DataTable
        rows={rows}
        rowKey={(a) => a.id}
        empty="No anomalies match."
        caption={`${total} anomalies`}
        columns={[
          { header: "Started", cell: (a) => formatDateTime(a.startTs) },
          { header: "Series", cell: (a) => `${a.series.metric}${formatLabels(a.series.labels)}` },
          { header: "Detector", cell: (a) => a.detector.name },
          { header: "Severity", cell: (a) => <span className={`badge sev-${a.severity.toLowerCase()}`}>{a.severity.toLowerCase()}</span> },
          { header: "Peak score", cell: (a) => a.peakScore.toFixed(3) },
          { header: "Status", cell: (a) => a.status.toLowerCase() },
          { header: "Assignee", cell: (a) => a.assignee?.email ?? "—" },
        ]}
      />
      {pages > 1 && (
        <nav className="pager" aria-label="Pages">
          {page > 1 && <Link href={href({ page: page - 1 })}>Previous</Link>}
          <span>Page {page} of {pages}</span>
          {page < pages && <Link href={href({ page: page + 1 })}>Next</Link>}
        </nav>
      )}
    </>
  );
}
