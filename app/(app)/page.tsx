import { requirePage } from "@/lib/auth/page-guard";
import { getOverviewData } from "@/lib/server/queries/overview";
import { checkHealth, getQueueStats } from "@/lib/server/health";
import { OverviewDashboard } from "@/components/overview/overview-dashboard";
import { ZOverviewQuery } from "@/lib/overview/schemas";
import "@/components/detectors/detectors.css";
import "@/components/overview/overview.css";

export default async function OverviewPage() {
  await requirePage("overview:read");
  const [data, queue, health] = await Promise.all([getOverviewData(ZOverviewQuery.parse({})), getQueueStats(), checkHealth()]);
  return (
    <>
      <h1>Overview</h1>
      <OverviewDashboard initial={{ ...data, queue }} />
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
