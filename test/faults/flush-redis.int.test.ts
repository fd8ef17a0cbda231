/**
 * Redis loses everything (this test's key prefix is deleted, so other users of the shared Redis
 * keep theirs) while detection jobs are queued and running: the worker restores the reconcile
 * schedule, the reconciler re-derives the lost work from PostgreSQL, and the final anomalies
 * equal an undisturbed run.
 */
import { afterAll, describe, expect, it } from "vitest";
import { testQueuePrefix } from "@/test/redis-keys";
import { createQueueBackend } from "@/lib/queue/connection";
import { enqueueDetect } from "@/lib/pipeline/schedule";
import { upsertPoints } from "@/lib/server/queries/points";
import { REDIS_URL } from "@/test/databases";
import { withTestDatabase } from "@/test/test-database";
import {
  STEP_MS, T0, createFaultPairs, faultSeries, flushPrefix, pointCounts, referenceAnomalies, startWorker, storedAnomalies, waitFor, watermarks,
  type WorkerProcess,
} from "@/test/faults/harness";

const db = withTestDatabase();
const prefix = testQueuePrefix();
let worker: WorkerProcess | undefined;
afterAll(async () => {
  await worker?.kill("SIGKILL");
  await flushPrefix(prefix);
});

const SERIES = 12;
const N = 3_000;

describe("Redis flushed while jobs are queued", () => {
  it("re-derives the work from PostgreSQL: same anomalies as an undisturbed run", async () => {
    const { pairs } = await createFaultPairs(SERIES, prefix);
    const values = pairs.map((_, s) => faultSeries(N, s));
    for (const [s, p] of pairs.entries()) await upsertPoints(p.seriesId, values[s].map((_, i) => new Date(T0 + i * STEP_MS)), values[s]);
    const last = T0 + (N - 1) * STEP_MS;

    worker = startWorker({
      DATABASE_URL: db.url(), REDIS_URL, VIGIL_QUEUE_PREFIX: prefix, VIGIL_DETECT_PAGE_SIZE: "100", VIGIL_RECONCILE_EVERY_MS: "2000",
      VIGIL_DETECT_CONCURRENCY: "2", // few jobs at once, so some are still waiting when Redis is flushed
    });
    await worker.ready;
    const backend = createQueueBackend({ redisUrl: REDIS_URL, databaseUrl: db.url(), prefix }, () => undefined);
    await enqueueDetect(backend, pairs);
    const waiting = await backend.queue("detect").getWaitingCount();
    await backend.close();
    expect(waiting).toBeGreaterThan(0);

    // Flush once some pairs have started: jobs are running and others still wait.
    await waitFor("work under way", async () => (await watermarks(db.url(), pairs)).some((w) => w !== null), 30_000, 20);
    expect(await flushPrefix(prefix)).toBeGreaterThan(0);
    const atFlush = await watermarks(db.url(), pairs);
    expect(atFlush.filter((w) => w === last).length).toBeLessThan(SERIES);

    await waitFor("the reconciler to finish the work", async () => (await watermarks(db.url(), pairs)).every((w) => w === last), 60_000, 250);
    expect(worker.output()).toContain("reconcile schedule was missing; restored");

    expect(await pointCounts(db.url(), pairs.map((p) => p.seriesId))).toEqual(pairs.map(() => ({ total: N, distinct: N })));
    for (const [s, p] of pairs.entries()) expect(await storedAnomalies(db.url(), p.seriesId)).toEqual(referenceAnomalies(values[s]));
    await worker.kill("SIGTERM");
  }, 120_000);
});
