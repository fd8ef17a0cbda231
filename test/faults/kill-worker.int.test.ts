/**
 * A worker SIGKILLed in the middle of a long detection run (small pages): after a restart the
 * stalled job is retried from the last committed checkpoint, and the stored anomalies equal an
 * undisturbed run over the same points, with every point stored once.
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
const workers: WorkerProcess[] = [];
afterAll(async () => {
  for (const w of workers) await w.kill("SIGKILL");
  await flushPrefix(prefix);
});

const N = 12_000;

describe("worker killed mid-run", () => {
  it("resumes from the checkpoint: same anomalies as an undisturbed run, every point once", async () => {
    const values = faultSeries(N);
    const { pairs } = await createFaultPairs(1, prefix);
    const [pair] = pairs;
    await upsertPoints(pair.seriesId, values.map((_, i) => new Date(T0 + i * STEP_MS)), values);
    const last = T0 + (N - 1) * STEP_MS;

    const env = { DATABASE_URL: db.url(), REDIS_URL, VIGIL_QUEUE_PREFIX: prefix, VIGIL_DETECT_PAGE_SIZE: "100", VIGIL_JOB_LOCK_MS: "4000" };
    const first = startWorker(env);
    workers.push(first);
    await first.ready;
    const backend = createQueueBackend({ redisUrl: REDIS_URL, databaseUrl: db.url(), prefix }, () => undefined);
    await enqueueDetect(backend, [pair]);
    await backend.close();

    // Kill once a fifth of the series is scored: pages are committed, the run is far from done.
    const at = await waitFor("the run to be under way", async () => {
      const [w] = await watermarks(db.url(), pairs);
      return w !== null && w >= T0 + (N / 5) * STEP_MS && w;
    }, 30_000, 20);
    await first.kill("SIGKILL");
    const [afterKill] = await watermarks(db.url(), pairs);
    expect(afterKill).toBeLessThan(last);
    expect(afterKill).toBeGreaterThanOrEqual(at);

    const second = startWorker(env);
    workers.push(second);
    await second.ready;
    // BullMQ finds the dead worker's job stalled (lock expired) and retries it: up to ~60 s.
    await waitFor("detection to catch up", async () => (await watermarks(db.url(), pairs))[0] === last, 90_000, 250);

    expect(await pointCounts(db.url(), [pair.seriesId])).toEqual([{ total: N, distinct: N }]);
    const reference = referenceAnomalies(values);
    expect(reference.length).toBeGreaterThan(10);
    expect(await storedAnomalies(db.url(), pair.seriesId)).toEqual(reference);
    await second.kill("SIGTERM");
  }, 150_000);
});
