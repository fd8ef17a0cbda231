import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { testQueuePrefix } from "@/test/redis-keys";
import { withTestDatabase } from "@/test/test-database";
import { REDIS_URL } from "@/test/databases";
import { getPrisma } from "@/lib/server/db";
import { createSource, deleteSource, updateSource } from "@/lib/server/queries/sources";
import { createQueueBackend, type QueueBackend } from "@/lib/queue/connection";
import { jobIds } from "@/lib/queue/contract";
import { pollSource } from "@/lib/connectors/poll";
import { syncPollSchedulers } from "@/lib/connectors/poll-schedule";
import { startTestServer } from "@/lib/connectors/test-server";

const db = withTestDatabase();

vi.mock("@/lib/pipeline/schedule", () => ({ scheduleDetection: async () => undefined }));

let peer: Awaited<ReturnType<typeof startTestServer>>;
const state = { status: 200, readings: [] as { t: number; v: number }[] };

beforeAll(async () => {
  peer = await startTestServer(() => (state.status === 200 ? { body: JSON.stringify({ data: state.readings }) } : { status: state.status, type: "text/plain", body: "down" }));
});
afterAll(() => peer.close());

const pointsOf = (sourceId: string) =>
  getPrisma().dataPoint.findMany({ where: { series: { sourceId } }, orderBy: { ts: "asc" }, select: { ts: true, value: true, series: { select: { metric: true } } } });
const sourceRow = (id: string) => getPrisma().dataSource.findUniqueOrThrow({ where: { id } });

describe("pollSource (HTTP poll)", () => {
  it("writes what the URL answers, idempotently, and tracks the source's health", async () => {
    const s = await createSource(
      { name: "poll-http", kind: "HTTP_POLL", config: { url: `${peer.url}/r`, format: "json", mapping: { records: "data", timestamp: "t", value: "v", metric: "temp" }, interval: 5 } },
      null,
    );
    state.readings = [
      { t: 1_700_000_000, v: 1 },
      { t: 1_700_000_060, v: 2 },
    ];
    expect(await pollSource(s.id)).toEqual({ status: "ok", accepted: 2, series: 1 });
    state.readings.push({ t: 1_700_000_120, v: 3 });
    state.readings[0].v = 1.5;
    // Only the new and the corrected point are written again.
    expect(await pollSource(s.id)).toEqual({ status: "ok", accepted: 2, series: 1 });
    expect(await pollSource(s.id)).toEqual({ status: "ok", accepted: 0, series: 0 });
    expect((await pointsOf(s.id)).map((p) => [p.series.metric, p.ts.getTime() / 1000, p.value])).toEqual([
      ["temp", 1_700_000_000, 1.5],
      ["temp", 1_700_000_060, 2],
      ["temp", 1_700_000_120, 3],
    ]);
    expect(await sourceRow(s.id)).toMatchObject({ status: "ACTIVE", lastError: null, lastIngestedAt: expect.any(Date) });

    state.status = 503;
    await expect(pollSource(s.id)).rejects.toThrow(`HTTP 503 from ${peer.url}/r: down`);
    expect(await sourceRow(s.id)).toMatchObject({ status: "ERROR", lastError: `HTTP 503 from ${peer.url}/r: down` });
    state.status = 200;
    await pollSource(s.id);
    expect(await sourceRow(s.id)).toMatchObject({ status: "ACTIVE", lastError: null });

    await updateSource(s.id, { status: "PAUSED" }, null);
    expect(await pollSource(s.id)).toEqual({ status: "skipped", reason: "source paused" });
  });
});

describe("syncPollSchedulers", () => {
  let backend: QueueBackend;
  beforeAll(() => {
    backend = createQueueBackend({ redisUrl: REDIS_URL, databaseUrl: db.url(), prefix: testQueuePrefix() }, () => undefined);
  });
  afterAll(() => backend.close());

  it("keeps one scheduler per runnable pulled source, with stable ids, and removes the others", async () => {
    const config = (interval: number) => ({ url: `${peer.url}/r`, format: "json" as const, mapping: { timestamp: "t", value: "v" }, interval });
    const a = await createSource({ name: "sched-a", kind: "HTTP_POLL", config: config(10) }, null);
    const b = await createSource({ name: "sched-b", kind: "PROMETHEUS", config: { baseUrl: peer.url, query: "up", step: 15, interval: 30 } }, null);
    await createSource({ name: "sched-push", kind: "HTTP_PUSH", config: {} }, null);
    const queue = backend.queue("poll");
    const schedulers = async () => (await queue.getJobSchedulers(0, -1)).map((s) => [s.id ?? s.key, s.every]).sort();

    expect(await syncPollSchedulers(backend)).toEqual({ upserted: 2, removed: 0, active: 2 });
    expect(await schedulers()).toEqual([[jobIds.pollScheduler(a.id), 10_000], [jobIds.pollScheduler(b.id), 30_000]].sort());
    // A second sync changes nothing.
    expect(await syncPollSchedulers(backend)).toEqual({ upserted: 0, removed: 0, active: 2 });

    await updateSource(a.id, { config: config(20) }, null);
    await updateSource(b.id, { status: "PAUSED" }, null);
    expect(await syncPollSchedulers(backend)).toEqual({ upserted: 1, removed: 1, active: 1 });
    expect(await schedulers()).toEqual([[jobIds.pollScheduler(a.id), 20_000]]);

    await deleteSource(a.id, null);
    await syncPollSchedulers(backend);
    expect(await schedulers()).toEqual([]);
  });
});
