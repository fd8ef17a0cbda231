/** Named queries for data sources. */
import { getPrisma } from "@/lib/server/db";

export function listSources() {
  return getPrisma().dataSource.findMany({
    orderBy: { name: "asc" },
    select: { id: true, name: true, kind: true, status: true, lastError: true, lastIngestedAt: true, _count: { select: { series: true } } },
  });
}
