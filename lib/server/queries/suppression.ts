/**
 * Suppression rules (lib/feedback/suppression.ts): stored per detector, applied where incidents are
 * derived (`applyIncidents` sets `suppressedById`) and again here over every incident of the
 * detector when a rule is created, edited, disabled or removed, so the attribute always equals the
 * rules applied to the incident; proposals and what-ifs over the labelled history. Audited.
 */
import type { Prisma } from "@/lib/generated/prisma/client";
import { classifyEvent } from "@/lib/feedback/evaluate";
import { describeRule, proposeRules, ruleWhatIf, suppressingRule, type JudgedIncident, type RuleConditions } from "@/lib/feedback/suppression";
import { conditionIssues, type SuppressionRuleItem, type TNewSuppressionRule, type TSuppressionRuleChange } from "@/lib/feedback/suppression-schemas";
import { AppError } from "@/lib/server/api/errors";
import { writeAudit } from "@/lib/server/audit";
import { getPrisma } from "@/lib/server/db";
import { loadRuleSpecs, RULE_SELECT, refreshSuppression, SHAPE_SELECT, shapeOf } from "@/lib/server/queries/suppression-apply";
import { loadDetectorForFeedback, loadTruth, resolvePeriod, type Period } from "@/lib/server/queries/evaluation";

const DAY_MS = 86_400_000;
type RuleRow = Prisma.SuppressionRuleGetPayload<object>;

function toItem(r: RuleRow, suppressing: number): SuppressionRuleItem {
  return {
    id: r.id, detectorId: r.detectorId, seriesId: r.seriesId, hourFrom: r.hourFrom, hourTo: r.hourTo, weekdays: r.weekdays,
    scoreBelow: r.scoreBelow, enabled: r.enabled, note: r.note, origin: r.origin, description: describeRule(r), suppressing,
    createdAt: r.createdAt.toISOString(), updatedAt: r.updatedAt.toISOString(),
  };
}

export async function listSuppressionRules(detectorId: string): Promise<{ items: SuppressionRuleItem[]; nextCursor: null }> {
  await loadDetectorForFeedback(detectorId);
  const prisma = getPrisma();
  const [rules, counts] = await Promise.all([
    prisma.suppressionRule.findMany({ where: { detectorId }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], take: 500 }),
    prisma.anomaly.groupBy({ by: ["suppressedById"], where: { detectorId, suppressedById: { not: null } }, _count: { _all: true } }),
  ]);
  const n = new Map(counts.map((c) => [c.suppressedById, c._count._all]));
  return { items: rules.map((r) => toItem(r, n.get(r.id) ?? 0)), nextCursor: null };
}

async function assertSeriesAttached(detectorId: string, seriesId: string | null) {
  if (seriesId === null) return;
  const attached = await getPrisma().detectorSeries.findUnique({ where: { detectorId_seriesId: { detectorId, seriesId } }, select: { seriesId: true } });
  if (!attached) throw new AppError("unprocessable", `seriesId: ${seriesId} is not a series of this detector`, [{ path: "seriesId", message: "is not a series of this detector" }]);
}

export async function createSuppressionRule(detectorId: string, body: TNewSuppressionRule, userId: string): Promise<SuppressionRuleItem> {
  await loadDetectorForFeedback(detectorId);
  await assertSeriesAttached(detectorId, body.seriesId);
  return getPrisma().$transaction(async (tx) => {
    const rule = await tx.suppressionRule.create({ data: { detectorId, ...body, note: body.note || null, createdById: userId } });
    await refreshSuppression(tx, detectorId);
    const suppressing = await tx.anomaly.count({ where: { suppressedById: rule.id } });
    await writeAudit({ userId, action: "suppression.create", entity: "detector", entityId: detectorId, details: { ruleId: rule.id, rule: describeRule(rule), origin: body.origin, suppressing } }, tx);
    return toItem(rule, suppressing);
  });
}

async function findRule(detectorId: string, ruleId: string) {
  const rule = await getPrisma().suppressionRule.findFirst({ where: { id: ruleId, detectorId } });
  if (!rule) throw new AppError("not_found", `No suppression rule ${ruleId} on detector ${detectorId}`);
  return rule;
}

export async function updateSuppressionRule(detectorId: string, ruleId: string, change: TSuppressionRuleChange, userId: string): Promise<SuppressionRuleItem> {
  const before = await findRule(detectorId, ruleId);
  const conditionChanged = (["seriesId", "hourFrom", "hourTo", "weekdays", "scoreBelow"] as const).find((k) => change[k] !== undefined);
  if (before.classifier !== null && conditionChanged) {
    throw new AppError("unprocessable", `${conditionChanged}: an assist rule's conditions come from its classifier; turn the assist off and on to retrain`, [{ path: conditionChanged, message: "cannot be set on an assist rule" }]);
  }
  const next: RuleConditions = {
    seriesId: change.seriesId !== undefined ? change.seriesId : before.seriesId,
    hourFrom: change.hourFrom !== undefined ? change.hourFrom : before.hourFrom,
    hourTo: change.hourTo !== undefined ? change.hourTo : before.hourTo,
    weekdays: change.weekdays ?? before.weekdays,
    scoreBelow: change.scoreBelow !== undefined ? change.scoreBelow : before.scoreBelow,
  };
  const issues = before.classifier !== null ? [] : conditionIssues(next);
  if (issues.length) throw new AppError("unprocessable", `${issues[0].path}: ${issues[0].message}`, issues);
  await assertSeriesAttached(detectorId, next.seriesId);
  return getPrisma().$transaction(async (tx) => {
    const rule = await tx.suppressionRule.update({ where: { id: ruleId }, data: { ...next, enabled: change.enabled ?? before.enabled, note: change.note !== undefined ? change.note || null : before.note } });
    await refreshSuppression(tx, detectorId);
    const suppressing = await tx.anomaly.count({ where: { suppressedById: rule.id } });
    const action = change.enabled === false ? "suppression.disable" : change.enabled === true && !before.enabled ? "suppression.enable" : "suppression.update";
    await writeAudit({ userId, action, entity: "detector", entityId: detectorId, details: { ruleId, before: describeRule(before), after: describeRule(rule), enabled: rule.enabled, suppressing } }, tx);
    return toItem(rule, suppressing);
  });
}

export async function deleteSuppressionRule(detectorId: string, ruleId: string, userId: string): Promise<{ deleted: string; released: number }> {
  const rule = await findRule(detectorId, ruleId);
  return getPrisma().$transaction(async (tx) => {
    const released = await tx.anomaly.count({ where: { suppressedById: ruleId } });
    await tx.suppressionRule.delete({ where: { id: ruleId } });
    await refreshSuppression(tx, detectorId);
    await writeAudit({ userId, action: "suppression.delete", entity: "detector", entityId: detectorId, details: { ruleId, rule: describeRule(rule), released } }, tx);
    return { deleted: ruleId, released };
  });
}

/**
 * The incidents that alert today over the period (still detected, no enabled rule but
 * `excludeRuleId` suppresses them), each judged by the labels.
 */
async function alertingIncidents(detectorId: string, period: Period, excludeRuleId?: string): Promise<JudgedIncident[]> {
  const prisma = getPrisma();
  const [rows, truth, rules] = await Promise.all([
    prisma.anomaly.findMany({
      where: { detectorId, detection: "ACTIVE", startTs: { gte: new Date(period.from), lte: new Date(period.to) } },
      select: { seriesId: true, ...SHAPE_SELECT },
      take: 100_000,
    }),
    loadTruth(detectorId, period),
    loadRuleSpecs(prisma, detectorId),
  ]);
  const others = rules.filter((r) => r.id !== excludeRuleId);
  return rows
    .map((r) => ({ seriesId: r.seriesId, start: r.startTs.getTime(), peakScore: r.peakScore, shape: shapeOf(r), verdict: classifyEvent({ seriesId: r.seriesId, start: r.startTs.getTime(), end: r.endTs.getTime() }, truth) }))
    .filter((i) => suppressingRule(others, i) === null);
}

const days = (p: Period) => Math.max(1, Math.round((p.to - p.from) / DAY_MS));
const isoPeriod = (p: Period) => ({ from: new Date(p.from).toISOString(), to: new Date(p.to).toISOString() });

export async function whatIfSuppressionRule(detectorId: string, q: RuleConditions & { from?: string; to?: string; excludeRuleId?: string }) {
  await loadDetectorForFeedback(detectorId);
  const period = await resolvePeriod(detectorId, q);
  const alerting = await alertingIncidents(detectorId, period, q.excludeRuleId);
  return { period: isoPeriod(period), description: describeRule(q), ...ruleWhatIf(q, alerting, days(period)) };
}

const sameConditions = (a: RuleConditions, b: RuleConditions) =>
  a.seriesId === b.seriesId && a.hourFrom === b.hourFrom && a.hourTo === b.hourTo && a.scoreBelow === b.scoreBelow && [...a.weekdays].sort().join() === [...b.weekdays].sort().join();

/** Rules proposed from the period's false positives (lib/feedback/suppression.ts), each with its what-if; existing rules are not proposed again. */
export async function suggestSuppressionRules(detectorId: string, q: { from?: string; to?: string }) {
  await loadDetectorForFeedback(detectorId);
  const period = await resolvePeriod(detectorId, q);
  const [alerting, existing] = await Promise.all([alertingIncidents(detectorId, period), getPrisma().suppressionRule.findMany({ where: { detectorId }, select: RULE_SELECT })]);
  const proposals = proposeRules(alerting).filter((p) => !existing.some((e) => sameConditions(e, p)));
  return {
    period: isoPeriod(period),
    items: proposals.map((p) => ({ ...p, description: describeRule(p), whatIf: ruleWhatIf(p, alerting, days(period)) })),
  };
}
