/**
 * The one contract for every queue: names, job names, a zod payload schema per job, and the
 * default job options. Payloads carry ids, never data: the worker re-reads rows, because
 * PostgreSQL is the ledger and the queue only rings the bell.
 */
import { z } from "zod";

export const QUEUE_NAMES = ["system", "detect", "train", "backfill", "poll", "notify"] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

const id = z.string().min(1);

export const JOBS = {
  /** Round trip from web to worker; the health check and tests use it. */
  "system.ping": { queue: "system", payload: z.object({ requestId: id, sentAt: z.number().int() }) },
  /** Reconciler: enqueue detection for every (detector, series) whose watermark lags its data. */
  "system.reconcile": { queue: "system", payload: z.object({}) },
  /** Score the lagging series of one detector in one shard (lib/pipeline/shard.ts): the doorbell after ingest. */
  "detect.run": { queue: "detect", payload: z.object({ detectorId: id, shard: z.number().int().min(0).max(15) }) },
  /** Without `shard` or `seriesId`, the worker fans out one train.run per shard (lib/pipeline/train-run.ts). */
  "train.run": { queue: "train", payload: z.object({ detectorId: id, seriesId: id.optional(), shard: z.number().int().min(0).max(15).optional() }) },
  "backfill.run": {
    queue: "backfill",
    payload: z.object({ detectorId: id, seriesId: id, from: z.iso.datetime(), to: z.iso.datetime() }),
  },
  "poll.source": { queue: "poll", payload: z.object({ sourceId: id }) },
  /** Import a past range of a Prometheus source (lib/connectors/prometheus-import.ts); resumable. */
  "poll.import": { queue: "poll", payload: z.object({ importId: id }) },
  /** Re-derive the rollups of changed points (lib/storage/rollups.ts); scheduled. */
  "system.rollups": { queue: "system", payload: z.object({}) },
  /** Delete points past their source's retention (lib/storage/retention.ts); scheduled. */
  "system.retention": { queue: "system", payload: z.object({}) },
  "notify.anomaly": { queue: "notify", payload: z.object({ anomalyId: id }) },
} as const satisfies Record<string, { queue: QueueName; payload: z.ZodType }>;

export type JobName = keyof typeof JOBS;
export type JobPayload<N extends JobName> = z.infer<(typeof JOBS)[N]["payload"]>;

export function parsePayload<N extends JobName>(name: N, data: unknown): JobPayload<N> {
  return JOBS[name].payload.parse(data) as JobPayload<N>;
}

export function isJobName(name: string): name is JobName {
  return Object.hasOwn(JOBS, name);
}

/** Deterministic ids so the same work is queued once (BullMQ ignores an add whose id exists). */
export const jobIds = {
  detect: (detectorId: string, shard: number) => `detect:${detectorId}:${shard}`,
  train: (detectorId: string, part?: string | number) => `train:${detectorId}:${part ?? "all"}`,
  pollScheduler: (sourceId: string) => `poll:${sourceId}`,
  /** Job scheduler of a detector's retrain cron (lib/pipeline/train-schedule.ts). */
  trainScheduler: (detectorId: string) => `train:${detectorId}`,
  notify: (anomalyId: string) => `notify:${anomalyId}`,
  /** One run per import and cursor position: a resumed or continued import is queued again, a doubled one once. */
  importRun: (importId: string, cursorMs: number) => `import:${importId}:${cursorMs}`,
  rollupsScheduler: "storage:rollups",
  retentionScheduler: "storage:retention",
} as const;

export const DEFAULT_JOB_OPTIONS = Object.freeze({
  attempts: 5,
  backoff: { type: "exponential", delay: 2_000 },
  removeOnComplete: { age: 24 * 3600, count: 1_000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 5_000 },
} as const);
