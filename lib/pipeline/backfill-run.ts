/**
 * One `backfill.run`: re-score [from, to] of a (detector, series) pair from scratch, e.g. after
 * late points arrived or the detector changed. A fresh detector is warmed on up to
 * `WARMUP_POINTS` points before `from` (their scores are discarded), then scores the range; an
 * event still open at `to` is closed there. In one transaction, under the same DetectorState lock
 * the streaming run takes, the range's anomalies are upserted and those starting in the range that
 * the new scoring no longer produces are deleted (rows that survive keep their triage and labels).
 * The streaming checkpoint and watermark are not touched.
 */
import type { Prisma } from "@/lib/generated/prisma/client";
import { getPrisma } from "@/lib/server/db";
import { deleteAnomaliesInRange, upsertAnomalies } from "@/lib/server/queries/anomalies";
import { ensureDetectorState, lockDetectorState, readPointsAfter, readPointsBefore } from "@/lib/server/queries/detector-state";
import { findDetectorForRun } from "@/lib/pipeline/detect-run";
import { createScorer, toAnomalyWrite, type DetectorRow } from "@/lib/pipeline/scoring";

export const WARMUP_POINTS = 5_000;
const PAGE = 10_000;

export interface BackfillPayload {
  detectorId: string;
  seriesId: string;
  from: Date;
  to: Date;
}

export async function runBackfill({ detectorId, seriesId, from, to }: BackfillPayload) {
  const row = await findDetectorForRun(detectorId, seriesId);
  if (!row || !row.enabled || row.series.length === 0) return { status: "skipped" as const };
  const scorer = createScorer(row as DetectorRow);
  for (const p of await readPointsBefore(seriesId, from, WARMUP_POINTS)) scorer.push(p.ts.getTime(), p.value);
  // Events the warm-up opened belong to the time before the range.
  scorer.tracker.flush();

  const events = new Map<number, ReturnType<typeof toAnomalyWrite>>();
  let after = new Date(from.getTime() - 1);
  let points = 0;
  for (;;) {
    const page = await readPointsAfter(seriesId, after, PAGE, to);
    for (const p of page) for (const e of scorer.push(p.ts.getTime(), p.value)) events.set(e.start, toAnomalyWrite(e));
    points += page.length;
    if (page.length < PAGE) break;
    after = page[page.length - 1].ts;
  }
  for (const e of scorer.tracker.flush()) events.set(e.start, toAnomalyWrite(e));

  await ensureDetectorState(detectorId, seriesId);
  const writes = [...events.values()];
  await getPrisma().$transaction(
    async (tx: Prisma.TransactionClient) => {
      await lockDetectorState(tx, detectorId, seriesId);
      await deleteAnomaliesInRange(tx, detectorId, seriesId, from, to, writes.map((w) => w.startTs));
      await upsertAnomalies(tx, detectorId, seriesId, writes);
    },
    { timeout: 60_000 },
  );
  return { status: "done" as const, points, anomalies: writes.length };
}
