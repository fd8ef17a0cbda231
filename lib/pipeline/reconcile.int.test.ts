/**
 * The reconciler finds exactly the lagging (detector, series) pairs, and detect jobs deduplicate
 * while waiting yet are queued again once a run completed (new data after a run still gets scored).
 */
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { createQueueBackend, type QueueBackend } from "@/lib/queue/connection";
import { findLaggingPairs } from "@/lib/server/queries/detector-state";
import { listDetectorSeriesStatus } from "@/lib/server/queries/detectors";
import { runDetection } from "@/lib/pipeline/detect-run";
import { reconcileDetection } from "@/lib/pipeline/reconcile";
import { enqueueDetect, findDetectPairs } from "@/lib/pipeline/schedule";
import { subjectIdOf, type PairRef } from "@/lib/pipeline/pair";
import { shardOf } from "@/lib/pipeline/shard";
import { createPair, sineWithSpikes, writePoints } from "@/lib/pipeline/testing/fixtures";
import { REDIS_URL } from "@/test/databases";
import { withTestDatabase } from "@/test/test-database";

const db = withTestDatabase();

const byKey = (p: PairRef) => `${p.detectorId}/${subjectIdOf(p)}`;
const jobKey = (j: { detectorId: string; shard: number }) => `${j.detectorId}#${j.shard}`;
const shardKeys = (pairs: PairRef[]) => [...new Set(pairs.map((p) => jobKey({ detectorId: p.detectorId, shard: shardOf(subjectIdOf(p)) })))].sort();

async function waitingDetectJobs(backend: QueueBackend) {
  const jobs = await backend.queue("detect").getJobs(["waiting", "prioritized", "delayed"]);
  return jobs.map((j) => jobKey(j.data)).sort();
}

describe("findLaggingPairs", () => {
  it("returns the pairs whose watermark is behind their data, or that never ran, and nothing else", async () => {
    const caughtUp = await createPair();
    await writePoints(caughtUp.seriesId, sineWithSpikes(100));
    await runDetection(caughtUp);
    const lagging = await createPair();
    await writePoints(lagging.seriesId, sineWithSpikes(100));
    await runDetection(lagging);
    await writePoints(lagging.seriesId, sineWithSpikes(5), 100);
    const neverRun = await createPair();
    await writePoints(neverRun.seriesId, sineWithSpikes(10));
    const disabled = await createPair({ enabled: false });
    await writePoints(disabled.seriesId, sineWithSpikes(10));
    await createPair(); // no points yet

    expect((await findLaggingPairs()).map(byKey).sort()).toEqual([lagging, neverRun].map(byKey).sort());
    expect((await listDetectorSeriesStatus(lagging.detectorId)).map((s) => s.pending)).toEqual([5]);
    expect((await listDetectorSeriesStatus(caughtUp.detectorId)).map((s) => s.pending)).toEqual([0]);
    expect((await listDetectorSeriesStatus(neverRun.detectorId))[0]).toMatchObject({ pending: 10, watermark: null });
    expect((await findDetectPairs([disabled.seriesId, neverRun.seriesId, caughtUp.seriesId])).map(byKey).sort()).toEqual(
      [neverRun, caughtUp].map(byKey).sort(),
    );
  });
});

describe.each([
  ["postgres", undefined],
  ["redis", REDIS_URL],
])("detect jobs on %s", (_kind, redisUrl) => {
  let backend: QueueBackend | undefined;
  afterEach(async () => {
    await backend?.close();
  });

  it("reconcile enqueues one job per lagging (detector, shard) once; after a completed run it can be queued again", async () => {
    const prefix = `t${randomBytes(4).toString("hex")}`;
    backend = createQueueBackend({ redisUrl, databaseUrl: db.url(), prefix }, () => undefined);
    const pairs = await findLaggingPairs();
    const jobs = shardKeys(pairs);
    expect(jobs.length).toBeGreaterThan(0);

    expect(await reconcileDetection(backend)).toEqual({ attached: 0, missed: 0, rechecked: 0, lagging: pairs.length, enqueued: jobs.length });
    expect(await reconcileDetection(backend)).toEqual({ attached: 0, missed: 0, rechecked: 0, lagging: pairs.length, enqueued: jobs.length });
    expect(await waitingDetectJobs(backend)).toEqual(jobs);

    const done: string[] = [];
    const worker = backend.worker("detect", async (job) => void done.push(jobKey(job.data)));
    await expect.poll(() => done.length, { timeout: 15_000 }).toBe(jobs.length);
    await worker.close();

    await enqueueDetect(backend, [pairs[0]]);
    expect(await waitingDetectJobs(backend)).toEqual(shardKeys([pairs[0]]));
  });

  it("many series of one detector ring at most one doorbell per shard", async () => {
    const prefix = `t${randomBytes(4).toString("hex")}`;
    backend = createQueueBackend({ redisUrl, databaseUrl: db.url(), prefix }, () => undefined);
    const detectorId = "d-many";
    const pairs = Array.from({ length: 500 }, (_, i) => ({ detectorId, seriesId: `series-${i}` }));
    expect(await enqueueDetect(backend, pairs)).toBe(16);
    expect(await waitingDetectJobs(backend)).toEqual(Array.from({ length: 16 }, (_, s) => jobKey({ detectorId, shard: s })).sort());
  });
});
