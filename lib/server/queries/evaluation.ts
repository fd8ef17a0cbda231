/**
 * A detector judged by its labels over a period (lib/feedback/README.md): the stored incidents'
 * precision and recall, the weekly trend, per model version, and the precision-recall curve from
 * re-scoring the labelled history with the detector preview (the pure library).
 */
import { needsTraining } from "@/lib/detection/training";
import { parseDetectorParams } from "@/lib/detectors/params";
import { scorePreview } from "@/lib/detectors/preview";
import { MAX_PREVIEW_POINTS } from "@/lib/detectors/schemas";
import { MIN_LABELS, curvePointAt, enoughLabels, precisionRecallCurve, suggestBestF1, suggestForRecall, type ScoredSeries } from "@/lib/feedback/curve";
import { evaluate, weeklyTrend, type DetectedEvent, type TruthKind, type TruthSpan } from "@/lib/feedback/evaluate";
import { AppError } from "@/lib/server/api/errors";
import { getPrisma } from "@/lib/server/db";
import { WARMUP_POINTS } from "@/lib/server/queries/anomaly-window";
import { readPointsBefore, readTrainingHistory } from "@/lib/server/queries/detector-state";
import { groupSubject, readGroups, scoreGroupPeriod, type DetectorGroup } from "@/lib/server/queries/group-scoring";
import { readGrouping } from "@/lib/detectors/grouping";

const DAY_MS = 86_400_000;
/** Series re-scored per request: the labelled ones first, then other attached series for the volume. */
export const MAX_RESCORED_SERIES = 20;
export const DEFAULT_TARGET_RECALL = 0.9;

export interface Period {
  from: number;
  to: number;
}

export async function loadDetectorForFeedback(id: string) {
  const d = await getPrisma().detector.findUnique({ where: { id }, select: { id: true, name: true, algorithm: true, params: true, threshold: true, trainingWindowHours: true, grouping: true } });
  if (!d) throw new AppError("not_found", `No detector ${id}`);
  return d;
}
export type FeedbackDetector = Awaited<ReturnType<typeof loadDetectorForFeedback>>;

/**
 * `from`/`to` as given; by default the 30 days up to the detector's furthest watermark (or now),
 * starting no earlier than the day of its first anomaly (a young detector is not judged on empty weeks).
 */
export async function resolvePeriod(detectorId: string, q: { from?: string; to?: string }): Promise<Period> {
  let to = q.to ? Date.parse(q.to) : NaN;
  if (!Number.isFinite(to)) {
    const w = await getPrisma().detectorState.aggregate({ where: { detectorId }, _max: { watermark: true } });
    to = w._max.watermark?.getTime() ?? Date.now();
  }
  let from = q.from ? Date.parse(q.from) : NaN;
  if (!Number.isFinite(from)) {
    const first = await getPrisma().anomaly.findFirst({ where: { detectorId }, orderBy: { startTs: "asc" }, select: { startTs: true } });
    from = Math.max(to - 30 * DAY_MS, first ? Math.floor(first.startTs.getTime() / DAY_MS) * DAY_MS : -Infinity);
  }
  if (from >= to) throw new AppError("unprocessable", "from: must be before to", [{ path: "from", message: "must be before to" }]);
  return { from, to };
}

const KIND: Record<string, TruthKind> = { TRUE_POSITIVE: "positive", FALSE_POSITIVE: "negative", UNSURE: "unsure" };

/**
 * The labelled truth over a period: per incident its current (latest) label, the labels of
 * incidents merged into it included, on the incident's current span (the span as labelled when
 * the incident is gone for good); plus the missed spans. Of one series when `seriesId` is given.
 */
export async function loadTruth(detectorId: string, p: Period, seriesIds?: string[]): Promise<TruthSpan[]> {
  const prisma = getPrisma();
  const overlap = { startTs: { lte: new Date(p.to) }, endTs: { gte: new Date(p.from) }, ...(seriesIds ? { seriesId: { in: seriesIds } } : {}) };
  const [labels, missed] = await Promise.all([
    prisma.anomalyLabel.findMany({ where: { detectorId, ...overlap }, orderBy: [{ createdAt: "asc" }, { id: "asc" }], select: { id: true, anomalyId: true, seriesId: true, startTs: true, endTs: true, value: true } }),
    prisma.missedAnomaly.findMany({ where: { detectorId, ...overlap }, select: { seriesId: true, startTs: true, endTs: true } }),
  ]);
  // Follow mergedIntoId to the incident a label now belongs to.
  const incidents = new Map<string, { id: string; mergedIntoId: string | null; startTs: Date; endTs: Date }>();
  let want = [...new Set(labels.flatMap((l) => (l.anomalyId ? [l.anomalyId] : [])))];
  for (let hop = 0; want.length && hop < 20; hop++) {
    const rows = await prisma.anomaly.findMany({ where: { id: { in: want } }, select: { id: true, mergedIntoId: true, startTs: true, endTs: true } });
    rows.forEach((r) => incidents.set(r.id, r));
    want = [...new Set(rows.flatMap((r) => (r.mergedIntoId && !incidents.has(r.mergedIntoId) ? [r.mergedIntoId] : [])))];
  }
  const finalOf = (id: string) => {
    let a = incidents.get(id);
    for (let hop = 0; a?.mergedIntoId && incidents.has(a.mergedIntoId) && hop < 20; hop++) a = incidents.get(a.mergedIntoId);
    return a;
  };
  const current = new Map<string, TruthSpan>();
  for (const l of labels) {
    const inc = l.anomalyId ? finalOf(l.anomalyId) : undefined;
    const span = inc ? { start: inc.startTs.getTime(), end: inc.endTs.getTime() } : { start: l.startTs.getTime(), end: l.endTs.getTime() };
    current.set(inc ? inc.id : `label:${l.id}`, { seriesId: l.seriesId, ...span, kind: KIND[l.value], origin: "label" });
  }
  return [
    ...current.values(),
    ...missed.map((m) => ({ seriesId: m.seriesId, start: m.startTs.getTime(), end: m.endTs.getTime(), kind: "positive" as const, origin: "missed" as const })),
  ];
}

/** Stored, still detected incidents overlapping the period. */
async function loadIncidents(detectorId: string, p: Period) {
  return getPrisma().anomaly.findMany({
    where: { detectorId, detection: "ACTIVE", startTs: { lte: new Date(p.to) }, endTs: { gte: new Date(p.from) } },
    select: { seriesId: true, subjectId: true, startTs: true, endTs: true, createdAt: true },
    take: 100_000,
  });
}

/** An incident as an event of its subject (a group's is judged on its members' labels). */
const toEvent = (a: { seriesId: string; subjectId: string; startTs: Date; endTs: Date }): DetectedEvent => ({ seriesId: a.subjectId || a.seriesId, start: a.startTs.getTime(), end: a.endTs.getTime() });

/** Each model version judged on the incidents first detected while it was the newest of its series. */
async function evaluateModelVersions(detectorId: string, incidents: Awaited<ReturnType<typeof loadIncidents>>, truth: TruthSpan[]) {
  const versions = await getPrisma().modelVersion.findMany({ where: { detectorId }, orderBy: [{ createdAt: "asc" }, { version: "asc" }], take: 200 });
  return versions.map((v, i) => {
    const next = versions.slice(i + 1).find((n) => n.subjectId === v.subjectId)?.createdAt.getTime() ?? Infinity;
    // A version is a subject's (a series, or a group whose incidents are shown under a member).
    const mine = incidents.filter((a) => (v.subjectId === null || a.subjectId === v.subjectId) && a.createdAt.getTime() >= v.createdAt.getTime() && a.createdAt.getTime() < next);
    return {
      id: v.id, version: v.version, seriesId: v.subjectId, active: v.active,
      trainedFrom: v.trainedFrom.toISOString(), trainedTo: v.trainedTo.toISOString(), createdAt: v.createdAt.toISOString(),
      metrics: evaluate(mine.map(toEvent), truth.filter((s) => mine.some((a) => toEvent(a).seriesId === s.seriesId))),
    };
  });
}

/**
 * The truth on the subjects incidents are keyed by: a grouped detector's labels and missed spans,
 * given on a member (its incidents are shown under one), count for the member's group.
 */
export async function loadSubjectTruth(d: FeedbackDetector, p: Period) {
  const truth = await loadTruth(d.id, p);
  const grouping = readGrouping(d.grouping);
  const { groups, groupOf } = grouping ? await readGroups(d.id) : { groups: new Map<string, DetectorGroup>(), groupOf: new Map<string, string>() };
  return { truth: truth.map((s) => ({ ...s, seriesId: groupOf.get(s.seriesId) ?? s.seriesId })), grouping, groups };
}
type SubjectTruth = Awaited<ReturnType<typeof loadSubjectTruth>>;

/**
 * A grouped detector's history: each group (the labelled ones first, up to MAX_RESCORED_SERIES)
 * scored over its aligned steps with its model, as the worker scores it (lib/server/queries/group-scoring.ts).
 */
async function scoreGroupHistory(d: FeedbackDetector, { truth, grouping, groups }: SubjectTruth, p: Period) {
  const labelled = new Set(truth.map((s) => s.seriesId));
  const chosen = [...groups.keys()].sort((a, b) => Number(labelled.has(b)) - Number(labelled.has(a))).slice(0, MAX_RESCORED_SERIES);
  const params = parseDetectorParams(d.algorithm, d.params);
  const series: ScoredSeries[] = [];
  for (const id of chosen) {
    const leaveOut = truth.filter((s) => s.seriesId === id && s.kind === "positive");
    const preview = await scoreGroupPeriod(d, params, groupSubject(id, groups.get(id)!, grouping!), p, leaveOut);
    if (preview) series.push({ seriesId: id, preview });
  }
  return { series, seriesTotal: groups.size };
}

/**
 * Scores the period of the labelled series (then other attached ones, up to MAX_RESCORED_SERIES)
 * once each with the detector's configuration, warmed on the points before the period (a detector
 * that trains learns its training window ending there, the worker's split: lib/detection/training.ts).
 * A grouped detector's subjects are its groups (`scoreGroupHistory`); `truth` is on subjects (`loadSubjectTruth`).
 */
export async function scoreHistory(d: FeedbackDetector, subjects: SubjectTruth, p: Period) {
  if (subjects.grouping) return scoreGroupHistory(d, subjects, p);
  const truth = subjects.truth;
  const prisma = getPrisma();
  const labelled = [...new Set(truth.map((s) => s.seriesId))];
  const attached = (await prisma.detectorSeries.findMany({ where: { detectorId: d.id }, select: { seriesId: true }, orderBy: { seriesId: "asc" }, take: 10_000 })).map((s) => s.seriesId);
  const chosen = [...labelled, ...attached.filter((s) => !labelled.includes(s))].slice(0, MAX_RESCORED_SERIES);
  const params = parseDetectorParams(d.algorithm, d.params);
  const trains = needsTraining(d.algorithm, params);
  const series: ScoredSeries[] = [];
  for (const seriesId of chosen) {
    const during = await prisma.dataPoint.findMany({ where: { series: { id: seriesId }, ts: { gte: new Date(p.from), lte: new Date(p.to) } }, orderBy: { ts: "asc" }, take: MAX_PREVIEW_POINTS, select: { ts: true, value: true } });
    if (during.length === 0) continue;
    const points = during.map((x) => ({ t: x.ts.getTime(), value: x.value }));
    const history = trains
      ? await readTrainingHistory(seriesId, new Date(p.from), d.trainingWindowHours)
      : (await readPointsBefore(seriesId, new Date(p.from), WARMUP_POINTS)).map((x) => ({ t: x.ts.getTime(), value: x.value }));
    series.push({ seriesId, preview: scorePreview({ algorithm: d.algorithm, params, points, history, trainingWindowHours: d.trainingWindowHours }) });
  }
  return { series, seriesTotal: new Set([...labelled, ...attached]).size };
}

export async function lastAppliedThreshold(detectorId: string) {
  const row = await getPrisma().auditLog.findFirst({
    where: { entity: "detector", entityId: detectorId, action: "threshold.apply" },
    orderBy: { createdAt: "desc" },
    include: { user: { select: { email: true } } },
  });
  if (!row) return null;
  const d = row.details as { from?: number; to?: number; basis?: string };
  return { from: d.from ?? null, to: d.to ?? null, basis: d.basis ?? null, at: row.createdAt.toISOString(), by: row.user?.email ?? null };
}

export async function evaluateDetector(id: string, q: { from?: string; to?: string; targetRecall?: number }) {
  const d = await loadDetectorForFeedback(id);
  const period = await resolvePeriod(id, q);
  const [subjects, incidents] = await Promise.all([loadSubjectTruth(d, period), loadIncidents(id, period)]);
  const truth = subjects.truth;
  const events = incidents.map(toEvent);
  const { series, seriesTotal } = await scoreHistory(d, subjects, period);
  const range = { start: period.from, end: period.to };
  const curve = precisionRecallCurve(series, truth, range);
  const current = curvePointAt(series, truth, range, d.threshold);
  const target = q.targetRecall ?? DEFAULT_TARGET_RECALL;
  return {
    detector: { id: d.id, name: d.name, threshold: d.threshold },
    period: { from: new Date(period.from).toISOString(), to: new Date(period.to).toISOString() },
    labels: {
      positives: truth.filter((s) => s.kind === "positive" && s.origin === "label").length,
      negatives: truth.filter((s) => s.kind === "negative").length,
      unsure: truth.filter((s) => s.kind === "unsure").length,
      missed: truth.filter((s) => s.origin === "missed").length,
    },
    stored: evaluate(events, truth),
    trend: weeklyTrend(events, truth, period.from, period.to).map((w) => ({ ...w, week: new Date(w.week).toISOString() })),
    byModelVersion: await evaluateModelVersions(id, incidents, truth),
    rescored: { series: series.length, seriesTotal, unit: subjects.grouping ? ("groups" as const) : ("series" as const) },
    curve,
    rescoredCurrent: current,
    suggestions: enoughLabels(truth)
      ? { bestF1: suggestBestF1(curve, current), targetRecall: { target, suggestion: suggestForRecall(curve, target, current) }, needLabels: null }
      : { bestF1: null, targetRecall: { target, suggestion: null }, needLabels: MIN_LABELS },
    lastApplied: await lastAppliedThreshold(id),
  };
}
export type DetectorEvaluation = Awaited<ReturnType<typeof evaluateDetector>>;
