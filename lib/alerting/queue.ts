/**
 * Ringing `notify.anomaly`, and the sweep that rings again for what a lost job left behind. The
 * job carries only the anomaly id; the handler re-derives the rest (lib/alerting/notify.ts).
 */
import type { JobsOptions } from "bullmq";
import { jobIds } from "@/lib/queue/contract";
import type { QueueBackend } from "@/lib/queue/connection";
import { enqueue } from "@/lib/queue/enqueue";
import { expireLeases, findUnrungAnomalies } from "@/lib/server/queries/alert-deliveries";

/**
 * Deduplicated like detection (lib/pipeline/schedule.ts): one waiting job per anomaly, and one
 * follow-up when it rings while its job runs, so a change during a send is evaluated after it.
 */
export function notifyJobOptions(anomalyId: string): JobsOptions {
  return { deduplication: { id: jobIds.notify(anomalyId), keepLastIfActive: true } };
}

export async function enqueueNotify(backend: QueueBackend, anomalyIds: string[]): Promise<number> {
  const ids = [...new Set(anomalyIds)];
  await Promise.all(ids.map((anomalyId) => enqueue(backend, "notify.anomaly", { anomalyId }, notifyJobOptions(anomalyId))));
  return ids.length;
}

/** A retry: a delayed job of its own (a waiting deduplicated job would swallow it). */
export function enqueueRetry(backend: QueueBackend, anomalyId: string, delayMs: number, key: string) {
  return enqueue(backend, "notify.anomaly", { anomalyId }, { delay: delayMs, deduplication: { id: `notify-retry:${key}` } });
}

/** A ring older than this without an answer counts as lost. */
export const SWEEP_GRACE_MS = 5_000;

/** Run by the reconciler: resolve expired send leases, then ring for outbox rows and overdue deliveries. */
export async function sweepAlerts(backend: QueueBackend, graceMs = SWEEP_GRACE_MS): Promise<{ expired: number; rung: number }> {
  const expired = await expireLeases();
  const ids = await findUnrungAnomalies(graceMs);
  const again = expired.filter((e) => e.status === "PENDING").map((e) => e.anomalyId);
  return { expired: expired.length, rung: await enqueueNotify(backend, [...ids, ...again]) };
}
