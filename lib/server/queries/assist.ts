/**
 * Supervised assist (lib/feedback/assist.ts) for a detector: what it would do, measured on labels
 * it was not trained on, and turning it on or off. It lives as a suppression rule of origin
 * "assist" carrying its classifier, so it is applied where incidents are derived and re-marked
 * with every incident of the detector in the same transaction as the switch and its audit row
 * (lib/server/queries/suppression-apply.ts).
 */
import { ASSIST_FEATURES, ASSIST_MIN_CLASS, ASSIST_MIN_LABELS, assistEffect, assistFilters, assistNotReady, parseAssistClassifier, trainAssist, type LabelledIncident } from "@/lib/feedback/assist";
import type { AssistAnswer, TAssistSwitch } from "@/lib/feedback/assist-schemas";
import { classifyEvent, overlaps } from "@/lib/feedback/evaluate";
import { describeRule, suppressingRule } from "@/lib/feedback/suppression";
import { AppError } from "@/lib/server/api/errors";
import { writeAudit } from "@/lib/server/audit";
import { getPrisma } from "@/lib/server/db";
import { loadDetectorForFeedback, loadTruth, resolvePeriod, type Period } from "@/lib/server/queries/evaluation";
import { loadRuleSpecs, refreshSuppression, SHAPE_SELECT, shapeOf } from "@/lib/server/queries/suppression-apply";

export const ASSIST_ORIGIN = "assist";
const MAX_INCIDENTS = 100_000;

/** Every still-detected incident of the detector judged by its current label, and the missed spans no incident covers. */
async function loadLabelled(detectorId: string): Promise<{ labelled: LabelledIncident[]; missedStarts: number[] }> {
  const rows = await getPrisma().anomaly.findMany({
    where: { detectorId, detection: "ACTIVE" },
    orderBy: [{ startTs: "asc" }, { id: "asc" }],
    take: MAX_INCIDENTS,
    select: { seriesId: true, ...SHAPE_SELECT },
  });
  if (rows.length === 0) return { labelled: [], missedStarts: [] };
  const from = rows[0].startTs.getTime();
  const truth = await loadTruth(detectorId, { from: 0, to: Date.UTC(9999, 0, 1) });
  const labelled: LabelledIncident[] = [];
  for (const r of rows) {
    const verdict = classifyEvent({ seriesId: r.seriesId, start: r.startTs.getTime(), end: r.endTs.getTime() }, truth);
    if (verdict === "tp" || verdict === "fp") labelled.push({ ...shapeOf(r), verdict });
  }
  const missedStarts = truth
    .filter((s) => s.origin === "missed" && s.start >= from && !rows.some((r) => r.seriesId === s.seriesId && overlaps(s, { start: r.startTs.getTime(), end: r.endTs.getTime() })))
    .map((s) => s.start);
  return { labelled, missedStarts };
}

type AssistRuleRow = { id: string; enabled: boolean; classifier: unknown; createdAt: Date };

async function assistRules(detectorId: string) {
  const rows: AssistRuleRow[] = await getPrisma().suppressionRule.findMany({
    where: { detectorId, origin: ASSIST_ORIGIN },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: 2,
    select: { id: true, enabled: true, classifier: true, createdAt: true },
  });
  return Promise.all(rows.map(ruleItem));
}

async function ruleItem(r: AssistRuleRow) {
  const c = parseAssistClassifier(r.classifier);
  const filtering = await getPrisma().anomaly.count({ where: { suppressedById: r.id } });
  return { ruleId: r.id, enabled: r.enabled, cutoff: c?.cutoff ?? 0, trainedOn: c?.trainedOn ?? { tp: 0, fp: 0 }, filtering, createdAt: r.createdAt.toISOString() };
}

/** The period's incidents that alert today (no enabled rule but an assist one suppresses them), labelled or not. */
async function alertingInPeriod(detectorId: string, p: Period) {
  const prisma = getPrisma();
  const [rows, rules, truth] = await Promise.all([
    prisma.anomaly.findMany({ where: { detectorId, detection: "ACTIVE", startTs: { gte: new Date(p.from), lte: new Date(p.to) } }, select: { seriesId: true, ...SHAPE_SELECT }, take: MAX_INCIDENTS }),
    loadRuleSpecs(prisma, detectorId),
    loadTruth(detectorId, p),
  ]);
  const others = rules.filter((r) => r.classifier === null);
  return rows
    .filter((r) => suppressingRule(others, { seriesId: r.seriesId, start: r.startTs.getTime(), peakScore: r.peakScore }) === null)
    .map((r) => ({ shape: shapeOf(r), verdict: classifyEvent({ seriesId: r.seriesId, start: r.startTs.getTime(), end: r.endTs.getTime() }, truth) }));
}

export async function getAssist(detectorId: string, q: { from?: string; to?: string }): Promise<AssistAnswer> {
  await loadDetectorForFeedback(detectorId);
  const period = await resolvePeriod(detectorId, q);
  const [{ labelled, missedStarts }, alerting, [current, previous]] = await Promise.all([loadLabelled(detectorId), alertingInPeriod(detectorId, period), assistRules(detectorId)]);
  const tp = labelled.filter((l) => l.verdict === "tp").length;
  const notReady = assistNotReady(labelled);
  const model = notReady ? null : trainAssist(labelled);
  const filtered = model ? alerting.filter((a) => assistFilters(model, a.shape)) : [];
  return {
    labels: { tp, fp: labelled.length - tp, needed: ASSIST_MIN_LABELS, perClass: ASSIST_MIN_CLASS },
    notReady,
    effect: notReady ? null : assistEffect(labelled, missedStarts),
    proposal: model ? { cutoff: model.cutoff, weights: ASSIST_FEATURES.map((feature, j) => ({ feature, weight: model.weights[j] })) } : null,
    period: {
      from: new Date(period.from).toISOString(), to: new Date(period.to).toISOString(), alerting: alerting.length, filtered: filtered.length,
      unlabelledFiltered: filtered.filter((a) => a.verdict !== "tp" && a.verdict !== "fp").length,
    },
    current: current ?? null,
    previous: previous ?? null,
  };
}

/**
 * On: trains on every label now (or restores the assist rule `ruleId` as it was: the undo of an off),
 * turns any other assist rule off, and re-marks the detector's incidents. Off: turns the enabled
 * assist rule off and releases its incidents. Audited `assist.enable` / `assist.disable`.
 */
export async function switchAssist(detectorId: string, body: TAssistSwitch, userId: string) {
  await loadDetectorForFeedback(detectorId);
  const prisma = getPrisma();
  const on = await prisma.suppressionRule.findMany({ where: { detectorId, origin: ASSIST_ORIGIN, enabled: true }, select: { id: true } });
  if (!body.enabled) {
    if (on.length === 0) throw new AppError("unprocessable", "enabled: the assist is already off", [{ path: "enabled", message: "the assist is already off" }]);
    return prisma.$transaction(async (tx) => {
      const released = await tx.anomaly.count({ where: { suppressedById: { in: on.map((r) => r.id) } } });
      await tx.suppressionRule.updateMany({ where: { id: { in: on.map((r) => r.id) } }, data: { enabled: false } });
      await refreshSuppression(tx, detectorId);
      await writeAudit({ userId, action: "assist.disable", entity: "detector", entityId: detectorId, details: { ruleId: on[0].id, released } }, tx);
      const rule = await tx.suppressionRule.findUniqueOrThrow({ where: { id: on[0].id }, select: { id: true, enabled: true, classifier: true, createdAt: true } });
      const c = parseAssistClassifier(rule.classifier);
      return { enabled: false, rule: { ruleId: rule.id, enabled: false, cutoff: c?.cutoff ?? 0, trainedOn: c?.trainedOn ?? { tp: 0, fp: 0 }, filtering: 0, createdAt: rule.createdAt.toISOString() }, released };
    });
  }
  let restore: { id: string } | null = null;
  let classifier = null;
  if (body.ruleId) {
    restore = await prisma.suppressionRule.findFirst({ where: { id: body.ruleId, detectorId, origin: ASSIST_ORIGIN }, select: { id: true } });
    if (!restore) throw new AppError("unprocessable", `ruleId: ${body.ruleId} is not an assist rule of this detector`, [{ path: "ruleId", message: "is not an assist rule of this detector" }]);
  } else {
    const { labelled } = await loadLabelled(detectorId);
    const notReady = assistNotReady(labelled);
    if (notReady) throw new AppError("unprocessable", `enabled: ${notReady}`, [{ path: "enabled", message: notReady }]);
    classifier = trainAssist(labelled);
  }
  return prisma.$transaction(async (tx) => {
    const before = await tx.anomaly.count({ where: { detectorId, suppressedById: { not: null } } });
    await tx.suppressionRule.updateMany({ where: { detectorId, origin: ASSIST_ORIGIN, enabled: true }, data: { enabled: false } });
    const row = restore
      ? await tx.suppressionRule.update({ where: { id: restore.id }, data: { enabled: true } })
      : await tx.suppressionRule.create({
          data: { detectorId, origin: ASSIST_ORIGIN, classifier: JSON.parse(JSON.stringify(classifier)), createdById: userId, note: `assist trained on ${classifier!.trainedOn.tp} true and ${classifier!.trainedOn.fp} false positives` },
        });
    await refreshSuppression(tx, detectorId);
    const filtering = await tx.anomaly.count({ where: { suppressedById: row.id } });
    const after = await tx.anomaly.count({ where: { detectorId, suppressedById: { not: null } } });
    const c = parseAssistClassifier(row.classifier)!;
    await writeAudit({ userId, action: "assist.enable", entity: "detector", entityId: detectorId, details: { ruleId: row.id, restored: Boolean(restore), rule: describeRule(row), cutoff: c.cutoff, trainedOn: c.trainedOn, filtering } }, tx);
    return { enabled: true, rule: { ruleId: row.id, enabled: true, cutoff: c.cutoff, trainedOn: c.trainedOn, filtering, createdAt: row.createdAt.toISOString() }, released: Math.max(0, before - after) };
  });
}
