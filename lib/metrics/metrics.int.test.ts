/**
 * Points pushed through the ingest route, scored by a real BullMQ worker on Redis, read back from
 * GET /api/metrics and from the worker's own metrics endpoint, both behind the bearer token.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NextRequest } from "next/server";
import pino from "pino";
import type { Worker } from "bullmq";
import { withTestDatabase } from "@/test/test-database";
import { withRouteQueues } from "@/test/route-requests";
import { REDIS_URL } from "@/test/databases";
import { waitFor } from "@/test/wait-for";
import { getPrisma } from "@/lib/server/db";
import { writeBatch } from "@/lib/ingest/write";
import { createSource } from "@/lib/server/queries/sources";
import { createSourceKey } from "@/lib/server/queries/api-keys";
import { createQueueBackend, type QueueBackend } from "@/lib/queue/connection";
import { registerWorker } from "@/worker/register-worker";
import { forgetDetectionLag, installProcessCollectors } from "@/lib/metrics/collectors";
import { startMetricsServer, type MetricsServer } from "@/lib/metrics/server";
import { hasSample, sumOf } from "@/lib/metrics/testing/exposition";
import { sineWithSpikes } from "@/lib/pipeline/testing/fixtures";
import { POST as ingestRoute } from "@/app/api/v1/ingest/route";
import { GET as metricsRoute } from "@/app/api/metrics/route";

const TOKEN = "metrics-token-for-the-test";
process.env.VIGIL_METRICS_TOKEN = TOKEN;
const db = withTestDatabase();
withRouteQueues(["detect", "system"]);

let backend: QueueBackend;
let worker: Worker;
let server: MetricsServer;
let key = "";
const T0 = Date.UTC(2026, 0, 1);

async function webMetrics(auth = `Bearer ${TOKEN}`): Promise<{ status: number; text: string }> {
  const res = await metricsRoute(new NextRequest("http://localhost/api/metrics", { headers: { authorization: auth } }));
  return { status: res.status, text: await res.text() };
}

async function workerMetrics(auth = `Bearer ${TOKEN}`): Promise<{ status: number; text: string }> {
  const res = await fetch(`http://127.0.0.1:${server.port}/metrics`, { headers: { authorization: auth } });
  return { status: res.status, text: await res.text() };
}

function push(body: unknown) {
  return ingestRoute(
    new NextRequest("http://localhost/api/v1/ingest", { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${key}` }, body: JSON.stringify(body) }),
  );
}

beforeAll(async () => {
  backend = createQueueBackend({ redisUrl: REDIS_URL, databaseUrl: db.url(), prefix: process.env.VIGIL_QUEUE_PREFIX! }, () => undefined);
  worker = registerWorker(backend, "detect", pino({ level: "silent" }));
  await worker.waitUntilReady();
  installProcessCollectors();
  server = await startMetricsServer({ port: 0, host: "127.0.0.1", token: TOKEN });
  const source = await createSource({ name: "metrics-push", kind: "HTTP_PUSH", config: {} }, null);
  key = (await createSourceKey(source.id, "k", null)).key;
});
afterAll(async () => {
  await server?.close();
  await worker?.close();
  await backend?.close();
});

describe("metrics endpoints", () => {
  it("refuse a scrape without the token, on the web and on the worker", async () => {
    expect((await webMetrics("")).status).toBe(401);
    expect((await webMetrics("Bearer wrong-token-of-some-length")).status).toBe(401);
    expect((await workerMetrics("")).status).toBe(401);
    expect((await fetch(`http://127.0.0.1:${server.port}/other`)).status).toBe(404);
  });

  it("count pushed points, requests by status, scored points, jobs and anomalies", async () => {
    const before = (await webMetrics()).text;
    const values = sineWithSpikes(200, [150]);
    const first = await push({ series: "cpu", points: values.slice(0, 60).map((v, i) => [new Date(T0 + i * 60_000).toISOString(), v]) });
    expect(first.status).toBe(200);
    const series = await getPrisma().series.findFirstOrThrow({ where: { metric: "cpu" } });
    await getPrisma().detector.create({
      data: { name: "cpu-z", algorithm: "zscore", params: { window: 100, minPoints: 20, calibration: { enabled: false } }, threshold: 0.5, series: { create: { seriesId: series.id } } },
    });
    const second = await push({ series: "cpu", points: values.slice(60).map((v, i) => [new Date(T0 + (60 + i) * 60_000).toISOString(), v]) });
    expect(second.status).toBe(200);
    expect((await push({ series: "cpu", points: [["not a time", 1]] })).status).toBe(422);

    // The worker scores all 200 points (the doorbell rang after the second push).
    const scored = await waitFor("200 points scored", async () => {
      const w = await workerMetrics();
      return sumOf(w.text, "vigil_points_scored_total", { algorithm: "zscore" }) - sumOf(before, "vigil_points_scored_total", { algorithm: "zscore" }) >= 200 && w.text;
    }, 30_000);
    expect(sumOf(scored, "vigil_anomalies_created_total") - sumOf(before, "vigil_anomalies_created_total")).toBeGreaterThanOrEqual(1);
    expect(sumOf(scored, "vigil_job_duration_seconds_count", { queue: "detect", job: "detect.run", outcome: "completed" })).toBeGreaterThanOrEqual(1);
    expect(hasSample(scored, "vigil_job_wait_seconds_count", { queue: "detect" })).toBe(true);
    expect(hasSample(scored, "vigil_db_pool_connections", { pool: "queries", state: "idle" })).toBe(true);
    expect(hasSample(scored, "vigil_db_pool_max_connections", { pool: "bulk" })).toBe(true);

    forgetDetectionLag();
    const after = (await webMetrics()).text;
    const delta = (name: string, where: Record<string, string> = {}) => sumOf(after, name, where) - sumOf(before, name, where);
    expect(delta("vigil_points_ingested_total", { source_kind: "HTTP_PUSH" })).toBe(200);
    expect(delta("vigil_ingest_requests_total", { status: "200" })).toBe(2);
    expect(delta("vigil_ingest_requests_total", { status: "422" })).toBe(1);
    expect(delta("vigil_ingest_request_duration_seconds_count")).toBe(3);
    // Installation-wide gauges come from the web process: the detect queue's finished jobs, the lag.
    expect(sumOf(after, "vigil_jobs", { queue: "detect", state: "completed" })).toBeGreaterThanOrEqual(1);
    expect(hasSample(after, "vigil_jobs", { queue: "notify", state: "waiting" })).toBe(true);
    expect(hasSample(after, "vigil_detection_lag_seconds", { detector: "cpu-z" })).toBe(true);
    expect(sumOf(after, "vigil_detection_lag_seconds", { detector: "cpu-z" })).toBe(0);
  }, 60_000);

  it("report a detector's lag as the age of its oldest unscored point", async () => {
    const source = await getPrisma().dataSource.create({ data: { name: "quiet", kind: "HTTP_PUSH" } });
    const series = await getPrisma().series.create({ data: { sourceId: source.id, metric: "idle" } });
    // Stored without ringing the doorbell, and no reconciler runs here: nothing scores it.
    await writeBatch(source.id, null, [{ metric: "idle", labels: {}, labelsKey: "", ms: [T0, T0 + 60_000], values: [1, 2] }]);
    await getPrisma().detector.create({ data: { name: "idle-z", algorithm: "zscore", series: { create: { seriesId: series.id } } } });
    forgetDetectionLag(); // scrapes share one reading for 30 s
    const lag = sumOf((await webMetrics()).text, "vigil_detection_lag_seconds", { detector: "idle-z" });
    expect(lag).toBeGreaterThanOrEqual((Date.now() - T0) / 1000 - 5);
    expect(lag).toBeLessThanOrEqual((Date.now() - T0) / 1000 + 5);
  });
});
