/**
 * Documented answers match real ones, for sources, their push keys, series, points, push ingest,
 * CSV upload and the overview. Real handlers, a real database and Redis; each answer validated
 * against the served document (test/documented-responses.ts).
 */
import { describe, expect, it, vi } from "vitest";
import { NextRequest } from "next/server";
import { withTestDatabase } from "@/test/test-database";
import { routeContext, withRouteQueues } from "@/test/route-requests";
import { documentedSchema, expectDocumented, provenOperations } from "@/test/documented-responses";
import { OPERATIONS } from "@/lib/openapi/operations";
import { getPrisma } from "@/lib/server/db";
import * as sources from "@/app/api/v1/sources/route";
import * as source from "@/app/api/v1/sources/[id]/route";
import * as keys from "@/app/api/v1/sources/[id]/keys/route";
import * as key from "@/app/api/v1/sources/[id]/keys/[keyId]/route";
import * as sourceSeries from "@/app/api/v1/sources/[id]/series/route";
import * as upload from "@/app/api/v1/sources/[id]/upload/route";
import * as series from "@/app/api/v1/series/route";
import * as oneSeries from "@/app/api/v1/series/[id]/route";
import * as points from "@/app/api/v1/series/[id]/points/route";
import * as ingest from "@/app/api/v1/ingest/route";
import * as overview from "@/app/api/v1/overview/route";
import * as testUnsaved from "@/app/api/v1/sources/test/route";
import * as testSaved from "@/app/api/v1/sources/[id]/test/route";
import * as imports from "@/app/api/v1/sources/[id]/imports/route";
import { startTestServer } from "@/lib/connectors/test-server";

withTestDatabase();
vi.mock("server-only", () => ({}));
vi.mock("next-auth", () => ({ getServerSession: async () => ({ user: { id: "admin", sid: "s-admin" } }) }));
withRouteQueues(["poll", "detect"]);

const BASE = "http://vigil.test:3000/api/v1";
const V1 = "/api/v1";
const req = (method: string, path: string, body?: unknown) =>
  new NextRequest(`${BASE}${path}`, {
    method,
    headers: { cookie: "next-auth.session-token=x", ...(body ? { "content-type": "application/json" } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
const keyCtx = (id: string, keyId: string) => ({ params: Promise.resolve({ id, keyId }) });

describe("source and series answers match their documented schemas", () => {
  it("sources, their keys, push ingest and the series it creates", async () => {
    const created = await expectDocumented("POST", `${V1}/sources`, await sources.POST(req("POST", "/sources", { name: "push", kind: "HTTP_PUSH", config: {} }), routeContext()), 201);
    const id = created.id;
    await expectDocumented("PATCH", `${V1}/sources/{id}`, await source.PATCH(req("PATCH", `/sources/${id}`, { name: "pushed" }), routeContext(id)));
    const made = await expectDocumented("POST", `${V1}/sources/{id}/keys`, await keys.POST(req("POST", `/sources/${id}/keys`, { name: "agent" }), routeContext(id)), 201);

    const push = new NextRequest(`${BASE}/ingest`, {
      method: "POST",
      headers: { authorization: `Bearer ${made.key}`, "content-type": "application/json" },
      body: JSON.stringify({ series: "cpu", labels: { host: "a" }, points: [["2026-03-01T00:00:00Z", 1], ["2026-03-01T00:01:00Z", 5]] }),
    });
    const pushed = await expectDocumented("POST", `${V1}/ingest`, await ingest.POST(push));
    expect(pushed).toEqual({ accepted: 2, series: 1 });

    await expectDocumented("GET", `${V1}/sources`, await sources.GET(req("GET", "/sources"), routeContext()));
    const one = await expectDocumented("GET", `${V1}/sources/{id}`, await source.GET(req("GET", `/sources/${id}`), routeContext(id)));
    expect(one._count.series).toBe(1);
    await expectDocumented("GET", `${V1}/sources/{id}/keys`, await keys.GET(req("GET", `/sources/${id}/keys`), routeContext(id)));
    await expectDocumented("DELETE", `${V1}/sources/{id}/keys/{keyId}`, await key.DELETE(req("DELETE", `/sources/${id}/keys/${made.id}`), keyCtx(id, made.id)));

    const page = await expectDocumented("GET", `${V1}/sources/{id}/series`, await sourceSeries.GET(req("GET", `/sources/${id}/series?limit=5&count=true`), routeContext(id)));
    expect(page).toMatchObject({ items: [{ metric: "cpu", labels: { host: "a" }, lastValue: 5 }], total: 1, nextCursor: null });
    const uncounted = await expectDocumented("GET", `${V1}/sources/{id}/series`, await sourceSeries.GET(req("GET", `/sources/${id}/series`), routeContext(id)));
    expect(uncounted.total).toBeUndefined();
    const seriesId = page.items[0].id;
    const listed = await expectDocumented("GET", `${V1}/series`, await series.GET(req("GET", `/series?sourceId=${id}&count=true`), routeContext()));
    expect(listed).toMatchObject({ total: 1, nextCursor: null });
    const other = (await (await sources.POST(req("POST", "/sources", { name: "other", kind: "HTTP_PUSH", config: {} }), routeContext())).json());
    await getPrisma().series.create({ data: { sourceId: other.id, metric: "mem", labels: {}, labelsKey: "{}" } });
    const both = await expectDocumented("GET", `${V1}/series`, await series.GET(req("GET", `/series?sourceId=${id}&sourceId=${other.id}`), routeContext()));
    expect(both.items.map((r: { metric: string }) => r.metric)).toEqual(["cpu", "mem"]);
    expect(both.total).toBeUndefined();
    expect((await (await series.GET(req("GET", `/series?sourceId=${other.id}&count=true`), routeContext())).json()).total).toBe(1);
    const twice = await series.GET(req("GET", "/series?limit=1&limit=2"), routeContext());
    expect({ status: twice.status, path: (await twice.json()).error.issues[0].path }).toEqual({ status: 422, path: "limit" });
    const forged = await series.GET(req("GET", "/series?cursor=bm9wZQ"), routeContext());
    expect({ status: forged.status, path: (await forged.json()).error.issues[0].path }).toEqual({ status: 422, path: "cursor" });
    const detail = await expectDocumented("GET", `${V1}/series/{id}`, await oneSeries.GET(req("GET", `/series/${seriesId}`), routeContext(seriesId)));
    expect(detail).toMatchObject({ id: seriesId, metric: "cpu", first: "2026-03-01T00:00:00.000Z" });
    const buckets = await expectDocumented("GET", `${V1}/series/{id}/points`, await points.GET(req("GET", `/series/${seriesId}/points`), routeContext(seriesId)));
    expect(buckets.buckets.length).toBe(2);
  });

  it("CSV upload and the overview", async () => {
    const csv = (await (await sources.POST(req("POST", "/sources", { name: "csv", kind: "CSV_UPLOAD", config: {} }), routeContext())).json());
    const body = new Response("timestamp,series,value\n2026-03-01T00:00:00Z,mem,1\n").body!;
    const uploaded = await upload.POST(
      new NextRequest(`${BASE}/sources/${csv.id}/upload`, { method: "POST", headers: { cookie: "next-auth.session-token=x", "content-type": "text/csv" }, body, duplex: "half" } as ConstructorParameters<typeof NextRequest>[1]),
      routeContext(csv.id),
    );
    expect(await expectDocumented("POST", `${V1}/sources/{id}/upload`, uploaded)).toEqual({ accepted: 1, series: 1 });
    const over = await expectDocumented("GET", `${V1}/overview`, await overview.GET(req("GET", "/overview?hours=2"), routeContext()));
    expect(over.counts.sources).toBe(3);
  });

  it("source tests (a sample, nothing to fetch, a failure) and Prometheus history imports", async () => {
    const peer = await startTestServer(() => ({ body: JSON.stringify([{ t: 1772323200, v: 3, host: "a" }]) }));
    try {
      const poll = { kind: "HTTP_POLL", config: { url: peer.url, format: "json", mapping: { timestamp: "t", value: "v", metric: "hits", labels: { host: "host" } }, interval: 60 } };
      const sampled = await expectDocumented("POST", `${V1}/sources/test`, await testUnsaved.POST(req("POST", "/sources/test", poll), routeContext()));
      expect(sampled).toEqual({ ok: true, sample: { series: [{ metric: "hits", labels: { host: "a" }, points: [["2026-03-01T00:00:00.000Z", 3]] }], totalPoints: 1 } });
    } finally {
      await peer.close();
    }
    const nothing = await expectDocumented("POST", `${V1}/sources/test`, await testUnsaved.POST(req("POST", "/sources/test", { kind: "HTTP_PUSH", config: {} }), routeContext()));
    expect(nothing).toMatchObject({ ok: true, sample: null });
    const prom = (await (await sources.POST(req("POST", "/sources", { name: "prom", kind: "PROMETHEUS", config: { baseUrl: "http://127.0.0.1:9", query: "up", step: 60, interval: 60 } }), routeContext())).json());
    const failed = await expectDocumented("POST", `${V1}/sources/{id}/test`, await testSaved.POST(req("POST", `/sources/${prom.id}/test`), routeContext(prom.id)));
    expect(failed).toMatchObject({ ok: false, error: expect.any(String) });
    const started = await expectDocumented(
      "POST",
      `${V1}/sources/{id}/imports`,
      await imports.POST(req("POST", `/sources/${prom.id}/imports`, { from: "2026-02-01T00:00:00Z", to: "2026-02-02T00:00:00Z" }), routeContext(prom.id)),
      202,
    );
    expect(started).toMatchObject({ status: "RUNNING", points: 0, cursorTs: "2026-02-01T00:00:00.000Z" });
    const listed = await expectDocumented("GET", `${V1}/sources/{id}/imports`, await imports.GET(req("GET", `/sources/${prom.id}/imports`), routeContext(prom.id)));
    expect(listed.items.map((i: { id: string }) => i.id)).toEqual([started.id]);
    expect(listed.nextCursor).toBeNull();
  });

  it("a missing or renamed field fails the documented schema", async () => {
    const body = await (await sources.GET(req("GET", "/sources"), routeContext())).json();
    const validate = await documentedSchema("GET", `${V1}/sources`, 200);
    expect(validate(body)).toBe(true);
    const { lastError, ...rest } = body.items[0];
    expect(validate({ ...body, items: [rest] })).toBe(false);
    expect(validate({ ...body, items: [{ ...rest, error: lastError }] })).toBe(false);
    expect(validate({ sources: body.items })).toBe(false);
  });

  it("covered every operation of these areas that declares a response", () => {
    const area = /^\/api\/v1\/(sources|series|ingest|overview)(\/|$)/;
    const declared = OPERATIONS.filter((o) => o.response && area.test(o.path)).map((o) => `${o.method} ${o.path}`);
    expect(declared.filter((o) => !provenOperations().has(o))).toEqual([]);
  });
});
