/**
 * Documented answers match real ones, for the detector routes: list, one, create, update,
 * algorithms, preview, backfill and training requests (the feedback ones are in
 * responses-feedback.int.test.ts). Real handlers, a real database and Redis; each answer validated
 * against the served document (test/documented-responses.ts).
 */
import { describe, expect, it, vi } from "vitest";
import { NextRequest } from "next/server";
import { withTestDatabase } from "@/test/test-database";
import { routeContext, withRouteQueues } from "@/test/route-requests";
import { FEEDBACK_PATHS, documentedSchema, expectDocumented, provenOperations } from "@/test/documented-responses";
import { OPERATIONS } from "@/lib/openapi/operations";
import { getPrisma } from "@/lib/server/db";
import * as detectors from "@/app/api/v1/detectors/route";
import * as detector from "@/app/api/v1/detectors/[id]/route";
import * as algorithms from "@/app/api/v1/detectors/algorithms/route";
import * as backfill from "@/app/api/v1/detectors/[id]/backfill/route";
import * as train from "@/app/api/v1/detectors/[id]/train/route";
import * as previewRoute from "@/app/api/v1/detectors/preview/route";
import * as assist from "@/app/api/v1/detectors/[id]/assist/route";

withTestDatabase();
vi.mock("server-only", () => ({}));
vi.mock("next-auth", () => ({ getServerSession: async () => ({ user: { id: "admin", sid: "s-admin" } }) }));
withRouteQueues(["detect", "train"]);

const BASE = "http://vigil.test:3000/api/v1";
const V1 = "/api/v1";
const req = (method: string, path: string, body?: unknown) =>
  new NextRequest(`${BASE}${path}`, {
    method,
    headers: { cookie: "next-auth.session-token=x", ...(body ? { "content-type": "application/json" } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });

describe("detector answers match their documented schemas", () => {
  it("algorithms, create, one, update, list, backfill and training", async () => {
    await getPrisma().dataSource.create({ data: { id: "src", name: "src", kind: "HTTP_PUSH" } });
    await getPrisma().series.create({ data: { id: "s1", sourceId: "src", metric: "cpu", labels: { host: "a" }, labelsKey: '{"host":"a"}' } });
    const algos = await expectDocumented("GET", `${V1}/detectors/algorithms`, await algorithms.GET(req("GET", "/detectors/algorithms"), routeContext()));
    const trained = algos.items.find((a: { needsTraining: boolean }) => a.needsTraining);
    expect(trained).toBeDefined();

    const created = await expectDocumented("POST", `${V1}/detectors`, await detectors.POST(req("POST", "/detectors", { name: "d", algorithm: trained.kind, seriesIds: ["s1"] }), routeContext()), 201);
    const id = created.id;
    expect(created.series).toEqual([{ series: { id: "s1", metric: "cpu", labels: { host: "a" }, source: { id: "src", name: "src" } } }]);
    await expectDocumented("GET", `${V1}/detectors/{id}`, await detector.GET(req("GET", `/detectors/${id}`), routeContext(id)));
    const updated = await expectDocumented("PATCH", `${V1}/detectors/{id}`, await detector.PATCH(req("PATCH", `/detectors/${id}`, { threshold: 0.9 }), routeContext(id)));
    expect(updated.effect).toBe("redetect");
    expect(updated).toMatchObject({ id, threshold: 0.9, restartsCheckpoint: false });
    await detectors.POST(req("POST", "/detectors", { name: "e", algorithm: "zscore" }), routeContext());
    const first = await expectDocumented("GET", `${V1}/detectors`, await detectors.GET(req("GET", "/detectors?limit=1&count=true"), routeContext()));
    expect(first).toMatchObject({ items: [{ id, name: "d" }], total: 2 });
    const rest = await expectDocumented("GET", `${V1}/detectors`, await detectors.GET(req("GET", `/detectors?limit=1&cursor=${first.nextCursor}`), routeContext()));
    expect(rest).toEqual({ items: [expect.objectContaining({ name: "e" })], nextCursor: null });
    const queued = await expectDocumented(
      "POST",
      `${V1}/detectors/{id}/backfill`,
      await backfill.POST(req("POST", `/detectors/${id}/backfill`, { from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z" }), routeContext(id)),
      202,
    );
    expect(queued.seriesIds).toEqual(["s1"]);
    await expectDocumented("POST", `${V1}/detectors/{id}/train`, await train.POST(req("POST", `/detectors/${id}/train`), routeContext(id)), 202);
  });

  it("a preview: scores, the expected band and the events over stored points", async () => {
    await getPrisma().$executeRaw`
      INSERT INTO "DataPoint" ("seriesKey", ts, value)
      SELECT (SELECT key FROM "Series" WHERE id = 's1'), '2026-03-01T00:00:00Z'::timestamptz + k * interval '1 minute', CASE WHEN k = 150 THEN 100 ELSE 10 + (k % 7) END
      FROM generate_series(0, 199) k`;
    const body = { algorithm: "zscore", params: { window: 50, minPoints: 20, calibration: { enabled: false } }, threshold: 0.6, seriesId: "s1", from: "2026-03-01T00:00:00Z", to: "2026-03-01T04:00:00Z" };
    const preview = await expectDocumented("POST", `${V1}/detectors/preview`, await previewRoute.POST(req("POST", "/detectors/preview", body), routeContext()));
    expect(preview.points.length).toBe(200);
    expect(preview.events.map((e: { peakT: number }) => new Date(e.peakT).toISOString())).toContain("2026-03-01T02:30:00.000Z");
  });

  it("supervised assist: read, on, off", async () => {
    const prisma = getPrisma();
    const src = await prisma.dataSource.create({ data: { name: "as", kind: "HTTP_PUSH" } });
    const s = await prisma.series.create({ data: { sourceId: src.id, metric: "as" } });
    const d = await prisma.detector.create({ data: { name: "as", algorithm: "zscore", params: {}, threshold: 0.5 } });
    const path = `/detectors/${d.id}/assist`;
    const empty = await expectDocumented("GET", `${V1}/detectors/{id}/assist`, await assist.GET(req("GET", path), routeContext(d.id)));
    expect(empty.notReady).toMatch(/has 0/);
    // 36 labelled incidents: spikes up (true) and dips (false).
    const t0 = Date.UTC(2026, 0, 1);
    for (let k = 0; k < 36; k++) {
      const at = new Date(t0 + k * 3_600_000);
      const up = k % 3 === 0;
      const a = await prisma.anomaly.create({
        data: { detectorId: d.id, seriesId: s.id, startTs: at, endTs: at, peakTs: at, peakScore: 0.8, severity: "HIGH", actual: up ? 110 : 90, expected: 100, lower: 97, upper: 103 },
      });
      await prisma.anomalyLabel.create({ data: { anomalyId: a.id, detectorId: d.id, seriesId: s.id, startTs: at, endTs: at, userId: "admin", value: up ? "TRUE_POSITIVE" : "FALSE_POSITIVE" } });
    }
    const ready = await expectDocumented("GET", `${V1}/detectors/{id}/assist`, await assist.GET(req("GET", path), routeContext(d.id)));
    expect(ready.effect.falsePositivesRemoved).toBeGreaterThan(0);
    const on = await expectDocumented("POST", `${V1}/detectors/{id}/assist`, await assist.POST(req("POST", path, { enabled: true }), routeContext(d.id)));
    expect(on.rule.filtering).toBe(24);
    const off = await expectDocumented("POST", `${V1}/detectors/{id}/assist`, await assist.POST(req("POST", path, { enabled: false }), routeContext(d.id)));
    expect(off.released).toBe(24);
  });

  it("a missing or renamed field fails the documented schema", async () => {
    const body = await (await detectors.GET(req("GET", "/detectors"), routeContext())).json();
    const validate = await documentedSchema("GET", `${V1}/detectors`, 200);
    expect(validate(body)).toBe(true);
    const { threshold, ...rest } = body.items[0];
    expect(validate({ items: [rest], nextCursor: null })).toBe(false);
    expect(validate({ items: [{ ...rest, score: threshold }], nextCursor: null })).toBe(false);
    expect(validate({ detectors: body.items })).toBe(false);
  });

  it("covered every detector operation that declares a response (the feedback ones: responses-feedback.int.test.ts)", () => {
    const declared = OPERATIONS.filter((o) => o.response && o.path.startsWith(`${V1}/detectors`) && !FEEDBACK_PATHS.test(o.path)).map((o) => `${o.method} ${o.path}`);
    expect(declared.filter((o) => !provenOperations().has(o))).toEqual([]);
  });
});
