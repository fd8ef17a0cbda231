import Link from "next/link";
import { requirePage } from "@/lib/auth/page-guard";
import { getOverviewCounts } from "@/lib/server/queries/overview";
import { checkHealth } from "@/lib/server/health";
import { formatNumber } from "@/components/format";

export default async function OverviewPage() {
  await requirePage("overview:read");
  const [counts, health] = await Promise.all([getOverviewCounts(), checkHealth()]);
  const cards = [
    { label: "Open anomalies", value: counts.openAnomalies, href: "/anomalies?status=OPEN" },
    { label: "Data sources", value: counts.sources, href: "/sources" },
    { label: "Series", value: counts.series, href: "/sources" },
    { label: "Enabled detectors", value: counts.detectors, href: "/detectors" },
    { label: "Stored points", value: counts.points, href: "/sources" },
  ];
  return (
    <>
      <h1>Overview</h1>
      <div className="cards">
        {cards.map((c) => (
          <Link key={c.label} href={c.href} className="card">
            <span className="card-value">{formatNumber(c.value)}</span>
            <span className="card-label">{c.label}</span>
          </Link>
        ))}
      </div>
      <section className="panel">
        <h2>System</h2>
        <ul className="status-list">
          <li>
            <span className={health.database.ok ? "dot ok" : "dot bad"} /> Database{" "}
            {health.database.ok ? `reachable (${health.database.latencyMs} ms)` : `unreachable: ${health.database.error}`}
          </li>
          <li>
            <span className={health.queue.ok ? "dot ok" : "dot bad"} /> Queue ({health.queue.backend ?? "unknown"} backend){" "}
            {health.queue.ok ? `reachable (${health.queue.latencyMs} ms)` : `unreachable: ${health.queue.error}`}
          </li>
        </ul>
      </section>
    </>
  );
}
