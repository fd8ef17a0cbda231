/**
 * Wraps the plain handlers once: payload validation, logging and metrics of every job's run
 * (duration by outcome, failed and stalled jobs, queue wait), and unknown job names failing
 * without retries.
 */
import { UnrecoverableError, type Job, type Worker } from "bullmq";
import type { Logger } from "pino";
import { getEnv } from "@/lib/env";
import { JOBS, isJobName, parsePayload, type JobName, type QueueName } from "@/lib/queue/contract";
import type { QueueBackend } from "@/lib/queue/connection";
import { HANDLERS, type Handler } from "@/worker/handlers";
import { recordPhase } from "@/lib/pipeline/timings";
import { countJobStalled, observeJob, observeJobWait, primeWorkerQueue } from "@/lib/metrics/record";

/** Jobs run at once per worker process: VIGIL_DETECT_CONCURRENCY for the I/O-bound detect queue, VIGIL_NOTIFY_CONCURRENCY for notify, 4 elsewhere. */
export function defaultConcurrency(queue: QueueName): number {
  if (queue === "detect") return getEnv().VIGIL_DETECT_CONCURRENCY;
  if (queue === "notify") return getEnv().VIGIL_NOTIFY_CONCURRENCY;
  return 4;
}

export function registerWorker(backend: QueueBackend, queue: QueueName, log: Logger, concurrency = defaultConcurrency(queue)): Worker {
  const worker = backend.worker(
    queue,
    async (job: Job) => {
      if (!isJobName(job.name)) throw new UnrecoverableError(`unknown job ${job.name} on queue ${queue}`);
      const handler = HANDLERS[job.name] as Handler<JobName> | undefined;
      if (!handler) throw new UnrecoverableError(`no handler for ${job.name}`);
      const started = performance.now();
      if (job.processedOn) {
        recordPhase(`${job.name}.queueWait`, job.processedOn - job.timestamp);
        observeJobWait(queue, Math.max(0, job.processedOn - job.timestamp) / 1000);
      }
      let result: unknown;
      try {
        result = await handler(parsePayload(job.name, job.data));
      } catch (err) {
        observeJob(queue, job.name, "failed", (performance.now() - started) / 1000);
        throw err;
      }
      recordPhase(`${job.name}.run`, performance.now() - started);
      observeJob(queue, job.name, "completed", (performance.now() - started) / 1000);
      log.debug({ queue, job: job.name, id: job.id, ms: Math.round(performance.now() - started) }, "job done");
      return result;
    },
    // A dead worker's job is handed on after the lock expires and the next stalled check runs.
    { concurrency, lockDuration: getEnv().VIGIL_JOB_LOCK_MS, stalledInterval: getEnv().VIGIL_JOB_LOCK_MS },
  );
  primeWorkerQueue(queue, (Object.keys(JOBS) as JobName[]).filter((n) => JOBS[n].queue === queue));
  worker.on("failed", (job, err) =>
    log.warn({ queue, job: job?.name, id: job?.id, attempts: job?.attemptsMade, err: err.message }, "job failed"),
  );
  worker.on("stalled", (id) => {
    countJobStalled(queue);
    log.warn({ queue, id }, "job stalled; it will be retried");
  });
  return worker;
}
