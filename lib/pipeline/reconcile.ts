/**
 * The reconciler makes the queue disposable: every ~30 s it re-derives from PostgreSQL which
 * (detector, series) pairs lag their data and enqueues detection for them. A lost Redis, a job
 * dropped by deduplication or a worker killed mid-run is caught up on the next tick. First it
 * makes the checks after a commit that a killed process left undone (a detect run's re-count, a
 * write's re-check): the requests they file make their pairs lag.
 */
import type { QueueBackend } from "@/lib/queue/connection";
import { JOBS } from "@/lib/queue/contract";
import { findLaggingPairs } from "@/lib/server/queries/detector-state";
import { enqueueDetect } from "@/lib/pipeline/schedule";
import { getPrisma } from "@/lib/server/db";
import { getPgPool } from "@/lib/server/pg-pool";
import { recountStalePages } from "@/lib/server/queries/verify-pages";
import { recheckStale } from "@/lib/ingest/changes";

export const RECONCILE_SCHEDULER_ID = "system.reconcile";
export const RECONCILE_EVERY_MS = 30_000;

/**
 * Series of watched sources that are not attached to their watchers. Ingest attaches a new series
 * in the transaction that creates it; this catches the race where a watch rule and a series were
 * committed at the same moment, each invisible to the other's transaction.
 */
export function attachWatchedSeries(): Promise<number> {
  return getPrisma().$executeRaw`
    INSERT INTO "DetectorSeries" ("detectorId", "seriesId")
    SELECT w."detectorId", s.id
    FROM (SELECT "detectorId", "sourceId" FROM "DetectorSource" ORDER BY 1, 2 FOR KEY SHARE) w
    JOIN "Series" s ON s."sourceId" = w."sourceId"
    WHERE NOT EXISTS (SELECT 1 FROM "DetectorSeries" ds WHERE ds."detectorId" = w."detectorId" AND ds."seriesId" = s.id)
    ORDER BY 1, 2
    ON CONFLICT DO NOTHING`;
}

/**
 * `attached`: watched series found unattached; `missed`: abandoned page records whose re-count found a missed point;
 * `rechecked`: abandoned write re-checks made; `lagging`: pairs behind their data (or with a
 * request); `enqueued`: the (detector, shard) jobs that cover them.
 */
export async function reconcileDetection(
  backend: QueueBackend,
  staleMs?: number,
): Promise<{ attached: number; missed: number; rechecked: number; lagging: number; enqueued: number }> {
  const attached = await attachWatchedSeries();
  const missed = (await recountStalePages(staleMs)).length;
  const rechecked = await recheckStale(getPgPool(), staleMs);
  const pairs = await findLaggingPairs();
  return { attached, missed, rechecked, lagging: pairs.length, enqueued: await enqueueDetect(backend, pairs) };
}

/** Stable scheduler id: restarts and extra workers upsert the same schedule, never add another. */
export async function registerReconcileScheduler(backend: QueueBackend, everyMs = RECONCILE_EVERY_MS): Promise<void> {
  await backend
    .queue(JOBS["system.reconcile"].queue)
    .upsertJobScheduler(RECONCILE_SCHEDULER_ID, { every: everyMs }, { name: "system.reconcile", data: {} });
}
