/**
 * One `backfill.run`: re-detect a (detector, subject) pair from `from` on, e.g. after the detector
 * changed or to re-check history. It is a rewind, the same one a late point causes: a
 * RedetectRequest (coalesced with any pending one: the earliest start wins), applied at once by a
 * detect run of the pair, which resumes from the newest snapshot before `from` and streams forward
 * to the newest point. So a backfill gives exactly what streaming gives, and re-derived incidents
 * keep their identity, triage and labels (lib/pipeline/incidents.ts). `to` is accepted for
 * compatibility; re-detection always runs to the newest point, since everything after `from`
 * depends on it.
 */
import { getPrisma } from "@/lib/server/db";
import { requestRedetect } from "@/lib/server/queries/redetect";
import { runDetection, type DetectRunResult } from "@/lib/pipeline/detect-run";

/** `seriesId`: the subject to re-detect (a series, or a group of a grouped detector), as the job payload names it. */
export interface BackfillPayload {
  detectorId: string;
  seriesId: string;
  from: Date;
  to?: Date;
}

export async function runBackfill({ detectorId, seriesId: subjectId, from }: BackfillPayload): Promise<{ status: "skipped" } | DetectRunResult> {
  const row = await getPrisma().detector.findUnique({
    where: { id: detectorId },
    select: { enabled: true, grouping: true, series: { where: { seriesId: subjectId }, select: { seriesId: true } }, groups: { where: { id: subjectId }, select: { id: true } } },
  });
  if (!row || !row.enabled || (row.grouping === null ? row.series : row.groups).length === 0) return { status: "skipped" as const };
  await requestRedetect(getPrisma(), [{ detectorId, subjectId }], from);
  return runDetection({ detectorId, subjectId });
}
