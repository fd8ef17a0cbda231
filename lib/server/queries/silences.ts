/** Silences: create, list (active and upcoming first, then ended), expire early; audited. */
import type { Prisma } from "@/lib/generated/prisma/client";
import { getPrisma } from "@/lib/server/db";
import { AppError } from "@/lib/server/api/errors";
import { writeAudit } from "@/lib/server/audit";
import type { CreateSilence } from "@/lib/alerting/schemas";

const select = {
  id: true, matchers: true, reason: true, startsAt: true, endsAt: true, createdAt: true,
  createdBy: { select: { id: true, email: true } },
  _count: { select: { deliveries: true } },
} as const;

type Row = Prisma.SilenceGetPayload<{ select: typeof select }>;

/** A silence as every answer shows it: the deliveries it held back, and whether it is pending, active or ended now. */
function toView({ _count, ...s }: Row, now = new Date()) {
  return { ...s, suppressed: _count.deliveries, state: s.endsAt <= now ? "ended" : s.startsAt > now ? "pending" : "active" };
}

export async function listSilences(opts: { includeEnded?: boolean; limit?: number } = {}) {
  const now = new Date();
  const rows = await getPrisma().silence.findMany({
    where: opts.includeEnded ? {} : { endsAt: { gt: now } },
    orderBy: [{ endsAt: "desc" }, { id: "asc" }],
    take: opts.limit ?? 100,
    select,
  });
  return rows.map((s) => toView(s, now));
}

export async function createSilence(input: CreateSilence, userId: string) {
  const startsAt = input.startsAt ? new Date(input.startsAt) : new Date();
  const endsAt = input.endsAt ? new Date(input.endsAt) : new Date(startsAt.getTime() + input.durationMinutes! * 60_000);
  if (endsAt <= startsAt) throw new AppError("unprocessable", "endsAt must be after startsAt", [{ path: "endsAt", message: "must be after startsAt" }]);
  if (endsAt <= new Date()) throw new AppError("unprocessable", "endsAt is in the past", [{ path: "endsAt", message: "must be in the future" }]);
  return getPrisma().$transaction(async (tx) => {
    const s = await tx.silence.create({ data: { matchers: input.matchers as Prisma.InputJsonArray, reason: input.reason || null, startsAt, endsAt, createdById: userId }, select });
    await writeAudit({ userId, action: "create", entity: "silence", entityId: s.id, details: { matchers: input.matchers, startsAt, endsAt, reason: input.reason ?? null } as unknown as Prisma.InputJsonObject }, tx);
    return toView(s);
  });
}

/** Ends a silence now (kept, so the deliveries it stopped still name it). */
export async function expireSilence(id: string, userId: string) {
  return getPrisma().$transaction(async (tx) => {
    const current = await tx.silence.findUnique({ where: { id }, select: { endsAt: true, startsAt: true } });
    if (!current) throw new AppError("not_found", `No silence ${id}`);
    const now = new Date();
    if (current.endsAt <= now) throw new AppError("conflict", "This silence has already ended");
    const s = await tx.silence.update({ where: { id }, data: { endsAt: now, startsAt: current.startsAt > now ? now : current.startsAt }, select });
    await writeAudit({ userId, action: "expire", entity: "silence", entityId: id, details: { endsAt: now } }, tx);
    return toView(s, now);
  });
}
