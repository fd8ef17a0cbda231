/**
 * Model versions side by side and rollback (lib/feedback/README.md, Model versions). Each version
 * of a series is judged on the same labelled period: its stored detector state, warmed on the
 * points between its training's end and the period, re-scores the period's points with the pure
 * library (lib/feedback/version-scoring.ts), events at the detector's
 * threshold, precision/recall/F1 against the labels. Activating an older version goes through the
 * install path training uses (`installModelVersion`), audited.
 */
import { previewEventsAt } from "@/lib/detectors/preview";
import { scoreWithVersion, warmUpAfter } from "@/lib/feedback/version-scoring";
import { MAX_PREVIEW_POINTS } from "@/lib/detectors/schemas";
import { evaluate, overlaps, type Metrics } from "@/lib/feedback/evaluate";
import { parseDetectorParams } from "@/lib/detectors/params";
import { configKey, createScorer, type SavedState } from "@/lib/pipeline/scoring";
import { installModelVersion } from "@/lib/pipeline/train-run";
import { AppError } from "@/lib/server/api/errors";
import { writeAudit } from "@/lib/server/audit";
import { getPrisma } from "@/lib/server/db";
import { loadTruth, resolvePeriod } from "@/lib/server/queries/evaluation";
import { WARMUP_POINTS } from "@/lib/server/queries/anomaly-window";
import { readPointsBefore } from "@/lib/server/queries/detector-state";

/** Versions judged per series (the newest first). */
export const MAX_VERSIONS_PER_SERIES = 10;
const MAX_SERIES = 20;

/** Why a stored version cannot score under the detector's current configuration, or null. */
function misfit(metrics: unknown, detector: { algorithm: string; params: unknown }): string | null {
  const config = (metrics as { config?: unknown } | null)?.config;
  return typeof config === "string" && config !== configKey(detector) ? "trained for another configuration of this detector (its algorithm or parameters changed since)" : null;
}

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

export async function compareModelVersions(detectorId: string, q: { from?: string; to?: string; seriesId?: string }) {
  const prisma = getPrisma();
  const d = await prisma.detector.findUnique({ where: { id: detectorId }, select: { id: true, algorithm: true, params: true, threshold: true } });
  if (!d) throw new AppError("not_found", `No detector ${detectorId}`);
  const period = await resolvePeriod(detectorId, q);
  const truth = await loadTruth(detectorId, period, q.seriesId ? [q.seriesId] : undefined);
  // A grouped detector's versions belong to groups (subjects that are not series): re-scoring a
  // group's vectors here is not built yet, so they are listed without metrics.
  const groups = new Set((await prisma.seriesGroup.findMany({ where: { detectorId }, select: { id: true } })).map((g) => g.id));
  const versions = await prisma.modelVersion.findMany({
    where: { detectorId, ...(q.seriesId ? { subjectId: q.seriesId } : {}) },
    orderBy: [{ subjectId: "asc" }, { version: "desc" }],
    take: 2_000,
  });
  const bySeries = new Map<string, typeof versions>();
  for (const v of versions) if (v.subjectId) bySeries.set(v.subjectId, [...(bySeries.get(v.subjectId) ?? []), v].slice(0, MAX_VERSIONS_PER_SERIES));
  const labelled = new Set(truth.map((s) => s.seriesId));
  const chosen = [...bySeries.keys()].sort((a, b) => Number(labelled.has(b)) - Number(labelled.has(a)) || a.localeCompare(b)).slice(0, MAX_SERIES);
  const params = parseDetectorParams(d.algorithm, d.params);
  const series = [];
  for (const seriesId of chosen) {
    const rows = await prisma.dataPoint.findMany({ where: { series: { id: seriesId }, ts: { gte: new Date(period.from), lte: new Date(period.to) } }, orderBy: { ts: "asc" }, take: MAX_PREVIEW_POINTS, select: { ts: true, value: true } });
    const points = rows.map((p) => ({ t: p.ts.getTime(), value: p.value }));
    // Each version resumes where its training ended: the points since then, before the period, warm it.
    const before = (await readPointsBefore(seriesId, new Date(period.from), WARMUP_POINTS)).map((p) => ({ t: p.ts.getTime(), value: p.value }));
    const seriesTruth = truth.filter((s) => s.seriesId === seriesId);
    const judged: VersionComparison[] = bySeries.get(seriesId)!.map((v) => {
      const m = v.metrics as { points?: number; excludedLabelled?: number } | null;
      const base = {
        id: v.id, version: v.version, active: v.active, trainedFrom: v.trainedFrom.toISOString(), trainedTo: v.trainedTo.toISOString(),
        createdAt: v.createdAt.toISOString(), points: m?.points ?? null, excludedLabelled: m?.excludedLabelled ?? null,
      };
      const why = groups.has(seriesId) ? "a group's model: side-by-side re-scoring covers single series only" : misfit(v.metrics, d);
      if (why) return { ...base, metrics: null, unavailable: why };
      try {
        const preview = scoreWithVersion(d.algorithm, params, v.parameters, warmUpAfter(before, v.trainedTo.getTime()), points);
        const events = previewEventsAt(preview, d.threshold).map((e) => ({ seriesId, start: e.start, end: e.end }));
        return { ...base, metrics: evaluate(events, seriesTruth.filter((s) => overlaps(s, { start: period.from, end: period.to }))), unavailable: null };
      } catch {
        return { ...base, metrics: null, unavailable: "its stored state does not fit the current configuration" };
      }
    });
    series.push({ seriesId, points: points.length, labels: seriesTruth.length, versions: judged });
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
