/** Retrain crons -> one BullMQ job scheduler per detector -> a `train.run` that stores a model. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomBytes } from "node:crypto";
import pino from "pino";
import { QueueEvents, type Job } from "bullmq";
import { waitFor } from "@/test/faults/harness";
import { setHandlerQueueBackend } from "@/worker/handlers/context";
import { withTestDatabase } from "@/test/test-database";
import { REDIS_URL } from "@/test/databases";
import { getPrisma } from "@/lib/server/db";
import { createQueueBackend, type QueueBackend } from "@/lib/queue/connection";
import { jobIds } from "@/lib/queue/contract";
import { syncTrainSchedulers } from "@/lib/pipeline/train-schedule";
import { createPair, sineWithSpikes, writePoints } from "@/lib/pipeline/testing/fixtures";
import { registerWorker } from "@/worker/register-worker";

const db = withTestDatabase();
const prefix = `t${randomBytes(4).toString("hex")}`;
let backend: QueueBackend;

beforeAll(() => {
  backend = createQueueBackend({ redisUrl: REDIS_URL, databaseUrl: db.url(), prefix }, () => undefined);
});
afterAll(async () => {
  await backend.queue("train").obliterate({ force: true });
  await backend.close();
});

const schedulers = async () =>
  (await backend.queue("train").getJobSchedulers(0, -1)).map((s) => ({ id: s.id ?? s.key, pattern: s.pattern, tz: s.tz, next: s.next })).sort((a, b) => a.id.localeCompare(b.id));
const setRetrainCron = (id: string, retrainCron: string | null) => getPrisma().detector.update({ where: { id }, data: { retrainCron } });
const lof = () => createPair({ algorithm: "lof", params: { shingleSize: 1 }, threshold: 0.5 });

describe("syncTrainSchedulers", () => {
  it("keeps one scheduler per enabled, trained detector with a cron, follows edits, and removes the rest", async () => {
    const a = await lof();
    const b = await createPair({ algorithm: "isolation-forest", params: {} });
    const zscore = await createPair(); // needs no training: never scheduled
    const off = await createPair({ algorithm: "kmeans", params: {}, enabled: false });
    await lof(); // trained, but no cron
    await setRetrainCron(a.detectorId, "0 3 * * *");
    await setRetrainCron(b.detectorId, "*/30 * * * *");
    await setRetrainCron(zscore.detectorId, "0 4 * * *");
    await setRetrainCron(off.detectorId, "0 5 * * *");

    expect(await syncTrainSchedulers(backend)).toEqual({ upserted: 2, removed: 0, active: 2, invalid: 0 });
    const first = await schedulers();
    expect(first.map(({ next: _n, ...s }) => s)).toEqual(
      [
        { id: jobIds.trainScheduler(a.detectorId), pattern: "0 3 * * *", tz: "UTC" },
        { id: jobIds.trainScheduler(b.detectorId), pattern: "*/30 * * * *", tz: "UTC" },
      ].sort((x, y) => x.id.localeCompare(y.id)),
    );
    const nextOfA = first.find((s) => s.id === jobIds.trainScheduler(a.detectorId))!.next!;
    expect(new Date(nextOfA).getUTCHours()).toBe(3);
    expect(new Date(nextOfA).getUTCMinutes()).toBe(0);
    // A second sync changes nothing, so no schedule's next run moves.
    expect(await syncTrainSchedulers(backend)).toEqual({ upserted: 0, removed: 0, active: 2, invalid: 0 });
    expect(await schedulers()).toEqual(first);
    // A lost schedule (a flushed Redis) is put back by the next sync.
    await backend.queue("train").removeJobScheduler(jobIds.trainScheduler(b.detectorId));
    expect(await syncTrainSchedulers(backend)).toEqual({ upserted: 1, removed: 0, active: 2, invalid: 0 });
    expect((await schedulers()).map(({ next: _n, ...s }) => s)).toEqual(first.map(({ next: _n, ...s }) => s));

    await setRetrainCron(a.detectorId, "30 4 * * *");
    expect(await syncTrainSchedulers(backend)).toEqual({ upserted: 1, removed: 0, active: 2, invalid: 0 });
    const moved = (await schedulers()).find((s) => s.id === jobIds.trainScheduler(a.detectorId))!;
    expect(moved.pattern).toBe("30 4 * * *");
    expect(new Date(moved.next!).getUTCHours()).toBe(4);

    await setRetrainCron(a.detectorId, null); // cleared
    await getPrisma().detector.update({ where: { id: b.detectorId }, data: { enabled: false } });
    expect(await syncTrainSchedulers(backend)).toEqual({ upserted: 0, removed: 2, active: 0, invalid: 0 });
    expect(await schedulers()).toEqual([]);

    await getPrisma().detector.update({ where: { id: b.detectorId }, data: { enabled: true } });
    await syncTrainSchedulers(backend);
    expect((await schedulers()).map((s) => s.id)).toEqual([jobIds.trainScheduler(b.detectorId)]);
    await getPrisma().detector.delete({ where: { id: b.detectorId } });
    expect(await syncTrainSchedulers(backend)).toMatchObject({ removed: 1, active: 0 });

    // An algorithm switched to one that needs no training loses its schedule too.
    await setRetrainCron(a.detectorId, "0 3 * * *");
    await syncTrainSchedulers(backend);
    await getPrisma().detector.update({ where: { id: a.detectorId }, data: { algorithm: "zscore", params: { window: 100, minPoints: 20 } } });
    expect(await syncTrainSchedulers(backend)).toMatchObject({ removed: 1, active: 0 });
    expect(await schedulers()).toEqual([]);
  });

  it("a pattern stored without the API's check is skipped, not fatal to the other schedules", async () => {
    const bad = await lof();
    const good = await lof();
    await getPrisma().detector.update({ where: { id: bad.detectorId }, data: { retrainCron: "not a cron" } });
    await setRetrainCron(good.detectorId, "0 3 * * *");
    expect(await syncTrainSchedulers(backend)).toEqual({ upserted: 1, removed: 0, active: 1, invalid: 1 });
    expect((await schedulers()).map((s) => s.id)).toEqual([jobIds.trainScheduler(good.detectorId)]);
    await getPrisma().detector.deleteMany({ where: { id: { in: [bad.detectorId, good.detectorId] } } });
    await syncTrainSchedulers(backend);
  });
});

describe("a scheduled retrain", () => {
  it("is a train.run the worker's train handler turns into an active model version", async () => {
    const pair = await lof();
    await writePoints(pair.seriesId, sineWithSpikes(600));
    await setRetrainCron(pair.detectorId, "0 3 * * *");
    await syncTrainSchedulers(backend);

    const queue = backend.queue("train");
    const delayed = ((await queue.getDelayed()) as Job[]).filter((j) => j.id?.includes(jobIds.trainScheduler(pair.detectorId)));
    expect(delayed).toHaveLength(1);
    const [scheduled] = delayed;
    expect(scheduled).toMatchObject({ name: "train.run", data: { detectorId: pair.detectorId } });

    const events = new QueueEvents("train", { connection: { url: REDIS_URL }, prefix });
    setHandlerQueueBackend(backend); // as worker/index.ts does: the fan-out enqueues on it
    const worker = registerWorker(backend, "train", pino({ level: "silent" }));
    try {
      await Promise.all([worker.waitUntilReady(), events.waitUntilReady()]);
      await scheduled.promote(); // 03:00 UTC is now
      const result = await scheduled.waitUntilFinished(events, 30_000);
      expect(result).toEqual({ status: "fanned-out", jobs: 16 }); // one job per shard, for any worker
      await waitFor("the shard job to install the model", async () => (await getPrisma().modelVersion.count({ where: { detectorId: pair.detectorId, subjectId: pair.seriesId } })) > 0, 30_000, 100);
    } finally {
      await worker.close();
      await events.close();
      setHandlerQueueBackend(undefined);
    }
    const models = await getPrisma().modelVersion.findMany({ where: { detectorId: pair.detectorId, subjectId: pair.seriesId } });
    expect(models).toEqual([expect.objectContaining({ version: 1, active: true, metrics: expect.objectContaining({ points: 600, excludedLabelled: 0 }) })]);
    const state = await getPrisma().detectorState.findUniqueOrThrow({ where: { detectorId_subjectId: { detectorId: pair.detectorId, subjectId: pair.seriesId } } });
    expect(state.modelId).toBe(models[0].id);
  });
});
