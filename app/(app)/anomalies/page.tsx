import { Suspense } from "react";
import { requirePage } from "@/lib/auth/page-guard";
import { AnomalyQueue } from "@/components/anomalies/anomaly-queue";
import { listSources } from "@/lib/server/queries/sources";
import { listDetectors } from "@/lib/server/queries/detectors";
import "@/components/detectors/detectors.css";
import "@/components/anomalies/anomalies.css";
import "@/components/feedback/feedback.css";

/** The triage queue; filters and the page cursor are in the URL, the rows come from GET /api/v1/anomalies. */
export default async function AnomaliesPage() {
  const { user } = await requirePage("anomalies:read");
  const [sources, detectors] = await Promise.all([listSources(), listDetectors()]);
  return (
    <Suspense>
      <AnomalyQueue userId={user.id} sources={sources.map((s) => ({ id: s.id, name: s.name }))} detectors={detectors.map((d) => ({ id: d.id, name: d.name }))} />
    </Suspense>
  );
}
