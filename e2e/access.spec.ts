/**
 * The 401/403 matrix over every API route that exists. A route added without an entry here fails
 * the first test, so the matrix cannot fall behind the code.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { ROLES, can, type Permission } from "@/lib/auth/permissions";
import { storageStatePath } from "./fixtures";

interface RouteCase {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  path: string;
  file: string;
  permission: Permission;
  body?: unknown;
}

const ROUTES: RouteCase[] = [
  { method: "GET", path: "/api/v1/me", file: "v1/me", permission: "overview:read" },
  { method: "GET", path: "/api/v1/me/tokens", file: "v1/me/tokens", permission: "overview:read" },
  { method: "POST", path: "/api/v1/me/tokens", file: "v1/me/tokens", permission: "overview:read", body: { name: "" } },
  { method: "DELETE", path: "/api/v1/me/tokens/nonexistent", file: "v1/me/tokens/[id]", permission: "overview:read" },
  { method: "GET", path: "/api/v1/tokens", file: "v1/tokens", permission: "users:manage" },
  { method: "DELETE", path: "/api/v1/tokens/nonexistent", file: "v1/tokens/[id]", permission: "users:manage" },
  { method: "GET", path: "/api/v1/overview", file: "v1/overview", permission: "overview:read" },
  { method: "GET", path: "/api/v1/audit", file: "v1/audit", permission: "audit:read" },
  { method: "GET", path: "/api/v1/api-keys", file: "v1/api-keys", permission: "sources:write" },
  { method: "GET", path: "/api/v1/service-accounts", file: "v1/service-accounts", permission: "users:manage" },
  { method: "POST", path: "/api/v1/service-accounts", file: "v1/service-accounts", permission: "users:manage", body: { handle: "" } },
  { method: "PATCH", path: "/api/v1/service-accounts/nonexistent", file: "v1/service-accounts/[id]", permission: "users:manage", body: { disabled: true } },
  { method: "GET", path: "/api/v1/service-accounts/nonexistent/tokens", file: "v1/service-accounts/[id]/tokens", permission: "users:manage" },
  { method: "POST", path: "/api/v1/service-accounts/nonexistent/tokens", file: "v1/service-accounts/[id]/tokens", permission: "users:manage", body: { name: "" } },
  { method: "GET", path: "/api/v1/users", file: "v1/users", permission: "users:manage" },
  { method: "POST", path: "/api/v1/users", file: "v1/users", permission: "users:manage", body: { email: "x" } },
  { method: "PATCH", path: "/api/v1/users/nonexistent", file: "v1/users/[id]", permission: "users:manage", body: { role: "ADMIN" } },
  { method: "DELETE", path: "/api/v1/users/nonexistent/sessions", file: "v1/users/[id]/sessions", permission: "users:manage" },
  { method: "POST", path: "/api/v1/system/ping", file: "v1/system/ping", permission: "system:ping" },
  { method: "GET", path: "/api/v1/detectors", file: "v1/detectors", permission: "detectors:read" },
  { method: "POST", path: "/api/v1/detectors", file: "v1/detectors", permission: "detectors:write", body: { name: "" } },
  { method: "GET", path: "/api/v1/detectors/algorithms", file: "v1/detectors/algorithms", permission: "detectors:read" },
  { method: "POST", path: "/api/v1/detectors/preview", file: "v1/detectors/preview", permission: "detectors:read", body: { algorithm: "zscore" } },
  { method: "GET", path: "/api/v1/detectors/nonexistent", file: "v1/detectors/[id]", permission: "detectors:read" },
  { method: "PATCH", path: "/api/v1/detectors/nonexistent", file: "v1/detectors/[id]", permission: "detectors:write", body: { enabled: false } },
  { method: "DELETE", path: "/api/v1/detectors/nonexistent", file: "v1/detectors/[id]", permission: "detectors:write" },
  { method: "POST", path: "/api/v1/detectors/nonexistent/backfill", file: "v1/detectors/[id]/backfill", permission: "detectors:write", body: {} },
  { method: "POST", path: "/api/v1/detectors/nonexistent/train", file: "v1/detectors/[id]/train", permission: "detectors:write" },
  { method: "GET", path: "/api/v1/anomalies", file: "v1/anomalies", permission: "anomalies:read" },
  { method: "GET", path: "/api/v1/anomalies/assignees", file: "v1/anomalies/assignees", permission: "anomalies:read" },
  { method: "POST", path: "/api/v1/anomalies/bulk", file: "v1/anomalies/bulk", permission: "anomalies:triage", body: { ids: ["nonexistent"], status: "ACKNOWLEDGED" } },
  { method: "POST", path: "/api/v1/anomalies/bulk", file: "v1/anomalies/bulk", permission: "anomalies:assign", body: { ids: ["nonexistent"], assigneeId: null } },
  { method: "GET", path: "/api/v1/anomalies/nonexistent", file: "v1/anomalies/[id]", permission: "anomalies:read" },
  { method: "PATCH", path: "/api/v1/anomalies/nonexistent", file: "v1/anomalies/[id]", permission: "anomalies:triage", body: { status: "RESOLVED" } },
  { method: "PATCH", path: "/api/v1/anomalies/nonexistent", file: "v1/anomalies/[id]", permission: "anomalies:assign", body: { assigneeId: null } },
  { method: "GET", path: "/api/v1/anomalies/nonexistent/comments", file: "v1/anomalies/[id]/comments", permission: "anomalies:read" },
  { method: "POST", path: "/api/v1/anomalies/nonexistent/comments", file: "v1/anomalies/[id]/comments", permission: "anomalies:comment", body: { body: "x" } },
  { method: "GET", path: "/api/v1/anomalies/nonexistent/activity", file: "v1/anomalies/[id]/activity", permission: "anomalies:read" },
  { method: "GET", path: "/api/v1/anomalies/nonexistent/window", file: "v1/anomalies/[id]/window", permission: "anomalies:read" },
  { method: "GET", path: "/api/v1/anomalies/nonexistent/labels", file: "v1/anomalies/[id]/labels", permission: "anomalies:read" },
  { method: "POST", path: "/api/v1/anomalies/nonexistent/labels", file: "v1/anomalies/[id]/labels", permission: "anomalies:label", body: { value: "UNSURE" } },
  { method: "GET", path: "/api/v1/labels/missed?detectorId=nonexistent", file: "v1/labels/missed", permission: "anomalies:read" },
  { method: "POST", path: "/api/v1/labels/missed", file: "v1/labels/missed", permission: "anomalies:label", body: { detectorId: "nonexistent" } },
  { method: "GET", path: "/api/v1/labels/export", file: "v1/labels/export", permission: "anomalies:read" },
  { method: "POST", path: "/api/v1/labels/import", file: "v1/labels/import", permission: "anomalies:label", body: { rows: [] } },
  { method: "GET", path: "/api/v1/detectors/nonexistent/evaluation", file: "v1/detectors/[id]/evaluation", permission: "detectors:read" },
  { method: "GET", path: "/api/v1/detectors/nonexistent/what-if?threshold=0.5", file: "v1/detectors/[id]/what-if", permission: "detectors:read" },
  { method: "POST", path: "/api/v1/detectors/nonexistent/threshold", file: "v1/detectors/[id]/threshold", permission: "detectors:write", body: { threshold: 0.5 } },
  { method: "POST", path: "/api/v1/labels/bulk", file: "v1/labels/bulk", permission: "anomalies:label", body: { ids: ["nonexistent"], value: "UNSURE" } },
  { method: "GET", path: "/api/v1/detectors/nonexistent/suppression-rules", file: "v1/detectors/[id]/suppression-rules", permission: "detectors:read" },
  { method: "POST", path: "/api/v1/detectors/nonexistent/suppression-rules", file: "v1/detectors/[id]/suppression-rules", permission: "detectors:write", body: { hourFrom: 2, hourTo: 3 } },
  { method: "PATCH", path: "/api/v1/detectors/nonexistent/suppression-rules/nonexistent", file: "v1/detectors/[id]/suppression-rules/[ruleId]", permission: "detectors:write", body: { enabled: false } },
  { method: "DELETE", path: "/api/v1/detectors/nonexistent/suppression-rules/nonexistent", file: "v1/detectors/[id]/suppression-rules/[ruleId]", permission: "detectors:write" },
  { method: "GET", path: "/api/v1/detectors/nonexistent/suppression-rules/suggestions", file: "v1/detectors/[id]/suppression-rules/suggestions", permission: "detectors:read" },
  { method: "GET", path: "/api/v1/detectors/nonexistent/suppression-rules/what-if?hourFrom=2&hourTo=3", file: "v1/detectors/[id]/suppression-rules/what-if", permission: "detectors:read" },
  { method: "GET", path: "/api/v1/detectors/nonexistent/models", file: "v1/detectors/[id]/models", permission: "detectors:read" },
  { method: "GET", path: "/api/v1/detectors/nonexistent/assist", file: "v1/detectors/[id]/assist", permission: "detectors:read" },
  { method: "POST", path: "/api/v1/detectors/nonexistent/assist", file: "v1/detectors/[id]/assist", permission: "detectors:write", body: { enabled: false } },
  { method: "POST", path: "/api/v1/detectors/nonexistent/models/nonexistent/activate", file: "v1/detectors/[id]/models/[modelId]/activate", permission: "detectors:write" },
  { method: "GET", path: "/api/v1/series", file: "v1/series", permission: "sources:read" },
  { method: "GET", path: "/api/v1/series/nonexistent/points", file: "v1/series/[id]/points", permission: "sources:read" },
  { method: "GET", path: "/api/v1/series/nonexistent", file: "v1/series/[id]", permission: "sources:read" },
  { method: "GET", path: "/api/v1/sources", file: "v1/sources", permission: "sources:read" },
  { method: "POST", path: "/api/v1/sources", file: "v1/sources", permission: "sources:write", body: { name: "" } },
  { method: "GET", path: "/api/v1/sources/nonexistent", file: "v1/sources/[id]", permission: "sources:read" },
  { method: "PATCH", path: "/api/v1/sources/nonexistent", file: "v1/sources/[id]", permission: "sources:write", body: { status: "PAUSED" } },
  { method: "DELETE", path: "/api/v1/sources/nonexistent", file: "v1/sources/[id]", permission: "sources:write" },
  { method: "GET", path: "/api/v1/sources/nonexistent/imports", file: "v1/sources/[id]/imports", permission: "sources:read" },
  { method: "POST", path: "/api/v1/sources/nonexistent/imports", file: "v1/sources/[id]/imports", permission: "sources:write", body: { from: "2025-01-01T00:00:00Z", to: "2025-01-02T00:00:00Z" } },
  { method: "GET", path: "/api/v1/sources/nonexistent/keys", file: "v1/sources/[id]/keys", permission: "sources:read" },
  { method: "GET", path: "/api/v1/sources/nonexistent/series", file: "v1/sources/[id]/series", permission: "sources:read" },
  { method: "POST", path: "/api/v1/sources/nonexistent/keys", file: "v1/sources/[id]/keys", permission: "sources:write", body: { name: "k" } },
  { method: "DELETE", path: "/api/v1/sources/nonexistent/keys/nonexistent", file: "v1/sources/[id]/keys/[keyId]", permission: "sources:write" },
  { method: "POST", path: "/api/v1/sources/test", file: "v1/sources/test", permission: "sources:write", body: { kind: "HTTP_PUSH", config: {} } },
  { method: "POST", path: "/api/v1/sources/nonexistent/test", file: "v1/sources/[id]/test", permission: "sources:write" },
  { method: "POST", path: "/api/v1/sources/nonexistent/upload", file: "v1/sources/[id]/upload", permission: "sources:write", body: "timestamp,x\n" },
  { method: "GET", path: "/api/v1/channels", file: "v1/channels", permission: "alerts:read" },
  { method: "POST", path: "/api/v1/channels", file: "v1/channels", permission: "alerts:write", body: { kind: "WEBHOOK", name: "" } },
  { method: "GET", path: "/api/v1/channels/nonexistent", file: "v1/channels/[id]", permission: "alerts:read" },
  { method: "PATCH", path: "/api/v1/channels/nonexistent", file: "v1/channels/[id]", permission: "alerts:write", body: { enabled: false } },
  { method: "DELETE", path: "/api/v1/channels/nonexistent", file: "v1/channels/[id]", permission: "alerts:write" },
  { method: "POST", path: "/api/v1/channels/nonexistent/test", file: "v1/channels/[id]/test", permission: "alerts:write" },
  { method: "POST", path: "/api/v1/channels/nonexistent/rotate-secret", file: "v1/channels/[id]/rotate-secret", permission: "alerts:write" },
  { method: "GET", path: "/api/v1/channels/nonexistent/deliveries", file: "v1/channels/[id]/deliveries", permission: "alerts:read" },
  { method: "GET", path: "/api/v1/alert-rules", file: "v1/alert-rules", permission: "alerts:read" },
  { method: "POST", path: "/api/v1/alert-rules", file: "v1/alert-rules", permission: "alerts:write", body: { name: "" } },
  { method: "GET", path: "/api/v1/alert-rules/nonexistent", file: "v1/alert-rules/[id]", permission: "alerts:read" },
  { method: "PATCH", path: "/api/v1/alert-rules/nonexistent", file: "v1/alert-rules/[id]", permission: "alerts:write", body: { enabled: false } },
  { method: "DELETE", path: "/api/v1/alert-rules/nonexistent", file: "v1/alert-rules/[id]", permission: "alerts:write" },
  { method: "GET", path: "/api/v1/silences", file: "v1/silences", permission: "alerts:read" },
  { method: "POST", path: "/api/v1/silences", file: "v1/silences", permission: "silences:write", body: { matchers: [] } },
  { method: "POST", path: "/api/v1/silences/nonexistent/expire", file: "v1/silences/[id]/expire", permission: "silences:write" },
  { method: "GET", path: "/api/v1/deliveries", file: "v1/deliveries", permission: "alerts:read" },
  { method: "GET", path: "/api/v1/anomalies/nonexistent/deliveries", file: "v1/anomalies/[id]/deliveries", permission: "anomalies:read" },
];
/** Routes authenticated by a source API key (Bearer), not a session: asserted separately below. */
const API_KEY_ROUTES = ["v1/ingest"];
/**
 * Routes that are public by design: next-auth itself, health and readiness for load balancers and
 * probes, first-run setup,
 * metrics for Prometheus (behind a bearer token when VIGIL_METRICS_TOKEN is set), and the OpenAPI
 * document (it describes the API, it grants nothing).
 */
const PUBLIC = ["auth/[...nextauth]", "health", "ready", "metrics", "v1/setup", "v1/openapi.json"];

function routeFiles(dir = "app/api", prefix = ""): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? routeFiles(path.join(dir, e.name), prefix ? `${prefix}/${e.name}` : e.name) : e.name === "route.ts" ? [prefix] : [],
  );
}

function send(request: APIRequestContext, r: RouteCase) {
  return request.fetch(r.path, { method: r.method, data: r.body, failOnStatusCode: false });
}

test("every API route is in the access matrix", () => {
  const covered = new Set([...ROUTES.map((r) => r.file), ...PUBLIC, ...API_KEY_ROUTES]);
  expect(routeFiles().filter((f) => !covered.has(f))).toEqual([]);
});

test.describe("signed out", () => {
  for (const r of ROUTES) {
    test(`${r.method} ${r.path} [${r.permission}] -> 401`, async ({ request }) => {
      const res = await send(request, r);
      expect(res.status()).toBe(401);
      expect((await res.json()).error.code).toBe("unauthorized");
    });
  }

  test("health is public and reports database and queue", async ({ request }) => {
    const res = await request.get("/api/health");
    expect(res.status()).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, database: { ok: true }, queue: { ok: true, backend: "redis" } });
  });

  test("readiness is public and says the migrations are applied", async ({ request }) => {
    const res = await request.get("/api/ready");
    expect(res.status()).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true, database: { ok: true }, queue: { ok: true }, migrations: { ok: true } });
  });

  test("metrics are public without a token and carry Vigil's own series", async ({ request }) => {
    const res = await request.get("/api/metrics");
    expect(res.status()).toBe(200);
    expect(res.headers()["content-type"]).toContain("text/plain");
    const text = await res.text();
    expect(text).toContain('vigil_points_ingested_total{source_kind="HTTP_PUSH"}');
    expect(text).toMatch(/^vigil_jobs\{queue="detect",state="waiting"\} \d+$/m);
  });

  test("the OpenAPI document is public and cacheable; the API reference page asks to sign in", async ({ request }) => {
    const res = await request.get("/api/v1/openapi.json");
    expect(res.status()).toBe(200);
    expect(res.headers()["cache-control"]).toBe("public, max-age=300");
    expect((await res.json()).openapi).toMatch(/^3\.1\./);
    const page = await request.get("/api-docs", { maxRedirects: 0 });
    expect(page.status()).toBe(307);
    expect(page.headers()["location"]).toContain("/signin");
  });

  test("first-run setup is closed once users exist", async ({ request }) => {
    const res = await request.post("/api/v1/setup", { data: { email: "intruder@example.com", password: "a long enough password" } });
    expect(res.status()).toBe(409);
  });

  test("security headers are set", async ({ request }) => {
    const res = await request.get("/signin");
    expect(res.headers()["x-frame-options"]).toBe("DENY");
    expect(res.headers()["x-content-type-options"]).toBe("nosniff");
    expect(res.headers()["content-security-policy"]).toContain("frame-ancestors 'none'");
    expect(res.headers()["content-security-policy"]).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'(;|$)/);
    expect(res.headers()["x-powered-by"]).toBeUndefined();
  });
});

for (const role of ROLES) {
  test.describe(`${role.toLowerCase()}`, () => {
    test.use({ storageState: storageStatePath(role) });
    for (const r of ROUTES) {
      const allowed = can(role, r.permission);
      test(`${r.method} ${r.path} [${r.permission}] -> ${allowed ? "allowed" : "403"}`, async ({ request }) => {
        const res = await send(request, r);
        if (allowed) expect([401, 403]).not.toContain(res.status());
        else {
          expect(res.status()).toBe(403);
          expect((await res.json()).error.code).toBe("forbidden");
        }
      });
    }
  });
}

for (const role of ROLES) {
  test.describe(`${role.toLowerCase()} reads the API reference`, () => {
    test.use({ storageState: storageStatePath(role) });
    test("/api-docs lists the operations", async ({ page }) => {
      expect((await page.goto("/api-docs"))?.status()).toBe(200);
      await expect(page.getByRole("heading", { level: 1, name: "API reference" })).toBeVisible();
      await expect(page.getByRole("heading", { level: 3, name: "GET /api/v1/anomalies", exact: true })).toBeVisible();
    });
  });
}

test.describe("ingest (API key)", () => {
  const points = { series: "e2e.metric", points: [[1_700_000_000, 1]] };

  test("no key -> 401", async ({ request }) => {
    const res = await request.post("/api/v1/ingest", { data: points, failOnStatusCode: false });
    expect(res.status()).toBe(401);
    expect((await res.json()).error.code).toBe("unauthorized");
  });

  test.describe("with a key", () => {
    test.use({ storageState: storageStatePath("ADMIN") });

    test("accepted while valid, 401 once revoked", async ({ request }) => {
      const created = await request.post("/api/v1/sources", { data: { name: `e2e-push-${Date.now()}`, kind: "HTTP_PUSH" } });
      expect(created.status()).toBe(201);
      const sourceId = (await created.json()).id;
      const keyRes = await request.post(`/api/v1/sources/${sourceId}/keys`, { data: { name: "e2e" } });
      const key = await keyRes.json();
      // Bearer auth only: the session cookie sent alongside must not count.
      const ingest = () => request.post("/api/v1/ingest", { data: points, headers: { authorization: `Bearer ${key.key}` }, failOnStatusCode: false });
      expect((await ingest()).status()).toBe(200);
      expect((await request.delete(`/api/v1/sources/${sourceId}/keys/${key.id}`)).status()).toBe(200);
      const res = await ingest();
      expect(res.status()).toBe(401);
      expect((await res.json()).error.code).toBe("unauthorized");
      await request.delete(`/api/v1/sources/${sourceId}`);
    });
  });
});
