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
import type { JobCount, PoolStat } from "@/lib/metrics/definitions";

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
  collectors.detectionLag = findDetectionLag;
}
