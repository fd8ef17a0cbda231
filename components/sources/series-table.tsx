"use client";
/** A source's series, paged and searched on the server (keyset cursors: Previous walks back the ones seen). */
import Link from "next/link";
import { useState } from "react";
import { DataTable } from "@/components/data-table";
import { formatDateTime, formatLabels, formatNumber } from "@/components/format";
import { useDebouncedValue, useSourceSeries } from "@/components/sources/use-source-series";
import { SERIES_PAGE_DEFAULT, type SourceSeriesPage } from "@/lib/sources/series-query";
import s from "@/components/sources/series-table.module.css";
import sources from "@/components/sources/sources.module.css";

export function SeriesTable({ sourceId, initial, limit = SERIES_PAGE_DEFAULT }: { sourceId: string; initial?: SourceSeriesPage; limit?: number }) {
  const [search, setSearch] = useState("");
  const q = useDebouncedValue(search.trim(), 300);
  // The cursor of each page visited under the current filter; a new filter starts again at page 1.
  const [paging, setPaging] = useState<{ q: string; cursors: (string | null)[] }>({ q: "", cursors: [null] });
  if (paging.q !== q) setPaging({ q, cursors: [null] });
  const cursors = paging.q === q ? paging.cursors : [null];
  const list = useSourceSeries(sourceId, { q, cursor: cursors.at(-1) ?? null, limit }, initial);
  const data = list.data;
  const first = (cursors.length - 1) * limit + 1;
  const rows = data?.items ?? [];

  return (
    <section aria-label="Series">
      <h2>Series</h2>
      <div className={s.toolbar}>
        {data?.total !== 0 && (
          <input
            type="search"
            className={s.search}
            placeholder="Filter by metric or label…"
            aria-label="Filter series"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
          />
        )}
        {data?.total !== undefined && <span className={s.total} data-testid="series-total">{formatNumber(data.total)} series</span>}
      </div>
      {list.error && <p className="error" role="alert">{list.error.message}</p>}
      {data && (
        <div className={list.isPlaceholderData ? s.stale : undefined} aria-busy={list.isFetching}>
          <DataTable
            rows={rows}
            rowKey={(x) => x.id}
            empty={q ? `No series match “${q}”.` : "No series yet: they appear when the first points arrive."}
            columns={[
              { header: "Metric", cell: (x) => <Link href={`/series/${x.id}`} aria-label={`Explore ${x.metric}${formatLabels(x.labels)}`}>{x.metric}</Link> },
              { header: "Labels", cell: (x) => <code>{formatLabels(x.labels) || "—"}</code> },
              { header: "Latest point", cell: (x) => (x.lastTs ? `${formatDateTime(x.lastTs)} → ${x.lastValue}` : "—") },
              { header: "First seen", cell: (x) => formatDateTime(x.createdAt) },
            ]}
          />
        </div>
      )}
      {!data && !list.error && <p className="muted">Loading series…</p>}
      {data && (cursors.length > 1 || data.nextCursor) && (
        <nav className={`pager ${s.pager}`} aria-label="Series pages">
          <button type="button" className={sources.secondary} disabled={cursors.length <= 1} onClick={() => setPaging({ q, cursors: cursors.slice(0, -1) })}>
            Previous
          </button>
          <span className="muted" role="status">
            {rows.length ? `Rows ${formatNumber(first)}–${formatNumber(first + rows.length - 1)}` : "No rows"}
            {q ? ` matching “${q}”` : data.total !== undefined ? ` of ${formatNumber(data.total)}` : ""}
          </span>
          <button type="button" className={sources.secondary} disabled={!data.nextCursor || list.isPlaceholderData} onClick={() => setPaging({ q, cursors: [...cursors, data.nextCursor] })}>
            Next
          </button>
        </nav>
      )}
    </section>
  );
}
