/**
 * The worker process: same database and queue selection as the web app, one BullMQ worker per
 * queue that has handlers, ordered and idempotent shutdown on SIGTERM/SIGINT.
 */
import "@/worker/service";
import { logger as baseLogger } from "@/lib/logger";
import { getEnv } from "@/lib/env";
import { JOBS } from "@/lib/queue/contract";
import { createQueueBackend } from "@/lib/queue/connection";
import { describeDatabaseUrl, prepareDatabase } from "@/lib/server/database";
import { disconnectPrisma, getPrisma } from "@/lib/server/db";
import { RECONCILE_EVERY_MS, RECONCILE_SCHEDULER_ID, registerReconcileScheduler } from "@/lib/pipeline/reconcile";
import { startDemoFromEnv } from "@/lib/demo/start";
import { queuesWithHandlers } from "@/worker/handlers";
import { setHandlerQueueBackend } from "@/worker/handlers/context";
import { registerWorker } from "@/worker/register-worker";
import { POLL_SYNC_EVERY_MS, syncPollSchedulers } from "@/lib/connectors/poll-schedule";
import { TRAIN_SYNC_EVERY_MS, syncTrainSchedulers } from "@/lib/pipeline/train-schedule";
import { StreamManager } from "@/worker/streams/manager";
import { ensureStorageSchedulers } from "@/lib/storage/schedule";
import { resumeImports } from "@/lib/server/queries/source-imports";
import { installProcessCollectors } from "@/lib/metrics/collectors";
import { startMetricsServer } from "@/lib/metrics/server";
import { settleWithin } from "@/worker/shutdown";
import { setAlertDoorbell } from "@/lib/alerting/doorbell";
import { enqueueNotify } from "@/lib/alerting/queue";

const log = baseLogger.child({ pid: process.pid });

/**
 * SIGTERM/SIGINT are handled from the first line: the workers take jobs as soon as they are
 * registered, seconds before start-up ends (schedulers, imports, streams, metrics), and a signal
 * in that window used to meet Node's default action and kill the jobs in hand mid-way. Before any
 * worker exists the process exits at once (nothing in hand); after, the ordered shutdown starts as
 * soon as start-up has finished, and the shutdown timeout bounds the wait from the signal.
 */
const early: { signal?: NodeJS.Signals; takingJobs: boolean; release?: () => Promise<void>; shutdown?: (signal: NodeJS.Signals) => Promise<void> } = {
  takingJobs: false,
};
function onSignal(signal: NodeJS.Signals) {
  if (early.shutdown) return void early.shutdown(signal);
  if (early.signal) return;
  early.signal = signal;
  if (!early.takingJobs) {
    log.info({ signal }, "worker stopping: signal during start-up, before taking jobs");
    void (early.release?.() ?? Promise.resolve()).catch(() => undefined).then(() => process.exit(0));
    return;
  }
  log.info({ signal }, "worker stopping: signal during start-up; the jobs in hand finish once it is done");
  const timeoutMs = getEnv().VIGIL_SHUTDOWN_TIMEOUT_MS;
  setTimeout(() => {
    log.warn({ timeoutMs }, "jobs still running at the shutdown timeout: exiting; they will be retried elsewhere");
    process.exit(0);
  }, timeoutMs).unref();
}
process.on("SIGTERM", onSignal);
process.on("SIGINT", onSignal);

async function main() {
  const db = await prepareDatabase((m) => log.info(m));
  early.release = () => db.release();
  await getPrisma().$queryRaw`SELECT 1`;
  const env = getEnv();
  const backend = createQueueBackend({ redisUrl: env.REDIS_URL, databaseUrl: db.url, prefix: env.VIGIL_QUEUE_PREFIX }, (err) =>
    log.warn({ err: err.message }, "queue connection error"),
  );
  setHandlerQueueBackend(backend);
  setAlertDoorbell((ids) => enqueueNotify(backend, ids));
  const queues = queuesWithHandlers((name) => JOBS[name].queue);
  early.takingJobs = true;
  const workers = queues.map((q) => registerWorker(backend, q, log));
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  const reconcileEveryMs = Number(process.env.VIGIL_RECONCILE_EVERY_MS) || RECONCILE_EVERY_MS;
  await registerReconcileScheduler(backend, reconcileEveryMs);
  // A flushed or replaced Redis loses the schedule with everything else: put it back when missing.
  const systemQueue = backend.queue(JOBS["system.reconcile"].queue);
  const keepSchedule = setInterval(() => {
    void systemQueue
      .getJobScheduler(RECONCILE_SCHEDULER_ID)
      .then((s) => (s ? undefined : registerReconcileScheduler(backend, reconcileEveryMs).then(() => log.warn("reconcile schedule was missing; restored"))))
      .catch((err) => log.warn({ err: err.message }, "could not check the reconcile schedule"));
  }, reconcileEveryMs);
  keepSchedule.unref();
  // Pulled sources and detectors' retrain crons: one job scheduler each, kept in line with the
  // database (which also restores them after a Redis flush). The web process syncs after its writes too.
  const syncOne = (what: string, sync: () => Promise<{ upserted: number; removed: number }>) =>
    sync().then(
      (r) => (r.upserted || r.removed) && log.info(r, `${what} schedulers synced`),
      (err) => log.warn({ err }, `${what} scheduler sync failed; retrying on the next tick`),
    );
  const syncPolls = () => syncOne("poll", () => syncPollSchedulers(backend));
  const syncTrains = () => syncOne("train", () => syncTrainSchedulers(backend));
  const syncStorage = () => syncOne("storage", async () => ({ upserted: await ensureStorageSchedulers(backend), removed: 0 }));
  await Promise.all([syncPolls(), syncTrains(), syncStorage()]);
  // History imports left RUNNING (a lost queue, a stopped worker) go on from their cursors.
  await resumeImports(backend).catch((err) => log.warn({ err }, "could not resume history imports"));
  const scheduleSyncs = [
    setInterval(() => void syncPolls(), POLL_SYNC_EVERY_MS),
    setInterval(() => void syncTrains(), TRAIN_SYNC_EVERY_MS),
    setInterval(() => void syncStorage(), POLL_SYNC_EVERY_MS),
  ];
  scheduleSyncs.forEach((t) => t.unref());
  const streams = new StreamManager(log);
  await streams.start();
  const demo = startDemoFromEnv(log);
  installProcessCollectors();
  const metricsServer = env.VIGIL_WORKER_METRICS_PORT
    ? await startMetricsServer({ port: env.VIGIL_WORKER_METRICS_PORT, host: env.VIGIL_HOST, token: env.VIGIL_METRICS_TOKEN, onError: (err) => log.warn({ err }, "metrics scrape failed") })
    : undefined;
  if (metricsServer) log.info({ port: metricsServer.port }, "worker metrics at GET /metrics");
  log.info({ database: describeDatabaseUrl(db.url), queue: backend.kind, queues }, "worker ready");

  let stopping: Promise<void> | undefined;
  const shutdown = (signal: string) => {
    stopping ??= (async () => {
      log.info({ signal }, "worker stopping: finishing jobs in hand");
      clearInterval(keepSchedule);
      await demo?.stop();
      scheduleSyncs.forEach(clearInterval);
      // close() stops taking jobs and waits for the active ones to finish; stream consumers store and acknowledge what they hold.
      // Past VIGIL_SHUTDOWN_TIMEOUT_MS the jobs in hand are left to their locks: another worker retries them.
      const closing = Promise.allSettled([...workers.map((w) => w.close()), streams.stop()]);
      await metricsServer?.close();
      if ((await settleWithin(closing, env.VIGIL_SHUTDOWN_TIMEOUT_MS)) === "timed-out") {
        log.warn({ timeoutMs: env.VIGIL_SHUTDOWN_TIMEOUT_MS }, "jobs still running at the shutdown timeout: exiting; they will be retried elsewhere");
        await db.release().catch(() => undefined); // stops the embedded PostgreSQL when this process started it
        process.exit(0);
      }
      await backend.close();
      await disconnectPrisma();
      await db.release();
      log.info("worker stopped");
      process.exit(0);
    })();
    return stopping;
  };
  early.shutdown = shutdown;
  if (early.signal) void shutdown(early.signal);
}

main().catch((err) => {
  log.fatal({ err }, "worker failed to start");
  process.exit(1);
});
