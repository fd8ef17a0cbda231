/**
 * Labels and missed spans out (every label row, so history travels) and back in. Import is
 * idempotent: a row whose detector, series, span, value, reason and note (and time, when given)
 * are already stored is skipped. Bad rows fail the whole import with a 422 naming row and field.
 */
import type { Prisma } from "@/lib/generated/prisma/client";
import type { ExportRow, ImportResult, ImportRow } from "@/lib/feedback/schemas";
import type { RowIssue } from "@/lib/feedback/transfer";
import { AppError } from "@/lib/server/api/errors";
import { getPrisma } from "@/lib/server/db";

const MAX_EXPORT = 100_000;

export async function exportLabels(detectorId?: string): Promise<ExportRow[]> {
  const prisma = getPrisma();
  const where = detectorId ? { detectorId } : {};
  const [labels, missed] = await Promise.all([
    prisma.anomalyLabel.findMany({ where, orderBy: [{ createdAt: "asc" }, { id: "asc" }], take: MAX_EXPORT, include: { user: { select: { email: true } } } }),
    prisma.missedAnomaly.findMany({ where, orderBy: [{ createdAt: "asc" }, { id: "asc" }], take: MAX_EXPORT, include: { user: { select: { email: true } } } }),
  ]);
  const detectorIds = [...new Set([...labels.map((l) => l.detectorId), ...missed.flatMap((m) => (m.detectorId ? [m.detectorId] : []))])];
  const seriesIds = [...new Set([...labels.map((l) => l.seriesId), ...missed.map((m) => m.seriesId)])];
  const [detectors, series] = await Promise.all([
    prisma.detector.findMany({ where: { id: { in: detectorIds } }, select: { id: true, name: true } }),
    prisma.series.findMany({ where: { id: { in: seriesIds } }, select: { id: true, metric: true } }),
  ]);
  const dName = new Map(detectors.map((d) => [d.id, d.name]));
  const metric = new Map(series.map((s) => [s.id, s.metric]));
  const base = (detectorId: string | null, seriesId: string, start: Date, end: Date) => ({
    detectorId: detectorId ?? "",
    detectorName: (detectorId && dName.get(detectorId)) ?? "",
    seriesId,
    metric: metric.get(seriesId) ?? "",
    start: start.toISOString(),
    end: end.toISOString(),
  });
  return [
    ...labels.map((l) => ({
      kind: l.value,
      ...base(l.detectorId, l.seriesId, l.startTs, l.endTs),
      reason: l.reason ?? ("" as const),
      note: l.note ?? "",
      labelledBy: l.user.email,
      labelledAt: l.createdAt.toISOString(),
      anomalyId: l.anomalyId ?? "",
    })),
    ...missed.map((m) => ({
      kind: "MISSED" as const,
      ...base(m.detectorId, m.seriesId, m.startTs, m.endTs),
      reason: "" as const,
      note: m.note ?? "",
      labelledBy: m.user.email,
      labelledAt: m.createdAt.toISOString(),
      anomalyId: "",
    })),
  ];
}

async function resolveRefs(tx: Prisma.TransactionClient, rows: ImportRow[]) {
  const ids = [...new Set(rows.map((r) => r.detectorId).filter(Boolean))];
  const names = [...new Set(rows.map((r) => r.detectorName).filter(Boolean))];
  const detectors = await tx.detector.findMany({ where: { OR: [{ id: { in: ids } }, { name: { in: names } }] }, select: { id: true, name: true } });
  const series = await tx.series.findMany({ where: { id: { in: [...new Set(rows.map((r) => r.seriesId))] } }, select: { id: true } });
  const users = await tx.user.findMany({ where: { email: { in: [...new Set(rows.map((r) => r.labelledBy).filter(Boolean))] } }, select: { id: true, email: true } });
  const byId = new Map(detectors.map((d) => [d.id, d.id]));
  const byName = new Map(detectors.map((d) => [d.name, d.id]));
  const seriesSet = new Set(series.map((s) => s.id));
  const userBy = new Map(users.map((u) => [u.email, u.id]));
  const issues: RowIssue[] = [];
  const resolved = rows.map((r, i) => {
    const detectorId = byId.get(r.detectorId) ?? byName.get(r.detectorName);
    if (!detectorId) issues.push({ path: `rows[${i + 1}].${r.detectorId ? "detectorId" : "detectorName"}`, message: "no such detector (matched by id, then by name)" });
    if (!seriesSet.has(r.seriesId)) issues.push({ path: `rows[${i + 1}].seriesId`, message: "no such series" });
    return { ...r, detectorId: detectorId ?? "", userId: userBy.get(r.labelledBy) };
  });
  return { resolved, issues };
}

/** The incident a label row belongs to: the active one of its detector and series overlapping its span, else any overlapping. */
async function findIncident(tx: Prisma.TransactionClient, r: { detectorId: string; seriesId: string; start: string; end: string }): Promise<string | null> {
  const a = await tx.anomaly.findFirst({
    where: { detectorId: r.detectorId, seriesId: r.seriesId, startTs: { lte: new Date(r.end) }, endTs: { gte: new Date(r.start) } },
    orderBy: [{ detection: "asc" }, { startTs: "asc" }],
    select: { id: true },
  });
  return a?.id ?? null;
}

export async function importLabels(rows: ImportRow[], importerId: string): Promise<ImportResult> {
  return getPrisma().$transaction(async (tx) => {
    const { resolved, issues } = await resolveRefs(tx, rows);
    if (issues.length) throw new AppError("unprocessable", `Invalid rows: ${issues.slice(0, 5).map((i) => `${i.path}: ${i.message}`).join("; ")}`, issues);
    const result: ImportResult = { labels: 0, missed: 0, skipped: 0 };
    for (const r of resolved) {
      const span = { detectorId: r.detectorId, seriesId: r.seriesId, startTs: new Date(r.start), endTs: new Date(r.end) };
      const userId = r.userId ?? importerId;
      const createdAt = r.labelledAt ? new Date(r.labelledAt) : undefined;
      if (r.kind === "MISSED") {
        if (await tx.missedAnomaly.findFirst({ where: span, select: { id: true } })) { result.skipped++; continue; }
        await tx.missedAnomaly.create({ data: { ...span, note: r.note || null, userId, ...(createdAt ? { createdAt } : {}) } });
        result.missed++;
        continue;
      }
      const same = { ...span, value: r.kind, reason: r.reason || null, note: r.note || null, ...(createdAt ? { createdAt } : {}) };
      if (await tx.anomalyLabel.findFirst({ where: same, select: { id: true } })) { result.skipped++; continue; }
      const anomalyId = await findIncident(tx, r);
      const label = await tx.anomalyLabel.create({ data: { ...same, anomalyId, userId } });
      if (anomalyId) {
        await tx.anomalyActivity.create({ data: { anomalyId, userId: importerId, kind: "label", details: { labelId: label.id, value: r.kind, reason: r.reason || null, imported: true, labelledBy: r.labelledBy || null } } });
      }
      result.labels++;
    }
    return result;
  }, { timeout: 120_000 });
}
