/**
 * What each process reports at scrape time. Every process: its own database pools. The web
 * process also reports what is shared by the whole installation (job counts per queue and state,
 * detection lag), so those series exist once per web replica rather than once per worker: read
 * them with max() across instances.
 */
import type pg from "pg";
import { QUEUE_NAMES } from "@/lib/queue/contract";
import type { QueueBackend } from "@/lib/queue/connection";
import { peekPrismaPool } from "@/lib/server/db";
import { peekPgPool } from "@/lib/server/pg-pool";
import { findDetectionLag } from "@/lib/server/queries/detection-lag";
import { getProcessMetrics } from "@/lib/metrics/registry";
import type { DetectorLag, JobCount, PoolStat } from "@/lib/metrics/definitions";

/**
 * The lag query probes one index entry per attached (detector, series) pair: about 3 s for 200k
 * pairs on a busy 2-core host, like the reconciler's every 30 s. Scrapes share one reading for
 * that long (one query in flight at a time) instead of running it on every scrape.
 */
export const DETECTION_LAG_TTL_MS = 30_000;
const globalForLag = globalThis as unknown as { vigilLagCache?: { at: number; rows: Promise<DetectorLag[]> } };

export function cachedDetectionLag(read: () => Promise<DetectorLag[]> = findDetectionLag, now = Date.now()): Promise<DetectorLag[]> {
  const cached = globalForLag.vigilLagCache;
  if (cached && now - cached.at < DETECTION_LAG_TTL_MS) return cached.rows;
  const rows = read();
  const entry = { at: now, rows };
  globalForLag.vigilLagCache = entry;
  rows.catch(() => {
    if (globalForLag.vigilLagCache === entry) globalForLag.vigilLagCache = undefined; // a failure is not kept
  });
  return rows;
}

/** Tests that change detectors between scrapes read afresh. */
export function forgetDetectionLag(): void {
  globalForLag.vigilLagCache = undefined;
}

const JOB_STATES = ["waiting", "active", "delayed", "prioritized", "waiting-children", "completed", "failed"] as const;

function poolStat(name: PoolStat["pool"], pool: pg.Pool | undefined): PoolStat[] {
  if (!pool) return [];
  return [{ pool: name, total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max: pool.options.max ?? 10 }];
}

export function readPoolStats(): PoolStat[] {
  return [...poolStat("queries", peekPrismaPool()), ...poolStat("bulk", peekPgPool())];
}

export async function readJobCounts(backend: QueueBackend): Promise<JobCount[]> {
  const perQueue = await Promise.all(
    QUEUE_NAMES.map(async (queue) => {
      const counts = await backend.queue(queue).getJobCounts(...JOB_STATES);
      return JOB_STATES.map((state) => ({ queue, state, count: counts[state] ?? 0 }));
    }),
  );
  return perQueue.flat();
}

export function installProcessCollectors(): void {
  getProcessMetrics().collectors.dbPools = readPoolStats;
}

export function installInstallationCollectors(backend: () => Promise<QueueBackend>): void {
  const { collectors } = getProcessMetrics();
  collectors.dbPools = readPoolStats;
  collectors.jobCounts = async () => readJobCounts(await backend());
  collectors.detectionLag = () => cachedDetectionLag();
}
