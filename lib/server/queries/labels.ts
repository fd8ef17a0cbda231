/**
 * Analysts' labels and missed spans (lib/feedback/README.md). A label is a new row every time, in
 * one transaction with the AnomalyActivity that shows it in the incident's history; the current
 * label is the latest. Each label keeps the detector, series and span it was given to, so it
 * outlives its incident; labels of incidents merged into another count for that one.
 */
import { Prisma } from "@/lib/generated/prisma/client";
import type { Label, LabelHistory, Missed, TBulkLabel, TNewLabel, TNewMissed } from "@/lib/feedback/schemas";
import { AppError } from "@/lib/server/api/errors";
import { getPrisma } from "@/lib/server/db";

const userSelect = { select: { id: true, email: true } } as const;
type LabelRow = Prisma.AnomalyLabelGetPayload<{ include: { user: typeof userSelect } }>;

export const toLabel = (l: LabelRow): Label => ({
  id: l.id,
  anomalyId: l.anomalyId,
  value: l.value,
  reason: l.reason,
  note: l.note,
  createdAt: l.createdAt.toISOString(),
  user: l.user,
});

/** The incident itself and every incident merged into it, transitively. */
export async function mergedFamily(db: Prisma.TransactionClient, anomalyId: string): Promise<string[]> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    WITH RECURSIVE fam(id, depth) AS (
      SELECT ${anomalyId}::text, 0
      UNION
      SELECT a.id, fam.depth + 1 FROM "Anomaly" a JOIN fam ON a."mergedIntoId" = fam.id WHERE fam.depth < 50
    )
    SELECT DISTINCT id FROM fam`;
  return rows.map((r) => r.id);
}

export async function getLabelHistory(anomalyId: string, db: Prisma.TransactionClient = getPrisma()): Promise<LabelHistory> {
  const ids = await mergedFamily(db, anomalyId);
  const rows = await db.anomalyLabel.findMany({ where: { anomalyId: { in: ids } }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], include: { user: userSelect }, take: 200 });
  const items = rows.map(toLabel);
  return { current: items[0] ?? null, items };
}

/** Adds a label to an incident (a change is a new row); recorded in its history. */
export async function addLabel(anomalyId: string, body: TNewLabel, userId: string): Promise<LabelHistory> {
  return getPrisma().$transaction(async (tx) => {
    const a = await tx.anomaly.findUnique({ where: { id: anomalyId }, select: { detectorId: true, seriesId: true, startTs: true, endTs: true } });
    if (!a) throw new AppError("not_found", `No anomaly ${anomalyId}`);
    const label = await tx.anomalyLabel.create({
      data: { anomalyId, ...a, userId, value: body.value, reason: body.reason ?? null, note: body.note || null },
    });
    await tx.anomalyActivity.create({
      data: { anomalyId, userId, kind: "label", details: { labelId: label.id, value: body.value, reason: body.reason ?? null, note: body.note ? body.note.slice(0, 140) : null } },
    });
    return getLabelHistory(anomalyId, tx);
  });
}

/** The same label on many anomalies in one transaction (each a new history row with its activity); an unknown id refuses all. */
export async function addLabels(body: TBulkLabel, userId: string): Promise<{ labelled: number }> {
  return getPrisma().$transaction(async (tx) => {
    const found = await tx.anomaly.findMany({ where: { id: { in: body.ids } }, select: { id: true, detectorId: true, seriesId: true, startTs: true, endTs: true } });
    const byId = new Map(found.map((a) => [a.id, a]));
    const missing = body.ids.findIndex((id) => !byId.has(id));
    if (missing >= 0) throw new AppError("unprocessable", `ids[${missing}]: no anomaly ${body.ids[missing]}`, [{ path: `ids.${missing}`, message: "no such anomaly" }]);
    const fields = { userId, value: body.value, reason: body.reason ?? null, note: body.note || null };
    const labels = await tx.anomalyLabel.createManyAndReturn({
      data: body.ids.map((id) => { const { detectorId, seriesId, startTs, endTs } = byId.get(id)!; return { anomalyId: id, detectorId, seriesId, startTs, endTs, ...fields }; }),
      select: { id: true, anomalyId: true },
    });
    await tx.anomalyActivity.createMany({
      data: labels.map((l) => ({ anomalyId: l.anomalyId!, userId, kind: "label", details: { labelId: l.id, value: body.value, reason: body.reason ?? null, note: body.note ? body.note.slice(0, 140) : null } })),
    });
    return { labelled: labels.length };
  });
}

type MissedRow = Prisma.MissedAnomalyGetPayload<{ include: { user: typeof userSelect } }>;
const toMissed = (m: MissedRow): Missed => ({
  id: m.id,
  detectorId: m.detectorId,
  seriesId: m.seriesId,
  start: m.startTs.toISOString(),
  end: m.endTs.toISOString(),
  note: m.note,
  createdAt: m.createdAt.toISOString(),
  user: m.user,
});

/** Marks a span the detector should have flagged on one of its series. The same span twice is one row. */
export async function addMissed(body: TNewMissed, userId: string): Promise<{ missed: Missed; created: boolean }> {
  const prisma = getPrisma();
  const attached = await prisma.detectorSeries.findUnique({ where: { detectorId_seriesId: { detectorId: body.detectorId, seriesId: body.seriesId } }, select: { seriesId: true } });
  if (!attached) {
    const detector = await prisma.detector.findUnique({ where: { id: body.detectorId }, select: { id: true } });
    if (!detector) throw new AppError("unprocessable", "detectorId: no such detector", [{ path: "detectorId", message: "no such detector" }]);
    throw new AppError("unprocessable", "seriesId: not a series of this detector", [{ path: "seriesId", message: "not a series of this detector" }]);
  }
  const key = { detectorId: body.detectorId, seriesId: body.seriesId, startTs: new Date(body.start), endTs: new Date(body.end) };
  const existing = await prisma.missedAnomaly.findFirst({ where: key, include: { user: userSelect } });
  if (existing) return { missed: toMissed(existing), created: false };
  const m = await prisma.missedAnomaly.create({ data: { ...key, note: body.note || null, userId }, include: { user: userSelect } });
  return { missed: toMissed(m), created: true };
}

export async function listMissed(detectorId: string, seriesId?: string): Promise<Missed[]> {
  const rows = await getPrisma().missedAnomaly.findMany({
    where: { detectorId, ...(seriesId ? { seriesId } : {}) },
    orderBy: [{ startTs: "asc" }, { id: "asc" }],
    include: { user: userSelect },
    take: 1000,
  });
  return rows.map(toMissed);
}
