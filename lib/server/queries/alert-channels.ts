/**
 * Notification channels: CRUD with secrets masked in every answer, the webhook signing secret
 * shown once (on create and rotate), and "send test". Every change writes its audit row in the
 * same transaction.
 */
import type { Prisma } from "@/lib/generated/prisma/client";
import { getPrisma } from "@/lib/server/db";
import { AppError, zodIssues } from "@/lib/server/api/errors";
import { writeAudit } from "@/lib/server/audit";
import { CONFIG_SCHEMAS, mergeConfig, redactConfig, type ChannelKindName, type CreateChannel } from "@/lib/alerting/schemas";
import { newWebhookSecret } from "@/lib/alerting/signature";
import { sendToChannel } from "@/lib/alerting/channels";
import { publicBaseUrl } from "@/lib/alerting/notify";
import { anomalyUrl, type AlertContext } from "@/lib/alerting/alert";
import type { SendOutcome } from "@/lib/alerting/outcome";
import type { SendLimit } from "@/lib/alerting/rate-limit";
import { takeTestSlot } from "@/lib/server/queries/channel-limits";
import type { z } from "zod";
import type { ZUpdateChannel } from "@/lib/alerting/schemas";

const select = { id: true, name: true, kind: true, config: true, enabled: true, createdAt: true, updatedAt: true, secret: true, rateLimitCount: true, rateLimitSeconds: true } as const;
type Row = Prisma.NotificationChannelGetPayload<{ select: typeof select }>;

export function toChannelView(c: Row) {
  const { secret, rateLimitCount, rateLimitSeconds, ...rest } = c;
  const rateLimit = rateLimitCount !== null && rateLimitSeconds !== null ? { count: rateLimitCount, seconds: rateLimitSeconds } : null;
  return { ...rest, config: redactConfig(c.kind, c.config as Record<string, unknown>), signed: !!secret, rateLimit };
}

/** The API's `rateLimit` as columns (undefined: unchanged). */
const limitColumns = (l: SendLimit | null | undefined) =>
  l === undefined ? {} : { rateLimitCount: l?.count ?? null, rateLimitSeconds: l?.seconds ?? null, ...(l === null ? { rateQueueAt: null } : {}) };
export type ChannelView = ReturnType<typeof toChannelView>;

async function assertNameFree(tx: Prisma.TransactionClient, name: string, exceptId?: string) {
  const other = await tx.notificationChannel.findUnique({ where: { name }, select: { id: true } });
  if (other && other.id !== exceptId) throw new AppError("conflict", `A channel named ${name} already exists`, [{ path: "name", message: "Name already taken" }]);
}

export async function listChannels(): Promise<ChannelView[]> {
  return (await getPrisma().notificationChannel.findMany({ orderBy: { name: "asc" }, select })).map(toChannelView);
}

export async function getChannel(id: string): Promise<ChannelView> {
  const c = await getPrisma().notificationChannel.findUnique({ where: { id }, select });
  if (!c) throw new AppError("not_found", `No channel ${id}`);
  return toChannelView(c);
}

/** Returns the view with, for a webhook, its signing `secret` (null for other kinds): the only time it is shown besides a rotation. */
export async function createChannel(input: CreateChannel, userId: string | null) {
  return getPrisma().$transaction(async (tx) => {
    await assertNameFree(tx, input.name);
    const secret = input.kind === "WEBHOOK" ? newWebhookSecret() : null;
    const c = await tx.notificationChannel.create({ data: { name: input.name, kind: input.kind, enabled: input.enabled, config: input.config as Prisma.InputJsonObject, secret, ...limitColumns(input.rateLimit) }, select });
    const details = { name: c.name, kind: c.kind, config: redactConfig(c.kind, c.config as Record<string, unknown>), rateLimit: input.rateLimit };
    await writeAudit({ userId, action: "create", entity: "channel", entityId: c.id, details: details as Prisma.InputJsonObject }, tx);
    return { ...toChannelView(c), secret };
  });
}

export async function updateChannel(id: string, input: z.infer<typeof ZUpdateChannel>, userId: string | null) {
  return getPrisma().$transaction(async (tx) => {
    const current = await tx.notificationChannel.findUnique({ where: { id }, select });
    if (!current) throw new AppError("not_found", `No channel ${id}`);
    if (input.name !== undefined) await assertNameFree(tx, input.name, id);
    let config: Prisma.InputJsonObject | undefined;
    if (input.config) {
      const merged = mergeConfig(current.kind, current.config as Record<string, unknown>, input.config);
      const parsed = CONFIG_SCHEMAS[current.kind as ChannelKindName].safeParse(merged);
      if (!parsed.success) {
        const issues = zodIssues(parsed.error).map((i) => ({ ...i, path: `config.${i.path}` }));
        throw new AppError("unprocessable", `Invalid input: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`, issues);
      }
      config = parsed.data as Prisma.InputJsonObject;
    }
    const c = await tx.notificationChannel.update({ where: { id }, data: { name: input.name, enabled: input.enabled, config, ...limitColumns(input.rateLimit) }, select });
    const details = { ...input, ...(config ? { config: redactConfig(c.kind, config as Record<string, unknown>) } : {}) };
    await writeAudit({ userId, action: "update", entity: "channel", entityId: id, details: details as Prisma.InputJsonObject }, tx);
    return toChannelView(c);
  });
}

export async function deleteChannel(id: string, userId: string | null) {
  await getPrisma().$transaction(async (tx) => {
    const current = await tx.notificationChannel.findUnique({ where: { id }, select: { name: true, kind: true } });
    if (!current) throw new AppError("not_found", `No channel ${id}`);
    await tx.notificationChannel.delete({ where: { id } });
    await writeAudit({ userId, action: "delete", entity: "channel", entityId: id, details: current }, tx);
  });
}

/** A new signing secret; the old one stops working at once. */
export async function rotateChannelSecret(id: string, userId: string | null): Promise<{ secret: string }> {
  return getPrisma().$transaction(async (tx) => {
    const current = await tx.notificationChannel.findUnique({ where: { id }, select: { kind: true } });
    if (!current) throw new AppError("not_found", `No channel ${id}`);
    if (current.kind !== "WEBHOOK") throw new AppError("unprocessable", "Only webhook channels sign their messages", [{ path: "kind", message: "not a webhook" }]);
    const secret = newWebhookSecret();
    await tx.notificationChannel.update({ where: { id }, data: { secret } });
    await writeAudit({ userId, action: "rotate-secret", entity: "channel", entityId: id }, tx);
    return { secret };
  });
}

/** A made-up anomaly for "send test": marked as a test in every message. */
function testContext(channelId: string): AlertContext {
  const now = Date.now();
  return {
    anomaly: {
      id: `test-${channelId}`, startTs: new Date(now - 120_000), endTs: new Date(now), peakTs: new Date(now - 60_000), peakScore: 0.99,
      severity: "HIGH", actual: 93.2, expected: 41, lower: 30, upper: 52, pointCount: 3, ongoing: true, detection: "ACTIVE", status: "OPEN",
    },
    series: { id: "test", metric: "vigil.test", labels: { test: "true" } },
    source: { id: "test", name: "Vigil test" },
    detector: { id: "test", name: "Vigil test", algorithm: "zscore", threshold: 0.6 },
    url: anomalyUrl(publicBaseUrl(), "test"),
  };
}

/** Sends a test message now (not through the queue) and answers with what the receiver said. */
export async function sendTestMessage(id: string, userId: string | null): Promise<SendOutcome> {
  const c = await getPrisma().notificationChannel.findUnique({ where: { id }, select: { id: true, kind: true, config: true, secret: true } });
  if (!c) throw new AppError("not_found", `No channel ${id}`);
  await takeTestSlot(id);
  const outcome = await sendToChannel(c, testContext(id), { event: "test", idempotencyKey: `test:${id}:${Date.now()}`, rule: null, sentAt: new Date() });
  await writeAudit({ userId, action: "test", entity: "channel", entityId: id, details: { ok: outcome.ok, status: outcome.status, error: outcome.error } });
  return outcome;
}
