/**
 * The detector preview of one group of series: the group formed by the pipeline's rule
 * (`formGroups`) from the detector's sources and series, its members' stored points aligned to steps
 * by the pipeline's own reader (lib/server/queries/subject-points.ts), split into training and
 * scoring by the worker's rule, less the detector's labelled anomalies (as train.run), and scored by
 * the pure preview (`runGroupPreview`). Nothing is written.
 */
import { runGroupPreview } from "@/lib/detectors/preview";
import { formGroups, groupKeyOf, type Grouping } from "@/lib/detectors/grouping";
import type { Span } from "@/lib/feedback/evaluate";
import type { GroupPreviewResult, TPreview } from "@/lib/detectors/schemas";
import { MAX_TRAINING_POINTS, needsTraining } from "@/lib/detection/training";
import { AppError } from "@/lib/server/api/errors";
import { getPgPool } from "@/lib/server/pg-pool";
import { getPrisma } from "@/lib/server/db";
import { assertGroupable } from "@/lib/server/queries/detectors";
import { loadTruth } from "@/lib/server/queries/evaluation";
import { readStepsAfter, readStepsBefore, type Step, type Subject } from "@/lib/server/queries/subject-points";

/** The members (vector order) with their metric and labels; a 404 naming the unknown ones. */
async function readMembers(ids: string[]) {
  const { rows } = await getPgPool().query<{ id: string; metric: string; labels: Record<string, string> }>(
    `SELECT id, metric, labels FROM "Series" WHERE id = ANY($1::text[])`,
    [ids],
  );
  const byId = new Map(rows.map((r) => [r.id, r]));
  const missing = ids.filter((id) => !byId.has(id));
  if (missing.length) throw new AppError("not_found", `No series ${missing.join(", ")}`, [{ path: "grouping.seriesIds", message: `Unknown series: ${missing.join(", ")}` }]);
  return ids.map((id) => ({ seriesId: id, metric: byId.get(id)!.metric, labels: byId.get(id)!.labels ?? {} }));
}

/**
 * The group of a `by` grouping whose labels have the values in `group`, formed as the pipeline forms
 * a detector's groups (`formGroups`, lib/server/queries/subjects.ts) from every series of `sourceIds`
 * and the series in `seriesIds`: per member metric, its first series by id. A 422 on `group` names
 * the metrics no series has.
 */
async function formPreviewGroup(grouping: Grouping, group: Record<string, string>, sourceIds: string[], seriesIds: string[]): Promise<string[]> {
  const { rows } = await getPgPool().query<{ id: string; metric: string; labels: Record<string, unknown> }>(
    `SELECT id, metric, labels FROM "Series"
     WHERE metric = ANY($1::text[]) AND labels @> $2::jsonb AND ("sourceId" = ANY($3::text[]) OR id = ANY($4::text[]))
     ORDER BY id`,
    [grouping.metrics, JSON.stringify(group), sourceIds, seriesIds],
  );
  const key = groupKeyOf(grouping.by!, group);
  const formed = formGroups(grouping, rows).find((g) => g.key === key);
  if (formed) return formed.members;
  const name = Object.entries(group).map(([k, v]) => `${k}="${v}"`).join(", ");
  const lacking = grouping.metrics!.filter((m) => !rows.some((r) => r.metric === m));
  throw new AppError("unprocessable", `No group {${name}}: no series of ${lacking.join(", ")} with these labels among the detector's sources and series`, [
    { path: "group", message: `no complete group {${name}}: no series of ${lacking.join(", ")}` },
  ]);
}

/**
 * What training leaves out (train.run's rule, lib/feedback/training-window.ts): the detector's
 * true-positive labels and missed spans on `seriesIds` over [from, to]. None without a detector
 * (a new one has no labels); a 404 on `detectorId` for an unknown one.
 */
export async function previewLeaveOut(detectorId: string | undefined, seriesIds: string[], from: number, to: number): Promise<Span[]> {
  if (!detectorId) return [];
  if (!(await getPrisma().detector.findUnique({ where: { id: detectorId }, select: { id: true } }))) {
    throw new AppError("not_found", `No detector ${detectorId}`, [{ path: "detectorId", message: `Unknown detector ${detectorId}` }]);
  }
  return (await loadTruth(detectorId, { from, to }, seriesIds)).filter((s) => s.kind === "positive");
}

/** The newest point of any member (null: none has points). */
async function readNewest(ids: string[]): Promise<Date | null> {
  const { rows } = await getPgPool().query<{ ts: Date | null }>(
    `SELECT max((SELECT ts FROM "DataPoint" WHERE "seriesKey" = (SELECT key FROM "Series" WHERE id = m) ORDER BY ts DESC LIMIT 1)) AS ts FROM unnest($1::text[]) AS m`,
    [ids],
  );
  return rows[0]?.ts ?? null;
}

/**
 * `maxPoints` steps of the group: from `from` on (up to `to`), or the last closed ones up to `to`
 * (or the newest point), as the worker would align them.
 */
async function readPreviewSteps(subject: Subject, input: TPreview): Promise<Step[]> {
  const limit = input.maxPoints * subject.members.length;
  if (input.from) {
    const page = await readStepsAfter(subject, new Date(Date.parse(input.from) - 1), limit, input.to ? new Date(input.to) : undefined);
    return page.steps;
  }
  const end = input.to ? new Date(input.to) : await readNewest(subject.members);
  return end ? readStepsBefore(subject, new Date(end.getTime() + 1), limit) : [];
}

export async function previewGroup(input: TPreview & { grouping: Grouping }, params: unknown): Promise<GroupPreviewResult> {
  assertGroupable(input.algorithm, input.grouping);
  const ids = input.grouping.by ? await formPreviewGroup(input.grouping, input.group ?? {}, input.sourceIds ?? [], input.seriesIds ?? []) : input.grouping.seriesIds!;
  const members = await readMembers(ids);
  const subject: Subject = { id: "preview", groupId: null, members: ids, grouping: input.grouping };
  const steps = await readPreviewSteps(subject, input);
  // The worker's split: a trained detector learns the training window ending just before the first step (as train.run reads it).
  const history = steps.length && needsTraining(input.algorithm, params) ? await readStepsBefore(subject, steps[0].ts, MAX_TRAINING_POINTS) : [];
  const obs = (s: Step) => ({ t: s.ts.getTime(), values: s.values });
  const leaveOut = await previewLeaveOut(input.detectorId, ids, (history[0] ?? steps[0])?.ts.getTime() ?? 0, steps.at(-1)?.ts.getTime() ?? 0);
  const result = runGroupPreview({
    algorithm: input.algorithm,
    params,
    threshold: input.threshold,
    steps: steps.map(obs),
    history: history.map(obs),
    trainingWindowHours: input.trainingWindowHours,
    leaveOut,
  });
  return { members, ...result };
}
