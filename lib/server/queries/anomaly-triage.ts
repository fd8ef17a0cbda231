/**
 * The triage write side. Every change (status, assignee, comment) commits in one transaction with
 * the AnomalyActivity rows that record it and who did it; a change to what is already so writes
 * nothing. Bulk and single changes are the same statement.
 */
import { Prisma } from "@/lib/generated/prisma/client";
import type { AnomalyComment, TBulkAnomalyChange, TSimplePageQuery } from "@/lib/anomalies/schemas";
import { can, type RoleName } from "@/lib/auth/permissions";
import { AppError } from "@/lib/server/api/errors";
import { getPrisma } from "@/lib/server/db";

/** Changing the assignee needs `anomalies:assign` on top of triage; the permission table decides who has it. */
export function assertMayChange(role: RoleName, change: { assigneeId?: string | null }): void {
  if (change.assigneeId !== undefined && !can(role, "anomalies:assign")) throw new AppError("forbidden", "Your role may not anomalies:assign");
}

interface ChangedRow {
  id: string;
  oldStatus: string;
  newStatus: string;
  oldAssigneeId: string | null;
  oldAssigneeEmail: string | null;
  newAssigneeId: string | null;
}

async function findAssignee(tx: Prisma.TransactionClient, assigneeId: string) {
  const user = await tx.user.findUnique({ where: { id: assigneeId }, select: { id: true, email: true, role: true, disabled: true } });
  if (!user || user.disabled || !can(user.role, "anomalies:triage")) {
    throw new AppError("unprocessable", "assigneeId: no active user who may triage has this id", [{ path: "assigneeId", message: "is not an active user who may triage" }]);
  }
  return user;
}

/**
 * Applies one change to up to 1,000 anomalies. Returns the ids that actually changed; ids that do
 * not exist are skipped (the caller decides whether that is a 404).
 */
export async function changeAnomalies(change: TBulkAnomalyChange, userId: string): Promise<string[]> {
  const { ids, status } = change;
  const setAssignee = change.assigneeId !== undefined;
  return getPrisma().$transaction(async (tx) => {
    const assignee = change.assigneeId ? await findAssignee(tx, change.assigneeId) : null;
    const newStatus = status ?? null;
    const newAssignee = assignee?.id ?? null;
    const rows = await tx.$queryRaw<ChangedRow[]>`
      WITH old AS (
        SELECT a.id, a.status, a."assigneeId", u.email
        FROM "Anomaly" a LEFT JOIN "User" u ON u.id = a."assigneeId"
        WHERE a.id = ANY(${ids}::text[])
        FOR UPDATE OF a
      )
      UPDATE "Anomaly" a SET
        status = COALESCE(${newStatus}::"AnomalyStatus", a.status),
        "assigneeId" = CASE WHEN ${setAssignee} THEN ${newAssignee}::text ELSE a."assigneeId" END,
        "acknowledgedAt" = CASE WHEN ${newStatus}::"AnomalyStatus" = 'ACKNOWLEDGED' AND old.status <> 'ACKNOWLEDGED' THEN now() ELSE a."acknowledgedAt" END,
        "resolvedAt" = CASE WHEN ${newStatus}::"AnomalyStatus" IS NULL THEN a."resolvedAt"
                            WHEN ${newStatus}::"AnomalyStatus" = 'RESOLVED' THEN COALESCE(a."resolvedAt", now()) ELSE NULL END,
        "updatedAt" = now()
      FROM old
      WHERE a.id = old.id
        AND ((${newStatus}::"AnomalyStatus" IS NOT NULL AND old.status <> ${newStatus}::"AnomalyStatus")
          OR (${setAssignee} AND old."assigneeId" IS DISTINCT FROM ${newAssignee}::text))
      RETURNING a.id, old.status::text AS "oldStatus", a.status::text AS "newStatus",
        old."assigneeId" AS "oldAssigneeId", old.email AS "oldAssigneeEmail", a."assigneeId" AS "newAssigneeId"`;
    const activity: { id: string; kind: string; details: string }[] = [];
    for (const r of rows) {
      if (r.oldStatus !== r.newStatus) activity.push({ id: r.id, kind: "status", details: JSON.stringify({ from: r.oldStatus, to: r.newStatus }) });
      if (r.oldAssigneeId !== r.newAssigneeId) {
        const from = r.oldAssigneeId ? { id: r.oldAssigneeId, email: r.oldAssigneeEmail } : null;
        const to = assignee ? { id: assignee.id, email: assignee.email } : null;
        activity.push({ id: r.id, kind: "assign", details: JSON.stringify({ from, to }) });
      }
    }
    if (activity.length) {
      await tx.$executeRaw`
        INSERT INTO "AnomalyActivity" ("anomalyId", "userId", kind, details, "createdAt")
        SELECT x.id, ${userId}, x.kind, x.details::jsonb, now()
        FROM unnest(${activity.map((a) => a.id)}::text[], ${activity.map((a) => a.kind)}::text[], ${activity.map((a) => a.details)}::text[]) AS x(id, kind, details)`;
    }
    return rows.map((r) => r.id);
  }, { timeout: 30_000 });
}

export async function assertAnomalyExists(id: string): Promise<void> {
  const found = await getPrisma().anomaly.findUnique({ where: { id }, select: { id: true } });
  if (!found) throw new AppError("not_found", `No anomaly ${id}`);
}

const userSelect = { select: { id: true, email: true, name: true } } as const;

export async function addAnomalyComment(anomalyId: string, body: string, userId: string): Promise<AnomalyComment> {
  await assertAnomalyExists(anomalyId);
  const comment = await getPrisma().$transaction(async (tx) => {
    const c = await tx.anomalyComment.create({ data: { anomalyId, userId, body }, include: { user: userSelect } });
    await tx.anomalyActivity.create({ data: { anomalyId, userId, kind: "comment", details: { commentId: c.id, excerpt: body.slice(0, 140) } } });
    return c;
  });
  return { id: comment.id, body: comment.body, createdAt: comment.createdAt.toISOString(), user: comment.user };
}

/** Opaque cursors of the small lists: base64url of their last row's key parts. */
const encodeKey = (parts: (string | number)[]) => Buffer.from(JSON.stringify(parts), "utf8").toString("base64url");
function decodeKey(text: string | undefined, shape: ("string" | "number")[]): (string | number)[] | undefined {
  if (!text) return undefined;
  try {
    const v: unknown = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
    if (Array.isArray(v) && v.length === shape.length && v.every((x, i) => typeof x === shape[i])) return v;
  } catch {
    // fall through to the 400
  }
  throw new AppError("bad_request", "cursor: is not a cursor from a previous page", [{ path: "cursor", message: "is not a cursor from a previous page" }]);
}

/** Comments oldest first, keyset on (createdAt, id). */
export async function listAnomalyComments(anomalyId: string, q: TSimplePageQuery) {
  await assertAnomalyExists(anomalyId);
  const after = decodeKey(q.cursor, ["number", "string"]);
  const rows = await getPrisma().anomalyComment.findMany({
    where: {
      anomalyId,
      ...(after ? { OR: [{ createdAt: { gt: new Date(after[0]) } }, { createdAt: new Date(after[0]), id: { gt: String(after[1]) } }] } : {}),
    },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    take: q.limit + 1,
    include: { user: userSelect },
  });
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    items: page.map((c) => ({ id: c.id, body: c.body, createdAt: c.createdAt.toISOString(), user: c.user })),
    nextCursor: rows.length > q.limit && last ? encodeKey([last.createdAt.getTime(), last.id]) : null,
  };
}

/** The history oldest first (people's triage and the pipeline's re-detection), keyset on id. */
export async function listAnomalyActivity(anomalyId: string, q: TSimplePageQuery) {
  await assertAnomalyExists(anomalyId);
  const after = decodeKey(q.cursor, ["string"]);
  if (after && !/^\d{1,19}$/.test(String(after[0]))) throw new AppError("bad_request", "cursor: is not a cursor from a previous page");
  const rows = await getPrisma().anomalyActivity.findMany({
    where: { anomalyId, ...(after ? { id: { gt: BigInt(String(after[0])) } } : {}) },
    orderBy: { id: "asc" },
    take: q.limit + 1,
    include: { user: userSelect },
  });
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    items: page.map((a) => ({
      id: a.id.toString(),
      kind: a.kind,
      details: (a.details && typeof a.details === "object" && !Array.isArray(a.details) ? a.details : {}) as Record<string, unknown>,
      createdAt: a.createdAt.toISOString(),
      user: a.user,
    })),
    nextCursor: rows.length > q.limit && last ? encodeKey([last.id.toString()]) : null,
  };
}

/** Users an anomaly can be assigned to: active, and allowed to triage. Keyset on email. */
export async function listAssignees(q: TSimplePageQuery) {
  const after = decodeKey(q.cursor, ["string"]);
  const roles = (["ADMIN", "ANALYST", "OPERATOR"] as const).filter((r) => can(r, "anomalies:triage"));
  const rows = await getPrisma().user.findMany({
    where: { disabled: false, serviceAccount: false, role: { in: [...roles] }, ...(after ? { email: { gt: String(after[0]) } } : {}) },
    orderBy: { email: "asc" },
    take: q.limit + 1,
    select: { id: true, email: true, name: true, role: true },
  });
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return { items: page, nextCursor: rows.length > q.limit && last ? encodeKey([last.email]) : null };
}
