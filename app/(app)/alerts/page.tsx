import { requirePage } from "@/lib/auth/page-guard";
import { Forbidden } from "@/components/forbidden";
import { DataTable } from "@/components/data-table";
import { listAlerting } from "@/lib/server/queries/alerts";

export default async function AlertsPage() {
  const { allowed } = await requirePage("alerts:read");
  if (!allowed) return <Forbidden what="alerts" />;
  const { channels, rules, activeSilences } = await listAlerting();
  return (
    <>
      <h1>Alerts</h1>
      <p className="muted">{activeSilences} active silence(s).</p>
      <h2>Notification channels</h2>
      <DataTable
        rows={channels}
        rowKey={(c) => c.id}
        empty="No notification channels yet."
        columns={[
          { header: "Name", cell: (c) => c.name },
          { header: "Kind", cell: (c) => c.kind.toLowerCase() },
          { header: "Enabled", cell: (c) => (c.enabled ? "yes" : "no") },
        ]}
      />
      <h2>Alert rules</h2>
      <DataTable
        rows={rules}
        rowKey={(r) => r.id}
        empty="No alert rules yet."
        columns={[
          { header: "Name", cell: (r) => r.name },
          { header: "Detector", cell: (r) => r.detector?.name ?? "any" },
          { header: "Min. severity", cell: (r) => r.minSeverity.toLowerCase() },
          { header: "Channel", cell: (r) => r.channel.name },
          { header: "Cooldown", cell: (r) => `${r.cooldownMinutes} min` },
        ]}
      />
    </>
  );
}
