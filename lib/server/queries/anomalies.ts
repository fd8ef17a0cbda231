/** Named queries for anomalies: filtered, sorted and paginated on the server. */
import { z } from "zod";
import type { Prisma } from "@/lib/generated/prisma/client";
import { getPrisma } from "@/lib/server/db";

export const ZAnomalyListQuery = z.object({
  status: z.enum(["OPEN", "ACKNOWLEDGED", "RESOLVED", "SILENCED"]).optional(),
  severity: z.enum(["LOW", "MEDIUM", "HIGH", "CRITICAL"]).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});
export type TAnomalyListQuery = z.infer<typeof ZAnomalyListQuery>;

export async function listAnomalies(q: TAnomalyListQuery) {
  const where: Prisma.AnomalyWhereInput = { status: q.status, severity: q.severity };
  const prisma = getPrisma();
  const [total, rows] = await Promise.all([
    prisma.anomaly.count({ where }),
    prisma.anomaly.findMany({
      where,
      orderBy: { startTs: "desc" },
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
      include: {
        detector: { select: { name: true } },
        series: { select: { metric: true, labels: true } },
        assignee: { select: { email: true } },
      },
    }),
  ]);
  return { total, rows, page: q.page, pageSize: q.pageSize };
}
