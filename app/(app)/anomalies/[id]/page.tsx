import { notFound } from "next/navigation";
import { requirePage } from "@/lib/auth/page-guard";
import { AnomalyView } from "@/components/anomalies/anomaly-view";
import { getPrisma } from "@/lib/server/db";
import "@/components/detectors/detectors.css";
import "@/components/anomalies/anomalies.css";
import "@/components/feedback/feedback.css";

export default async function AnomalyPage({ params }: { params: Promise<{ id: string }> }) {
  const { user } = await requirePage("anomalies:read");
  const { id } = await params;
  if (!(await getPrisma().anomaly.findUnique({ where: { id }, select: { id: true } }))) notFound();
  return <AnomalyView id={id} userId={user.id} />;
}
