/** Named queries for detectors. */
import { getPrisma } from "@/lib/server/db";

export function listDetectors() {
  return getPrisma().detector.findMany({
    orderBy: { name: "asc" },
    select: {
      id: true,
      name: true,
      algorithm: true,
      threshold: true,
      mode: true,
      enabled: true,
      _count: { select: { series: true, anomalies: true } },
    },
  });
}
