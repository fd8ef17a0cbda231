import Link from "next/link";
import { requirePage } from "@/lib/auth/page-guard";
import { DataTable } from "@/components/data-table";
import { NewDetectorLink } from "@/components/detectors/detector-actions";
import { listDetectors } from "@/lib/server/queries/detectors";
import "@/components/detectors/detectors.css";

export default async function DetectorsPage() {
  await requirePage("detectors:read");
  const detectors = await listDetectors();
  return (
    <>
      <div className="page-head">
        <h1>Detectors</h1>
        <NewDetectorLink />
      </div>
      <DataTable
        rows={detectors}
        rowKey={(d) => d.id}
        empty="No detectors yet."
        columns={[
          { header: "Name", cell: (d) => <Link href={`/detectors/${d.id}`}>{d.name}</Link> },
          { header: "Algorithm", cell: (d) => d.algorithm },
          { header: "Threshold", cell: (d) => d.threshold.toFixed(2) },
          { header: "Mode", cell: (d) => d.mode.toLowerCase() },
          { header: "Series", cell: (d) => d._count.series },
          { header: "Anomalies", cell: (d) => d._count.anomalies },
          { header: "Enabled", cell: (d) => (d.enabled ? "yes" : <span className="badge status-paused">disabled</span>) },
        ]}
      />
    </>
  );
}
