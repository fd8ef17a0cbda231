/**
 * A subject re-scored over a labelled period, the one path behind the model-version comparison
 * (lib/server/queries/model-versions.ts) and, for a grouped detector, the evaluation's curve and
 * the threshold what-if (lib/server/queries/evaluation.ts). A subject is a series or a group: its
 * steps aligned by the pipeline's reader (lib/server/queries/subject-points.ts), a group's period
 * running over whole steps. A group is scored with its model as the worker runs it: the active
 * model version, warmed on the steps since its training (lib/feedback/version-scoring.ts); without
 * one (never trained, or an algorithm that does not train), by the group preview's split
 * (`scoreGroupSteps`), so the figures are the ones the detector would produce.
 */
import type { Observation } from "@/lib/detection";
import { needsTraining, MAX_TRAINING_POINTS } from "@/lib/detection/training";
import type { Grouping } from "@/lib/detectors/grouping";
import { scoreGroupSteps, type ScoredPreview } from "@/lib/detectors/preview";
import { MAX_PREVIEW_POINTS } from "@/lib/detectors/schemas";
import type { Span } from "@/lib/feedback/evaluate";
import { scoreStepsWithVersion, warmUpAfter } from "@/lib/feedback/version-scoring";
import { stepStart } from "@/lib/pipeline/align";
import { configKey } from "@/lib/pipeline/scoring";
import { getPrisma } from "@/lib/server/db";
import { WARMUP_POINTS } from "@/lib/server/queries/anomaly-window";
import { readStepsAfter, readStepsBefore, type Step, type Subject } from "@/lib/server/queries/subject-points";

const toObservation = (s: Step): Observation => ({ t: s.ts.getTime(), values: s.values });

/** A grouped detector's group: its key (`{"host":"a"}`, or `list`) and members in vector order. */
export interface DetectorGroup {
  key: string;
  members: { seriesId: string; metric: string; labels: Record<string, string> }[];
}

/** The detector's groups by id, and each member series' group. */
export async function readGroups(detectorId: string) {
  const rows = await getPrisma().seriesGroup.findMany({
    where: { detectorId },
    orderBy: { key: "asc" },
    select: { id: true, key: true, members: { orderBy: { position: "asc" }, select: { seriesId: true, series: { select: { metric: true, labels: true } } } } },
  });
  const groups = new Map<string, DetectorGroup>(
    rows.map((g) => [g.id, { key: g.key, members: g.members.map((m) => ({ seriesId: m.seriesId, metric: m.series.metric, labels: (m.series.labels ?? {}) as Record<string, string> })) }]),
  );
  const groupOf = new Map(rows.flatMap((g) => g.members.map((m) => [m.seriesId, g.id] as const)));
  return { groups, groupOf };
}

export const groupSubject = (id: string, group: DetectorGroup, grouping: Grouping): Subject => ({ id, groupId: id, members: group.members.map((m) => m.seriesId), grouping });

/** Why a stored version cannot score under the detector's current configuration, or null. */
export function misfit(metrics: unknown, detector: { algorithm: string; params: unknown }): string | null {
  const config = (metrics as { config?: unknown } | null)?.config;
  return typeof config === "string" && config !== configKey(detector) ? "trained for another configuration of this detector (its algorithm or parameters changed since)" : null;
}

/**
 * The period's steps of a subject (a group's from the step holding `from`), up to MAX_PREVIEW_POINTS,
 * and the steps before them (WARMUP_POINTS of them) that warm a model up.
 */
export async function readPeriodSteps(subject: Subject, period: { from: number; to: number }) {
  const n = subject.members.length;
  const from = subject.grouping ? stepStart(period.from, subject.grouping.stepSeconds * 1000) : period.from;
  const steps = (await readStepsAfter(subject, new Date(from - 1), MAX_PREVIEW_POINTS * n, new Date(period.to))).steps.map(toObservation);
  const before = (await readStepsBefore(subject, new Date(from), WARMUP_POINTS * n)).map(toObservation);
  return { steps, before };
}

interface GroupDetector {
  id: string;
  algorithm: string;
  params: unknown;
  trainingWindowHours: number | null;
}

/**
 * A group's steps over the period scored with its model, as a preview (events at any threshold with
 * `previewEventsAt`); null when the group has no step in the period. `leaveOut`: the labelled
 * anomalies on its members, which training leaves out (used only without a model version).
 */
export async function scoreGroupPeriod(d: GroupDetector, params: unknown, subject: Subject, period: { from: number; to: number }, leaveOut: readonly Span[]): Promise<ScoredPreview | null> {
  const { steps, before } = await readPeriodSteps(subject, period);
  if (steps.length === 0) return null;
  const trains = needsTraining(d.algorithm, params);
  const active = trains ? await getPrisma().modelVersion.findFirst({ where: { detectorId: d.id, subjectId: subject.id, active: true } }) : null;
  if (active && !misfit(active.metrics, d)) {
    const scored = scoreStepsWithVersion(d.algorithm, params, active.parameters, warmUpAfter(before, active.trainedTo.getTime()), steps);
    return { points: steps.map((s) => ({ t: s.t })), scored, unscored: 0, trainedOn: 0, trainedTo: active.trainedTo.getTime(), excludedLabelled: 0 };
  }
  // Not trained yet: trained as train.run would, on the window ending before the first step.
  const history = trains ? (await readStepsBefore(subject, new Date(steps[0].t), MAX_TRAINING_POINTS)).map(toObservation) : before;
  return scoreGroupSteps({ algorithm: d.algorithm, params, steps, history, trainingWindowHours: d.trainingWindowHours, leaveOut });
}
