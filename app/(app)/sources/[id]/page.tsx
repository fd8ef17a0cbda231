import { Fragment } from "react";
import Link from "next/link";
import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { requirePage } from "@/lib/auth/page-guard";
import { Forbidden } from "@/components/forbidden";
import { DataTable } from "@/components/data-table";
import { formatDateTime, formatLabels, formatNumber } from "@/components/format";
import { listSourceSeries } from "@/lib/server/queries/sources";
import { CONFIG_FIELDS, KIND_LABELS, summarizeConfig } from "@/components/sources/config-fields";
import { SourceActions } from "@/components/sources/source-actions";
import { StatusBadge } from "@/components/sources/status-badge";
import { ApiKeys } from "@/components/sources/api-keys";
import { CsvUpload } from "@/components/sources/csv-upload";
import { findSource } from "@/app/(app)/sources/find-source";
import s from "@/components/sources/sources.module.css";

const SERIES_LIMIT = 200;

export default async function SourcePage({ params }: { params: Promise<{ id: string }> }) {
  const { allowed } = await requirePage("sources:read");
  if (!allowed) return <Forbidden what="data sources" />;
  const source = await findSource((await params).id);
  if (!source) notFound();
  const series = await listSourceSeries(source.id, SERIES_LIMIT);
  const h = await headers();
  const origin = `${h.get("x-forwarded-proto") ?? "http"}://${h.get("host") ?? "localhost:3000"}`;

  return (
    <>
      <p><Link href="/sources">← Sources</Link></p>
      <div className={s.header}>
        <h1>{source.name}</h1>
        <SourceActions id={source.id} name={source.name} status={source.status} testable={CONFIG_FIELDS[source.kind].length > 0} />
      </div>
      <section className="panel" aria-label="Configuration">
        <h2>Configuration</h2>
        <dl className={s.summary}>
          <dt>Kind</dt><dd>{KIND_LABELS[source.kind]}</dd>
          <dt>Status</dt><dd><StatusBadge status={source.status} /></dd>
          <dt>Schedule</dt><dd>{source.scheduleSeconds ? `every ${source.scheduleSeconds} s` : "none (data is sent to Vigil)"}</dd>
          {summarizeConfig(source.kind, source.config).map((e) => (
            <Fragment key={e.label}><dt>{e.label}</dt><dd>{e.value}</dd></Fragment>
          ))}
          <dt>Last data</dt><dd>{formatDateTime(source.lastIngestedAt)}</dd>
          <dt>Last error</dt><dd className={source.lastError ? "error" : undefined}>{source.lastError ?? "—"}</dd>
          <dt>Created</dt><dd>{formatDateTime(source.createdAt)}</dd>
        </dl>
      </section>
      {source.kind === "HTTP_PUSH" && <ApiKeys sourceId={source.id} origin={origin} />}
      {source.kind === "CSV_UPLOAD" && <CsvUpload sourceId={source.id} />}
      <h2>Series ({formatNumber(source._count.series)})</h2>
      <DataTable
        rows={series}
        rowKey={(x) => x.id}
        caption={source._count.series > SERIES_LIMIT ? `First ${SERIES_LIMIT} of ${formatNumber(source._count.series)}` : undefined}
        empty="No series yet: they appear when the first points arrive."
        columns={[
          { header: "Metric", cell: (x) => x.metric },
          { header: "Labels", cell: (x) => <code>{formatLabels(x.labels) || "—"}</code> },
          { header: "Points", cell: (x) => formatNumber(x.points) },
          { header: "Latest point", cell: (x) => (x.latestTs ? `${formatDateTime(x.latestTs)} → ${x.latestValue}` : "—") },
        ]}
      />
    </>
  );
}
