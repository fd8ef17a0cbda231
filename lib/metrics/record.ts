/**
 * What the instrumented places call, one function per event. Each is called at the one place the
 * event happens (see README.md), after the fact is final (a commit, an answer, a job's end).
 */
import { getMetrics } from "@/lib/metrics/registry";
import { DELIVERY_OUTCOMES, primeQueueSeries } from "@/lib/metrics/definitions";

/** A worker starts on `queue`: its failed and stalled counters read 0 from now on. */
export function primeWorkerQueue(queue: string, jobs: readonly string[]): void {
  primeQueueSeries(getMetrics(), queue, jobs);
}

export function countPointsIngested(sourceKind: string, points: number): void {
  if (points > 0) getMetrics().pointsIngested.inc({ source_kind: sourceKind }, points);
}

export function observeIngestRequest(status: number, seconds: number): void {
  const m = getMetrics();
  m.ingestRequests.inc({ status: String(status) });
  m.ingestDuration.observe(seconds);
}

export function observeApiRequest(permission: string, method: string, status: number, seconds: number): void {
  const m = getMetrics();
  m.apiRequests.inc({ permission, method, status: String(status) });
  m.apiDuration.observe({ permission }, seconds);
}

export function countPointsScored(algorithm: string, points: number): void {
  if (points <= 0) return;
  const m = getMetrics();
  m.pointsScored.inc({ algorithm }, points);
  m.detectionRewinds.inc({ algorithm }, 0); // an algorithm that scores reads 0 rewinds, not "no data"
}

export function countRewind(algorithm: string): void {
  getMetrics().detectionRewinds.inc({ algorithm });
}

export function countAnomaliesCreated(severities: readonly string[]): void {
  const counter = getMetrics().anomaliesCreated;
  for (const severity of severities) counter.inc({ severity });
}

export function observeJob(queue: string, job: string, outcome: "completed" | "failed", seconds: number): void {
  const m = getMetrics();
  m.jobDuration.observe({ queue, job, outcome }, seconds);
  if (outcome === "failed") m.jobsFailed.inc({ queue, job });
}

export function observeJobWait(queue: string, seconds: number): void {
  getMetrics().jobWait.observe({ queue }, seconds);
}

export function countJobStalled(queue: string): void {
  getMetrics().jobsStalled.inc({ queue });
}

export function countSourceError(sourceKind: string, stage: "poll" | "subscription"): void {
  getMetrics().sourceErrors.inc({ source_kind: sourceKind, stage });
}

/** One delivery attempt's recorded outcome (lib/alerting/notify.ts, after the delivery row is updated). */
export function countDelivery(channelKind: string, status: "SENT" | "PENDING" | "FAILED"): void {
  const outcome: (typeof DELIVERY_OUTCOMES)[number] = status === "SENT" ? "sent" : status === "PENDING" ? "retrying" : "failed";
  getMetrics().deliveries.inc({ channel_kind: channelKind.toLowerCase(), outcome });
}
