import { requirePage } from "@/lib/auth/page-guard";
import { Forbidden } from "@/components/forbidden";
import { DataTable } from "@/components/data-table";
import { listDetectors } from "@/lib/server/queries/detectors";

export default async function DetectorsPage() {
  const { allowed } = await requirePage("detectors:read");
  if (!allowed) return <Forbidden what="detectors" />;
  const detectors = await listDetectors();
  return (
    <>
      <h1>Detectors</h1>
      <DataTable
        rows={detectors}
        rowKey={(d) => d.id}
        empty="No detectors yet."
        columns={[
          { header: "Name", cell: (d) => d.name },
          { header: "Algorithm", cell: (d) => d.algorithm },
          { header: "Threshold", cell: (d) => d.threshold.toFixed(2) },
          { header: "Mode", cell: (d) => d.mode.toLowerCase() },
          { header: "Series", cell: (d) => d._count.series },
          { header: "Anomalies", cell: (d) => d._count.anomalies },
          { header: "Enabled", cell: (d) => (d.enabled ? "yes" : "no") },
        ]}
      />
    </>
  );
}
