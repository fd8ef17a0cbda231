import { Fragment } from "react";
import Link from "next/link";
import { headers } from "next/headers";
import { notFound } from "next/navigation";
import { requirePage } from "@/lib/auth/page-guard";
import { formatDateTime } from "@/components/format";
import { listSourceSeriesPage } from "@/lib/server/queries/series";
import { SERIES_PAGE_DEFAULT } from "@/lib/sources/series-query";
import { CONFIG_FIELDS, KIND_LABELS, summarizeConfig } from "@/components/sources/config-fields";
import { SourceActions } from "@/components/sources/source-actions";
import { StatusBadge } from "@/components/sources/status-badge";
import { ApiKeys } from "@/components/sources/api-keys";
import { CsvUpload } from "@/components/sources/csv-upload";
import { HistoryImport } from "@/components/sources/history-import";
import { SeriesTable } from "@/components/sources/series-table";
import { findSource } from "@/app/(app)/sources/find-source";
import s from "@/components/sources/sources.module.css";

export default async function SourcePage({ params }: { params: Promise<{ id: string }> }) {
  await requirePage("sources:read");
  const source = await findSource((await params).id);
  if (!source) notFound();
  // The first page is rendered with the page; the table pages and searches through the API from there.
  const firstSeries = await listSourceSeriesPage(source.id, { limit: SERIES_PAGE_DEFAULT, count: true });
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
          <dt>Keep points</dt><dd>{source.retentionDays ? `${source.retentionDays} days` : "forever"}</dd>
          <dt>Last data</dt><dd>{formatDateTime(source.lastIngestedAt)}</dd>
          <dt>Last error</dt><dd className={source.lastError ? "error" : undefined}>{source.lastError ?? "—"}</dd>
          <dt>Created</dt><dd>{formatDateTime(source.createdAt)}</dd>
        </dl>
      </section>
      {source.kind === "HTTP_PUSH" && <ApiKeys sourceId={source.id} origin={origin} />}
      {source.kind === "CSV_UPLOAD" && <CsvUpload sourceId={source.id} />}
      {source.kind === "PROMETHEUS" && <HistoryImport sourceId={source.id} />}
      <SeriesTable sourceId={source.id} initial={firstSeries} />
    </>
  );
}
