/**
 * Applying suppression rules to stored incidents (lib/feedback/suppression.ts): the detector's
 * enabled rules, read where incidents are derived (`applyIncidents`), and the refresh of every
 * incident of a detector after a rule changes. Kept apart from suppression.ts so the detection
 * commit path imports only this.
 */
import type { Prisma } from "@/lib/generated/prisma/client";
import { parseAssistClassifier, type IncidentShape } from "@/lib/feedback/assist";
import { suppressingRule, type SuppressionRuleSpec } from "@/lib/feedback/suppression";
import { leaveInOutbox } from "@/lib/server/queries/alert-outbox";

const REFRESH_BATCH = 5_000;

export const RULE_SELECT = { id: true, enabled: true, seriesId: true, hourFrom: true, hourTo: true, weekdays: true, scoreBelow: true } as const;

/** The detector's enabled rules, oldest first (the first that matches names the suppression). */
export async function loadRuleSpecs(tx: Prisma.TransactionClient, detectorId: string): Promise<SuppressionRuleSpec[]> {
  const rows = await tx.suppressionRule.findMany({ where: { detectorId, enabled: true }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], select: { ...RULE_SELECT, classifier: true } });
  return rows.map((r) => ({ ...r, classifier: parseAssistClassifier(r.classifier) }));
}

/** The columns of an incident an assist rule's classifier reads (lib/feedback/assist.ts). */
export const SHAPE_SELECT = { startTs: true, endTs: true, peakScore: true, pointCount: true, actual: true, expected: true, lower: true, upper: true } as const;
export const shapeOf = (r: { startTs: Date; endTs: Date; peakScore: number; pointCount: number; actual: number | null; expected: number | null; lower: number | null; upper: number | null }): IncidentShape => ({
  start: r.startTs.getTime(), end: r.endTs.getTime(), peakScore: r.peakScore, pointCount: r.pointCount, actual: r.actual, expected: r.expected, lower: r.lower, upper: r.upper,
});

/**
 * Sets `suppressedById` on every incident of the detector from its rules; returns how many changed.
 * An open incident a change releases is left in the alert outbox in the same transaction, so the
 * notify job (rung by the outbox sweep) sends the firing its suppression held (lib/alerting/plan.ts).
 */
export async function refreshSuppression(tx: Prisma.TransactionClient, detectorId: string): Promise<number> {
  const rules = await loadRuleSpecs(tx, detectorId);
  let changed = 0;
  let after = "";
  for (;;) {
    const rows = await tx.anomaly.findMany({
      where: { detectorId, id: { gt: after } },
      orderBy: { id: "asc" },
      take: REFRESH_BATCH,
      select: { id: true, seriesId: true, suppressedById: true, ongoing: true, detection: true, ...SHAPE_SELECT },
    });
    if (rows.length === 0) return changed;
    after = rows[rows.length - 1].id;
    const moves = rows
      .map((r) => ({ id: r.id, open: r.ongoing && r.detection === "ACTIVE", was: r.suppressedById, now: suppressingRule(rules, { seriesId: r.seriesId, start: r.startTs.getTime(), peakScore: r.peakScore, shape: shapeOf(r) }) }))
      .filter((m) => m.was !== m.now);
    if (moves.length === 0) continue;
    changed += moves.length;
    // Released while still open: alerting decides it again now (its held firing goes out), not at its next detection write.
    await leaveInOutbox(tx, moves.filter((m) => m.open && m.was !== null && m.now === null).map((m) => m.id));
    await tx.$executeRaw`
      UPDATE "Anomaly" a SET "suppressedById" = v.rule FROM unnest(${moves.map((m) => m.id)}::text[], ${moves.map((m) => m.now)}::text[]) AS v(id, rule)
      WHERE a.id = v.id`;
  }
}

