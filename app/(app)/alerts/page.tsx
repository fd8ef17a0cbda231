import { requirePage } from "@/lib/auth/page-guard";
import { Forbidden } from "@/components/forbidden";
import { AlertsConsole } from "@/components/alerts/alerts-console";
import { listRuleTargets } from "@/lib/server/queries/alerts";

export default async function AlertsPage() {
  const { allowed } = await requirePage("alerts:read");
  if (!allowed) return <Forbidden what="alerts" />;
  const { detectors, sources } = await listRuleTargets();
  return <AlertsConsole detectors={detectors} sources={sources} />;
}
