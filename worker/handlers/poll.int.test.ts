/** The whole loop: source -> job scheduler -> BullMQ worker -> poll.source handler -> points. */
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { randomBytes } from "node:crypto";
import pino from "pino";
import type { Worker } from "bullmq";
import { withTestDatabase } from "@/test/test-database";
import { REDIS_URL } from "@/test/databases";
import { getPrisma } from "@/lib/server/db";
import { createSource } from "@/lib/server/queries/sources";
import { createQueueBackend, type QueueBackend } from "@/lib/queue/connection";
import { syncPollSchedulers } from "@/lib/connectors/poll-schedule";
import { startTestServer } from "@/lib/connectors/test-server";
import { registerWorker } from "@/worker/register-worker";

const db = withTestDatabase();
vi.mock("@/lib/pipeline/schedule", () => ({ scheduleDetection: async () => undefined }));

let backend: QueueBackend;
let worker: Worker;
let peer: Awaited<ReturnType<typeof startTestServer>>;
let hits = 0;

beforeAll(async () => {
  peer = await startTestServer(() => {
    hits++;
    return { body: JSON.stringify([{ t: Math.floor(Date.now() / 1000), v: hits }]) };
  });
  backend = createQueueBackend({ redisUrl: REDIS_URL, databaseUrl: db.url(), prefix: `t${randomBytes(4).toString("hex")}` }, () => undefined);
  worker = registerWorker(backend, "poll", pino({ level: "silent" }));
  await worker.waitUntilReady();
});
afterAll(async () => {
  await worker.close();
  await backend.close();
  await peer.close();
});

it("a scheduled HTTP poll source is polled by the worker every interval", async () => {
  const s = await createSource({ name: "loop", kind: "HTTP_POLL", config: { url: peer.url, format: "json", mapping: { timestamp: "t", value: "v", metric: "hits" }, interval: 5 } }, null);
  await syncPollSchedulers(backend);
  const deadline = Date.now() + 20_000;
  let n = 0;
  while ((n = await getPrisma().dataPoint.count({ where: { series: { sourceId: s.id } } })) < 2 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
  }
  expect(n).toBeGreaterThanOrEqual(2);
  expect(await getPrisma().dataSource.findUniqueOrThrow({ where: { id: s.id } })).toMatchObject({ status: "ACTIVE", lastError: null });
}, 30_000);
