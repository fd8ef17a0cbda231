/** Alert rules: CRUD, each change audited in its transaction. */
import type { Prisma } from "@/lib/generated/prisma/client";
import { getPrisma } from "@/lib/server/db";
import { AppError } from "@/lib/server/api/errors";
import { writeAudit } from "@/lib/server/audit";
import type { CreateRule, ZUpdateRule } from "@/lib/alerting/schemas";
import type { z } from "zod";

const include = { channel: { select: { id: true, name: true, kind: true } }, escalationChannel: { select: { id: true, name: true } }, detector: { select: { id: true, name: true } }, source: { select: { id: true, name: true } } } as const;

export function listRules() {
  return getPrisma().alertRule.findMany({ orderBy: { name: "asc" }, include });
}

export async function getRule(id: string) {
  const r = await getPrisma().alertRule.findUnique({ where: { id }, include });
  if (!r) throw new AppError("not_found", `No rule ${id}`);
  return r;
}

/** The channel, detector and source a rule names must exist: a 422 naming the field otherwise. */
async function assertReferences(tx: Prisma.TransactionClient, r: { channelId?: string; detectorId?: string | null; sourceId?: string | null; escalationChannelId?: string | null }) {
  const missing = async (field: string, found: Promise<unknown>) => {
    if (!(await found)) throw new AppError("unprocessable", `Unknown ${field.replace(/Id$/, "")}`, [{ path: field, message: "does not exist" }]);
  };
  if (r.channelId) await missing("channelId", tx.notificationChannel.findUnique({ where: { id: r.channelId }, select: { id: true } }));
  if (r.escalationChannelId) await missing("escalationChannelId", tx.notificationChannel.findUnique({ where: { id: r.escalationChannelId }, select: { id: true } }));
  if (r.detectorId) await missing("detectorId", tx.detector.findUnique({ where: { id: r.detectorId }, select: { id: true } }));
  if (r.sourceId) await missing("sourceId", tx.dataSource.findUnique({ where: { id: r.sourceId }, select: { id: true } }));
}

export async function createRule(input: CreateRule, userId: string | null) {
  return getPrisma().$transaction(async (tx) => {
    await assertReferences(tx, input);
    const r = await tx.alertRule.create({ data: { ...input, matchers: input.matchers as Prisma.InputJsonArray, muteTimings: input.muteTimings as Prisma.InputJsonArray }, include });
    await writeAudit({ userId, action: "create", entity: "alert-rule", entityId: r.id, details: input as unknown as Prisma.InputJsonObject }, tx);
    return r;
  });
}

export async function updateRule(id: string, input: z.infer<typeof ZUpdateRule>, userId: string | null) {
  return getPrisma().$transaction(async (tx) => {
    if (!(await tx.alertRule.findUnique({ where: { id }, select: { id: true } }))) throw new AppError("not_found", `No rule ${id}`);
    await assertReferences(tx, input);
    const r = await tx.alertRule.update({ where: { id }, data: { ...input, matchers: input.matchers as Prisma.InputJsonArray | undefined, muteTimings: input.muteTimings as Prisma.InputJsonArray | undefined }, include });
    await writeAudit({ userId, action: "update", entity: "alert-rule", entityId: id, details: input as unknown as Prisma.InputJsonObject }, tx);
    return r;
  });
}

export async function deleteRule(id: string, userId: string | null) {
  await getPrisma().$transaction(async (tx) => {
    const current = await tx.alertRule.findUnique({ where: { id }, select: { name: true, channelId: true } });
    if (!current) throw new AppError("not_found", `No rule ${id}`);
    await tx.alertRule.delete({ where: { id } });
    await writeAudit({ userId, action: "delete", entity: "alert-rule", entityId: id, details: current }, tx);
  });
}
