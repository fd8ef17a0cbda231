/**
 * Against the built app (next start): a push through one route module shows in /api/metrics,
 * another route module, so the registry is one per process and not one per route bundle.
 */
import { expect, test, type APIRequestContext } from "@playwright/test";
import { storageStatePath } from "./fixtures";
import { sumOf } from "@/lib/metrics/testing/exposition";

test.use({ storageState: storageStatePath("ADMIN") });

const scrape = async (request: APIRequestContext) => {
  const res = await request.get("/api/metrics");
  expect(res.status()).toBe(200);
  return res.text();
};

test("a push and a signed-in request are counted in /api/metrics", async ({ request }) => {
  const before = await scrape(request);
  const created = await request.post("/api/v1/sources", { data: { name: `e2e-metrics-${Date.now()}`, kind: "HTTP_PUSH" } });
  expect(created.status()).toBe(201);
  const sourceId = (await created.json()).id;
  const key = await (await request.post(`/api/v1/sources/${sourceId}/keys`, { data: { name: "metrics" } })).json();
  const push = (data: unknown) => request.post("/api/v1/ingest", { data, headers: { authorization: `Bearer ${key.key}` }, failOnStatusCode: false });
  expect((await push({ series: "e2e.metrics", points: [[1_700_000_000, 1], [1_700_000_060, 2], [1_700_000_120, 3]] })).status()).toBe(200);
  expect((await push({ series: "e2e.metrics", points: [["not a time", 1]] })).status()).toBe(422);

  const after = await scrape(request);
  const delta = (name: string, where: Record<string, string>) => sumOf(after, name, where) - sumOf(before, name, where);
  expect(delta("vigil_points_ingested_total", { source_kind: "HTTP_PUSH" })).toBe(3);
  expect(delta("vigil_ingest_requests_total", { status: "200" })).toBe(1);
  expect(delta("vigil_ingest_requests_total", { status: "422" })).toBe(1);
  expect(delta("vigil_api_requests_total", { permission: "sources:write", method: "POST", status: "201" })).toBe(2);
  expect(sumOf(after, "vigil_db_pool_connections", { pool: "queries" })).toBeGreaterThan(0);
  await request.delete(`/api/v1/sources/${sourceId}`);
});
