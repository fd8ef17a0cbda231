/** Named queries for notification channels and alert rules. */
import { getPrisma } from "@/lib/server/db";

export async function listAlerting() {
  const prisma = getPrisma();
  const [channels, rules, silences] = await Promise.all([
    prisma.notificationChannel.findMany({ orderBy: { name: "asc" }, select: { id: true, name: true, kind: true, enabled: true } }),
    prisma.alertRule.findMany({ orderBy: { name: "asc" }, include: { channel: { select: { name: true } }, detector: { select: { name: true } } } }),
    prisma.silence.count({ where: { endsAt: { gt: new Date() } } }),
  ]);
  return { channels, rules, activeSilences: silences };
}
