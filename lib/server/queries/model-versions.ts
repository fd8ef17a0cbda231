/**
 * Model versions side by side and rollback (lib/feedback/README.md, Model versions). Each version
 * of a series or a group is judged on the same labelled period: its stored detector state, warmed on the
 * steps between its training's end and the period, re-scores the period's steps with the pure
 * library (lib/feedback/version-scoring.ts), events at the detector's
 * threshold, precision/recall/F1 against the labels. Activating an older version goes through the
 * install path training uses (`installModelVersion`), audited.
 */
import { toEvents } from "@/lib/detection";
import { readGrouping } from "@/lib/detectors/grouping";
import { scoreStepsWithVersion, warmUpAfter } from "@/lib/feedback/version-scoring";
import { evaluate, overlaps, type Metrics } from "@/lib/feedback/evaluate";
import { parseDetectorParams } from "@/lib/detectors/params";
import { configKey, createScorer, type SavedState } from "@/lib/pipeline/scoring";
import { installModelVersion } from "@/lib/pipeline/train-run";
import { AppError } from "@/lib/server/api/errors";
import { writeAudit } from "@/lib/server/audit";
import { getPrisma } from "@/lib/server/db";
import { loadTruth, resolvePeriod } from "@/lib/server/queries/evaluation";
import { seriesSubject, type Subject } from "@/lib/server/queries/subject-points";
import { groupSubject, misfit, readGroups, readPeriodSteps, type DetectorGroup } from "@/lib/server/queries/group-scoring";

/** Versions judged per series (the newest first). */
export const MAX_VERSIONS_PER_SERIES = 10;
const MAX_SERIES = 20;

export interface VersionComparison {
  id: string;
  version: number;
  active: boolean;
  trainedFrom: string;
  trainedTo: string;
  createdAt: string;
  points: number | null;
  excludedLabelled: number | null;
  metrics: Metrics | null;
  /** Why it has no metrics (it does not fit the current configuration). */
  unavailable: string | null;
}

/** A grouped detector's group, as compared. */
export type ComparedGroup = DetectorGroup;

/**
 * Each subject's versions re-scored over the same period and judged on the same labels. A subject
 * is a series, or a group of a grouped detector: its steps aligned by the pipeline's reader, its
 * labels those on its members (its incidents are shown, and labelled, under a member).
 * `seriesId` picks one subject: a series, a group, or a member (its group).
 */
export async function compareModelVersions(detectorId: string, q: { from?: string; to?: string; seriesId?: string }) {
  const prisma = getPrisma();
  const d = await prisma.detector.findUnique({ where: { id: detectorId }, select: { id: true, algorithm: true, params: true, threshold: true, grouping: true } });
  if (!d) throw new AppError("not_found", `No detector ${detectorId}`);
  const period = await resolvePeriod(detectorId, q);
  const grouping = readGrouping(d.grouping);
  const { groups, groupOf } = await readGroups(detectorId);
  const only = q.seriesId ? (groupOf.get(q.seriesId) ?? q.seriesId) : undefined;
  const subjectOf = (seriesId: string) => groupOf.get(seriesId) ?? seriesId;
  // Truth on a subject's series; a group's spans are its members' and count for the group.
  const truth = (await loadTruth(detectorId, period, only ? (groups.get(only)?.members.map((m) => m.seriesId) ?? [only]) : undefined)).map((s) => ({ ...s, seriesId: subjectOf(s.seriesId) }));
  const versions = await prisma.modelVersion.findMany({
    where: { detectorId, ...(only ? { subjectId: only } : {}) },
    orderBy: [{ subjectId: "asc" }, { version: "desc" }],
    take: 2_000,
  });
  const bySubject = new Map<string, typeof versions>();
  for (const v of versions) if (v.subjectId) bySubject.set(v.subjectId, [...(bySubject.get(v.subjectId) ?? []), v].slice(0, MAX_VERSIONS_PER_SERIES));
  const labelled = new Set(truth.map((s) => s.seriesId));
  const chosen = [...bySubject.keys()].sort((a, b) => Number(labelled.has(b)) - Number(labelled.has(a)) || a.localeCompare(b)).slice(0, MAX_SERIES);
  const params = parseDetectorParams(d.algorithm, d.params);
  const series = [];
  for (const subjectId of chosen) {
    const group = groups.get(subjectId) ?? null;
    const subject: Subject = group && grouping ? groupSubject(subjectId, group, grouping) : seriesSubject(subjectId);
    // Each version resumes where its training ended: the steps since then, before the period (`before`), warm it.
    const { steps, before } = await readPeriodSteps(subject, period);
    const subjectTruth = truth.filter((s) => s.seriesId === subjectId);
    const values = group ? undefined : steps.map((s) => s.values[0]);
    const judged: VersionComparison[] = bySubject.get(subjectId)!.map((v) => {
      const m = v.metrics as { points?: number; excludedLabelled?: number } | null;
      const base = {
        id: v.id, version: v.version, active: v.active, trainedFrom: v.trainedFrom.toISOString(), trainedTo: v.trainedTo.toISOString(),
        createdAt: v.createdAt.toISOString(), points: m?.points ?? null, excludedLabelled: m?.excludedLabelled ?? null,
      };
      const why = misfit(v.metrics, d);
      if (why) return { ...base, metrics: null, unavailable: why };
      try {
        const scored = scoreStepsWithVersion(d.algorithm, params, v.parameters, warmUpAfter(before, v.trainedTo.getTime()), steps);
        const events = toEvents(scored, { threshold: d.threshold }, values).map((e) => ({ seriesId: subjectId, start: e.start, end: e.end }));
        return { ...base, metrics: evaluate(events, subjectTruth.filter((s) => overlaps(s, { start: period.from, end: period.to }))), unavailable: null };
      } catch {
        return { ...base, metrics: null, unavailable: "its stored state does not fit the current configuration" };
      }
    });
    series.push({ seriesId: subjectId, group, points: steps.length, labels: subjectTruth.length, versions: judged });
  }
  return { period: { from: new Date(period.from).toISOString(), to: new Date(period.to).toISOString() }, threshold: d.threshold, series };
}
export type ModelComparison = Awaited<ReturnType<typeof compareModelVersions>>;

/** Makes `modelId` the active version of its series (a rollback, or forward again): audited as `model.activate`. */
export async function activateModelVersion(detectorId: string, modelId: string, userId: string) {
  const prisma = getPrisma();
  const detector = await prisma.detector.findUnique({ where: { id: detectorId } });
  if (!detector) throw new AppError("not_found", `No detector ${detectorId}`);
  const v = await prisma.modelVersion.findFirst({ where: { id: modelId, detectorId } });
  if (!v || !v.subjectId) throw new AppError("not_found", `No model version ${modelId} of detector ${detectorId}`);
  if (v.active) throw new AppError("unprocessable", `modelId: version ${v.version} is already active`, [{ path: "modelId", message: "is already active" }]);
  const why = misfit(v.metrics, detector);
  if (why) throw new AppError("unprocessable", `modelId: version ${v.version} was ${why}`, [{ path: "modelId", message: why }]);
  const seriesId = v.subjectId;
  let saved: SavedState;
  try {
    saved = createScorer(detector, { v: 1, config: configKey(detector), detector: v.parameters } as SavedState).save();
  } catch {
    throw new AppError("unprocessable", `modelId: version ${v.version}'s stored state does not fit the current configuration`, [{ path: "modelId", message: "does not fit the current configuration" }]);
  }
  const previous = await prisma.modelVersion.findFirst({ where: { detectorId, subjectId: seriesId, active: true }, select: { id: true, version: true } });
  await prisma.$transaction(async (tx) => {
    await installModelVersion(tx, detectorId, seriesId, { id: v.id, trainedTo: v.trainedTo }, saved);
    await writeAudit({ userId, action: "model.activate", entity: "detector", entityId: detectorId, details: { seriesId, from: previous?.version ?? null, fromId: previous?.id ?? null, to: v.version, toId: v.id } }, tx);
  });
  return { seriesId, previous: previous ? { id: previous.id, version: previous.version } : null, active: { id: v.id, version: v.version } };
}
