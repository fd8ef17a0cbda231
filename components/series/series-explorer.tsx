"use client";
/**
 * The series explorer: any range of a stored series (presets, a typed range, drag-to-zoom, zoom
 * out), kept in the URL so a view can be shared, with the anomalies of every detector on it.
 */
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { DataTable } from "@/components/data-table";
import { formatDateTime, seriesTitle } from "@/components/format";
import { StatusBadge } from "@/components/anomalies/badges";
import { RangePicker } from "@/components/series/range-picker";
import { SeriesChart } from "@/components/series/series-chart";
import { useSeriesAnomalies } from "@/components/series/use-series";
import { parseRangeParams, selectionRange, type SeriesDetail, type TimeRange } from "@/lib/series/schemas";

/** An anomaly shown with ten times its own span around it (at least ten minutes). */
function rangeAround(startTs: string, endTs: string): TimeRange {
  const start = Date.parse(startTs);
  const end = Date.parse(endTs);
  const pad = Math.max((end - start) * 5, 300_000);
  return { from: start - pad, to: end + pad };
}

export function SeriesExplorer({ series }: { series: SeriesDetail }) {
  const router = useRouter();
  const pathname = usePathname();
  const params = useSearchParams();
  const title = seriesTitle(series.metric, series.labels);
  const extent = series.first && series.last ? { from: Date.parse(series.first), to: Date.parse(series.last) } : null;
  const range = parseRangeParams(params.get("from"), params.get("to"));
  const shown = range ?? extent;
  const anomalies = useSeriesAnomalies(series.id, range);
  const setRange = (r: TimeRange | null) => {
    const qs = r ? `?${new URLSearchParams({ from: new Date(r.from).toISOString(), to: new Date(r.to).toISOString() })}` : "";
    router.replace(`${pathname}${qs}`, { scroll: false });
  };
  const onSelect = (a: number, b: number) => {
    const r = selectionRange(a, b);
    if (r) setRange(r);
  };
  const items = anomalies.data?.items ?? [];

  return (
    <>
      <div className="page-head">
        <h1>{title}</h1>
        <div className="actions-inline"><Link className="button secondary" href={`/sources/${series.source.id}`}>Source: {series.source.name}</Link></div>
      </div>
      <section className="panel series-meta" aria-label="Series">
        <dl className="kv">
          <dt>Stored</dt><dd>{series.first ? `${formatDateTime(series.first)} to ${formatDateTime(series.last)}` : "no points yet"}</dd>
          {series.unit && <><dt>Unit</dt><dd>{series.unit}</dd></>}
          <dt>Detectors</dt>
          <dd>{series.detectors.length ? series.detectors.map((d, i) => <span key={d.id}>{i > 0 && ", "}<Link href={`/detectors/${d.id}`}>{d.name}</Link></span>) : "none attached"}</dd>
        </dl>
      </section>
      <section className="panel" aria-labelledby="explorer-chart-title">
        <h2 id="explorer-chart-title">{shown ? `${formatDateTime(new Date(shown.from))} to ${formatDateTime(new Date(shown.to))}` : "No data"}</h2>
        {extent && shown && <RangePicker range={shown} extent={extent} onChange={setRange} />}
        {extent ? <SeriesChart seriesId={series.id} title={title} range={range} anomalies={items} onSelectRange={onSelect} /> : <p className="muted">No points stored yet.</p>}
        {extent && <p className="muted chart-note">Drag across the chart to zoom in.</p>}
      </section>
      <section className="panel" aria-labelledby="explorer-anomalies-title">
        <h2 id="explorer-anomalies-title">Anomalies in this range</h2>
        {anomalies.error && <p className="error" role="alert">{anomalies.error.message}</p>}
        {anomalies.data?.truncated && <p className="hint">The newest {items.length.toLocaleString("en-US")} are drawn and listed; zoom in to see the others.</p>}
        {anomalies.data && (
          <DataTable
            rows={items}
            rowKey={(a) => a.id}
            empty="No anomalies in this range."
            columns={[
              { header: "Start", cell: (a) => <Link href={`/anomalies/${a.id}`}>{formatDateTime(a.startTs)}</Link> },
              { header: "Detector", cell: (a) => a.detector.name },
              { header: "Severity", cell: (a) => <span className={`badge sev-${a.severity.toLowerCase()}`}>{a.severity.toLowerCase()}</span> },
              { header: "Score", cell: (a) => a.peakScore.toFixed(2) },
              { header: "Status", cell: (a) => <StatusBadge status={a.status} /> },
              { header: "Chart", cell: (a) => <button type="button" className="link" onClick={() => setRange(rangeAround(a.startTs, a.endTs))}>Zoom to it</button> },
            ]}
          />
        )}
      </section>
    </>
  );
}
