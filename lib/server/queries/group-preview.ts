/**
 * The detector preview of one group of series: its members' stored points aligned to steps by the
 * pipeline's own reader (lib/server/queries/subject-points.ts), split into training and scoring by
 * the worker's rule, and scored by the pure preview (`runGroupPreview`). Nothing is written.
 */
import { runGroupPreview } from "@/lib/detectors/preview";
import type { Grouping } from "@/lib/detectors/grouping";
import type { GroupPreviewResult, TPreview } from "@/lib/detectors/schemas";
import { MAX_TRAINING_POINTS, needsTraining } from "@/lib/detection/training";
import { AppError } from "@/lib/server/api/errors";
import { getPgPool } from "@/lib/server/pg-pool";
import { assertGroupable } from "@/lib/server/queries/detectors";
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
  const ids = input.grouping.seriesIds!;
  const members = await readMembers(ids);
  const subject: Subject = { id: "preview", groupId: null, members: ids, grouping: input.grouping };
  const steps = await readPreviewSteps(subject, input);
  // The worker's split: a trained detector learns the training window ending just before the first step (as train.run reads it).
  const history = steps.length && needsTraining(input.algorithm, params) ? await readStepsBefore(subject, steps[0].ts, MAX_TRAINING_POINTS) : [];
  const obs = (s: Step) => ({ t: s.ts.getTime(), values: s.values });
  const result = runGroupPreview({
    algorithm: input.algorithm,
    params,
    threshold: input.threshold,
    steps: steps.map(obs),
    history: history.map(obs),
    trainingWindowHours: input.trainingWindowHours,
  });
  return { members, ...result };
}
