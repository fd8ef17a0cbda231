/** What an alert rule can point at, for the rule form. */
import { getPrisma } from "@/lib/server/db";

export async function listRuleTargets() {
  const prisma = getPrisma();
  const [detectors, sources] = await Promise.all([
    prisma.detector.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true } }),
    prisma.dataSource.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true } }),
  ]);
  return { detectors, sources };
}
