"use client";
/** The overview: open anomalies by severity, anomalies per hour, ingest, sources, detection and the queue; refreshes itself. */
import Link from "next/link";
import { useMemo } from "react";
import { DataTable } from "@/components/data-table";
import { formatDateTime, formatNumber } from "@/components/format";
import { TimeSeriesChart } from "@/components/charts/time-series-chart";
import { SEVERITY_COLORS } from "@/components/charts/adapters";
import { useOverview } from "@/components/overview/use-overview";
import { formatLag, toIngestRows, toTimelineRows, type Overview } from "@/lib/overview/schemas";
import { SEVERITIES } from "@/lib/anomalies/schemas";

const openLink = (severity: string) => `/anomalies?${new URLSearchParams([["status", "OPEN"], ["status", "ACKNOWLEDGED"], ["severity", severity]])}`;

export function OverviewDashboard({ initial }: { initial: Overview }) {
  const q = useOverview(initial);
  const o = q.data;
  const timeline = useMemo(() => toTimelineRows(o.timeline), [o.timeline]);
  const ingest = useMemo(() => toIngestRows(o.ingest), [o.ingest]);
  const ingested = ingest.reduce((n, r) => n + r.points, 0);
  const failed = o.queue.queues.reduce((n, x) => n + x.failed, 0);
  const waiting = o.queue.queues.reduce((n, x) => n + x.waiting + x.delayed, 0);
  return (
    <>
      <p className="muted overview-updated" aria-live="polite">
        Updated {formatDateTime(o.generatedAt)}; refreshes every 10 s.{q.error && <span className="error"> Refresh failed: {q.error.message}</span>}
      </p>
      <section aria-labelledby="open-title">
        <h2 id="open-title">Open anomalies</h2>
        <div className="cards">
          {SEVERITIES.slice().reverse().map((s) => (
            <Link key={s} href={openLink(s)} className={`card card-${s.toLowerCase()}`}>
              <span className="card-value">{formatNumber(o.openBySeverity[s])}</span>
              <span className="card-label">{s.toLowerCase()}</span>
            </Link>
          ))}
        </div>
      </section>
      <div className="grid-2">
        <section className="panel" aria-labelledby="timeline-title">
          <h2 id="timeline-title">Anomalies per hour, last {o.timeline.hours} h</h2>
          <TimeSeriesChart
            ariaLabel={`Anomalies started per hour over the last ${o.timeline.hours} hours, by severity`}
            rows={timeline}
            height={220}
            series={SEVERITIES.map((s) => ({ key: s, name: s.toLowerCase(), color: SEVERITY_COLORS[s], kind: "bars" as const, stack: "severity" }))}
          />
        </section>
        <section className="panel" aria-labelledby="ingest-title">
          <h2 id="ingest-title">Ingest, last hour</h2>
          <p className="muted" data-testid="ingest-total">{formatNumber(ingested)} points stored for the last hour ({formatNumber(Math.round(ingested / 60))} a minute on average)</p>
          <TimeSeriesChart ariaLabel="Points stored per minute of their timestamp over the last hour" rows={ingest} height={180} series={[{ key: "points", name: "points / min", color: "#2f5fd0", kind: "line" }]} />
        </section>
      </div>
      <div className="grid-2">
        <section className="panel" aria-labelledby="workers-title">
          <h2 id="workers-title">Workers and queue</h2>
          {o.queue.ok ? (
            <dl className="kv">
              <dt>Workers seen</dt><dd>{o.queue.workers ?? "not reported by this backend"}</dd>
              <dt>Jobs waiting</dt><dd>{formatNumber(waiting)}</dd>
              <dt>Jobs failed</dt><dd className={failed ? "error" : undefined}>{formatNumber(failed)}</dd>
              <dt>Detection lag</dt><dd>{formatLag(o.detection.lagMs)}{o.detection.seriesBehind > 0 && ` (${formatNumber(o.detection.seriesBehind)} series behind)`}{o.detection.neverScored > 0 && `; ${formatNumber(o.detection.neverScored)} not scored yet`}</dd>
            </dl>
          ) : (
            <p className="error" role="alert">Queue unreachable: {o.queue.error}</p>
          )}
          {o.queue.ok && (
            <DataTable
              rows={o.queue.queues}
              rowKey={(x) => x.name}
              empty="No queues."
              columns={[
                { header: "Queue", cell: (x) => x.name },
                { header: "Waiting", cell: (x) => formatNumber(x.waiting) },
                { header: "Active", cell: (x) => formatNumber(x.active) },
                { header: "Delayed", cell: (x) => formatNumber(x.delayed) },
                { header: "Failed", cell: (x) => formatNumber(x.failed) },
              ]}
            />
          )}
        </section>
        <section className="panel" aria-labelledby="sources-title">
          <h2 id="sources-title">Sources</h2>
          <DataTable
            rows={o.sources}
            rowKey={(x) => x.id}
            empty={<>No sources yet. <Link href="/sources">Add one</Link>.</>}
            columns={[
              { header: "Source", cell: (x) => <Link href={`/sources/${x.id}`}>{x.name}</Link> },
              { header: "Status", cell: (x) => <span className={`badge status-${x.status.toLowerCase()}`}>{x.status.toLowerCase()}</span> },
              { header: "Last data", cell: (x) => formatDateTime(x.lastIngestedAt) },
              { header: "Last error", cell: (x) => (x.lastError ? <span className="error">{x.lastError}</span> : "none") },
            ]}
          />
        </section>
      </div>
      <div className="cards">
        {[
          { label: "Data sources", value: o.counts.sources, href: "/sources" },
          { label: "Series", value: o.counts.series, href: "/sources" },
          { label: "Enabled detectors", value: o.counts.detectors, href: "/detectors" },
          { label: "Stored points", value: o.counts.points, href: "/sources" },
        ].map((c) => (
          <Link key={c.label} href={c.href} className="card">
            <span className="card-value">{formatNumber(c.value)}</span>
            <span className="card-label">{c.label}</span>
          </Link>
        ))}
      </div>
    </>
  );
}
