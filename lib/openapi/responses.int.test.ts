/**
 * Documented answers match real ones: the route handlers run against a real database and each
 * JSON answer is validated (JSON Schema 2020-12, ajv) against the response schema the served
 * OpenAPI document gives for that operation and status. Also: the document itself is public and
 * cacheable.
 */
import { beforeAll, describe, expect, it, vi } from "vitest";
import { NextRequest } from "next/server";
import { withTestDatabase } from "@/test/test-database";
import { jsonRequest, routeContext, withSignedInUser } from "@/test/route-requests";
import { getPrisma } from "@/lib/server/db";
import { documentedSchema, expectDocumented, provenOperations } from "@/test/documented-responses";
import { OPERATIONS } from "@/lib/openapi/operations";
import { GET as openapi } from "@/app/api/v1/openapi.json/route";
import { GET as list } from "@/app/api/v1/anomalies/route";
import { POST as bulk } from "@/app/api/v1/anomalies/bulk/route";
import { GET as assignees } from "@/app/api/v1/anomalies/assignees/route";
import { GET as getOne, PATCH as patchOne } from "@/app/api/v1/anomalies/[id]/route";
import { GET as listComments, POST as postComment } from "@/app/api/v1/anomalies/[id]/comments/route";
import { GET as activity } from "@/app/api/v1/anomalies/[id]/activity/route";
import { GET as windowOf } from "@/app/api/v1/anomalies/[id]/window/route";
import { GET as labels, POST as addLabel } from "@/app/api/v1/anomalies/[id]/labels/route";

withTestDatabase();
withSignedInUser("admin", "ADMIN");
vi.mock("server-only", () => ({}));
vi.mock("next-auth", () => ({ getServerSession: async () => ({ user: { id: "admin", sid: "s-admin" } }) }));

const T0 = Date.parse("2026-03-01T00:00:00Z");

beforeAll(async () => {
  const prisma = getPrisma();
  const t0 = new Date(T0);
  await prisma.dataSource.create({ data: { id: "src", name: "src", kind: "HTTP_PUSH" } });
  await prisma.series.create({ data: { id: "s1", sourceId: "src", metric: "cpu", labels: { host: "a" }, labelsKey: '{"host":"a"}' } });
  await prisma.detector.create({ data: { id: "det", name: "det", algorithm: "zscore", threshold: 0.6 } });
  await prisma.$executeRaw`
    INSERT INTO "Anomaly" (id, "detectorId", "seriesId", "startTs", "endTs", "peakTs", "peakScore", severity, status, detection, "updatedAt")
    SELECT 'a' || g, 'det', 's1', ${t0}::timestamptz + g * interval '10 minute', ${t0}::timestamptz + (g * 10 + 2) * interval '1 minute',
      ${t0}::timestamptz + g * interval '10 minute', 0.9, (ARRAY['LOW','MEDIUM','HIGH','CRITICAL'])[1 + g % 4]::"Severity", 'OPEN', 'ACTIVE', now()
    FROM generate_series(1, 5) g`;
  await prisma.$executeRaw`
    INSERT INTO "DataPoint" ("seriesKey", ts, value)
    SELECT (SELECT key FROM "Series" WHERE id = 's1'), ${t0}::timestamptz + (k - 300) * interval '1 minute', CASE WHEN k BETWEEN 310 AND 312 THEN 100 ELSE 10 + (k % 7) END
    FROM generate_series(0, 400) k`;
});

const url = (path: string) => `http://localhost/api/v1${path}`;
const get = (path: string) => new NextRequest(url(path));

describe("the served document", () => {
  it("is public and cacheable", async () => {
    const res = await openapi();
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("public, max-age=300");
    expect((await res.json()).openapi).toMatch(/^3\.1/);
  });
});

describe("answers match their documented schemas", () => {
  it("GET /anomalies (a page, filtered with repeated keys) and GET /anomalies/assignees", async () => {
    const page = await expectDocumented("GET", "/api/v1/anomalies", await list(get("/anomalies?limit=2&severity=LOW&severity=MEDIUM&severity=HIGH"), routeContext()));
    expect(page.items.length).toBe(2);
    expect(page.nextCursor).toEqual(expect.any(String));
    // The schema has teeth: a row missing a field, or carrying one not documented, is refused.
    const validate = await documentedSchema("GET", "/api/v1/anomalies", 200);
    const { id: _id, ...missing } = page.items[0];
    expect(validate({ ...page, items: [missing] })).toBe(false);
    expect(validate({ ...page, items: [{ ...page.items[0], extra: 1 }] })).toBe(false);
    await expectDocumented("GET", "/api/v1/anomalies/assignees", await assignees(get("/anomalies/assignees"), routeContext()));
  });

  it("GET and PATCH /anomalies/{id}, POST /anomalies/bulk", async () => {
    await expectDocumented("GET", "/api/v1/anomalies/{id}", await getOne(get("/anomalies/a1"), routeContext("a1")));
    const patched = await expectDocumented(
      "PATCH",
      "/api/v1/anomalies/{id}",
      await patchOne(jsonRequest("PATCH", url("/anomalies/a1"), { status: "ACKNOWLEDGED", assigneeId: "admin" }), routeContext("a1")),
    );
    expect(patched.assignee.id).toBe("admin");
    const result = await expectDocumented("POST", "/api/v1/anomalies/bulk", await bulk(jsonRequest("POST", url("/anomalies/bulk"), { ids: ["a2", "a3"], status: "RESOLVED" }), routeContext()));
    expect(result.updated).toBe(2);
  });

  it("comments, activity, labels and the window of one anomaly", async () => {
    await expectDocumented("POST", "/api/v1/anomalies/{id}/comments", await postComment(jsonRequest("POST", url("/anomalies/a1/comments"), { body: "looking" }), routeContext("a1")), 201);
    const comments = await expectDocumented("GET", "/api/v1/anomalies/{id}/comments", await listComments(get("/anomalies/a1/comments"), routeContext("a1")));
    expect(comments.items.length).toBe(1);
    const history = await expectDocumented("GET", "/api/v1/anomalies/{id}/activity", await activity(get("/anomalies/a1/activity"), routeContext("a1")));
    expect(history.items.length).toBeGreaterThan(0);
    await expectDocumented("POST", "/api/v1/anomalies/{id}/labels", await addLabel(jsonRequest("POST", url("/anomalies/a1/labels"), { value: "TRUE_POSITIVE" }), routeContext("a1")), 201);
    const labelled = await expectDocumented("GET", "/api/v1/anomalies/{id}/labels", await labels(get("/anomalies/a1/labels"), routeContext("a1")));
    expect(labelled.current.value).toBe("TRUE_POSITIVE");
    const window = await expectDocumented("GET", "/api/v1/anomalies/{id}/window", await windowOf(get("/anomalies/a1/window"), routeContext("a1")));
    expect(window.points.length).toBeGreaterThan(0);
  });

  it("covered every anomaly operation that declares a response (an anomaly's deliveries: responses-alerting)", () => {
    const declared = OPERATIONS.filter((o) => o.response && o.path.startsWith("/api/v1/anomalies") && !o.path.endsWith("/deliveries")).map((o) => `${o.method} ${o.path}`);
    expect(declared.length).toBe(11);
    expect(declared.filter((o) => !provenOperations().has(o))).toEqual([]);
  });
});
