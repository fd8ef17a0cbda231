/**
 * The anomaly API against a real database (session mocked, naming a live session row per user; role switchable): keyset pages in
 * every sort cover each row once, repeated keys filter by any value, bad input is a 4xx naming the
 * field, and every triage change is one call recorded in the history with who made it.
 */
import { beforeAll, describe, expect, it, vi } from "vitest";
import { NextRequest } from "next/server";
import { withTestDatabase } from "@/test/test-database";
import { jsonRequest, routeContext } from "@/test/route-requests";
import { getPrisma } from "@/lib/server/db";
import { ANOMALY_SORTS, ZActivityPage, ZAnomalyDetail, ZAnomalyPage, ZAnomalyWindow, ZAssigneePage, ZCommentPage, type AnomalyPage } from "@/lib/anomalies/schemas";
import { GET as list } from "@/app/api/v1/anomalies/route";
import { POST as bulk } from "@/app/api/v1/anomalies/bulk/route";
import { GET as assignees } from "@/app/api/v1/anomalies/assignees/route";
import { GET as getOne, PATCH as patchOne } from "@/app/api/v1/anomalies/[id]/route";
import { GET as listComments, POST as postComment } from "@/app/api/v1/anomalies/[id]/comments/route";
import { GET as activity } from "@/app/api/v1/anomalies/[id]/activity/route";
import { GET as windowOf } from "@/app/api/v1/anomalies/[id]/window/route";

const session = vi.hoisted(() => ({ user: { id: "op", email: "op@example.com", role: "OPERATOR" as string } }));
withTestDatabase();
vi.mock("server-only", () => ({}));
vi.mock("next-auth", () => ({ getServerSession: async () => ({ user: { ...session.user, sid: `s-${session.user.id}` } }) }));
const as = (id: string, role: string) => Object.assign(session.user, { id, email: `${id}@example.com`, role });

const N = 600;
const T0 = Date.parse("2026-03-01T00:00:00Z");

beforeAll(async () => {
  const prisma = getPrisma();
  const t0 = new Date(T0);
  for (const [id, role] of [["op", "OPERATOR"], ["an", "ANALYST"], ["ad", "ADMIN"]] as const) {
    await prisma.user.create({ data: { id, email: `${id}@example.com`, passwordHash: "-", role } });
    await prisma.userSession.create({ data: { id: `s-${id}`, userId: id, expiresAt: new Date(Date.now() + 3600_000) } });
  }
  await prisma.dataSource.create({ data: { id: "src", name: "src", kind: "HTTP_PUSH" } });
  await prisma.dataSource.create({ data: { id: "src2", name: "src2", kind: "HTTP_PUSH" } });
  await prisma.series.create({ data: { id: "s1", sourceId: "src", metric: "cpu", labels: { host: "a" }, labelsKey: '{"host":"a"}' } });
  await prisma.series.create({ data: { id: "s2", sourceId: "src", metric: "cpu", labels: { host: "b" }, labelsKey: '{"host":"b"}' } });
  await prisma.series.create({ data: { id: "s3", sourceId: "src2", metric: "mem", labels: {}, labelsKey: "" } });
  await prisma.detector.create({ data: { id: "det", name: "det", algorithm: "zscore", threshold: 0.6 } });
  // Many anomalies share a start so the id tie-break matters; severities and statuses rotate.
  await prisma.$executeRaw`
    INSERT INTO "Anomaly" (id, "detectorId", "seriesId", "startTs", "endTs", "peakTs", "peakScore", severity, status, detection, "updatedAt")
    SELECT 'a' || lpad(g::text, 4, '0'), 'det', (ARRAY['s1','s2','s3'])[1 + g % 3],
      ${t0}::timestamptz + (g / 4) * interval '1 minute', ${t0}::timestamptz + (g / 4 + 2) * interval '1 minute',
      ${t0}::timestamptz + (g / 4) * interval '1 minute', round(((g * 37) % 100) / 100.0, 2),
      (ARRAY['LOW','MEDIUM','HIGH','CRITICAL'])[1 + g % 4]::"Severity",
      (ARRAY['OPEN','OPEN','ACKNOWLEDGED','RESOLVED','SILENCED'])[1 + g % 5]::"AnomalyStatus",
      (CASE WHEN g % 50 = 0 THEN 'GONE' ELSE 'ACTIVE' END)::"IncidentState", now()
    FROM generate_series(1, ${N}) g`;
  // A point series around a3's span for the window's re-scoring.
  await prisma.$executeRaw`
    INSERT INTO "DataPoint" ("seriesKey", ts, value)
    SELECT (SELECT key FROM "Series" WHERE id = 's1'), ${t0}::timestamptz + (k - 600) * interval '1 minute', CASE WHEN k BETWEEN 600 AND 602 THEN 100 ELSE 10 + (k % 7) END
    FROM generate_series(0, 800) k`;
});

const url = (path: string, params: [string, string][] = []) => `http://localhost/api/v1/anomalies${path}?${new URLSearchParams(params)}`;
async function page(params: [string, string][]): Promise<AnomalyPage> {
  const res = await list(new NextRequest(url("", params)), routeContext());
  expect(res.status, JSON.stringify(await res.clone().json())).toBe(200);
  return ZAnomalyPage.parse(await res.json());
}

describe("GET /api/v1/anomalies", () => {
  it.each(ANOMALY_SORTS)("walks every active anomaly once in %s order", async (sort) => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let prev: AnomalyPage["items"][number] | undefined;
    do {
      const p: AnomalyPage = await page([["sort", sort], ["limit", "37"], ...(cursor ? ([["cursor", cursor]] as [string, string][]) : [])]);
      for (const a of p.items) {
        if (prev && sort === "-startTs") expect(a.startTs <= prev.startTs).toBe(true);
        if (prev && sort === "startTs") expect(a.startTs >= prev.startTs).toBe(true);
        if (prev && sort === "-peakScore") expect(a.peakScore <= prev.peakScore).toBe(true);
        prev = a;
        seen.push(a.id);
      }
      cursor = p.nextCursor;
    } while (cursor);
    expect(seen.length).toBe(N - N / 50);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it("keeps every value of a repeated key and combines filters", async () => {
    const p = await page([["status", "OPEN"], ["status", "ACKNOWLEDGED"], ["severity", "HIGH"], ["seriesLabel", "host=a"], ["limit", "200"]]);
    expect(p.items.length).toBeGreaterThan(0);
    for (const a of p.items) {
      expect(["OPEN", "ACKNOWLEDGED"]).toContain(a.status);
      expect(a.severity).toBe("HIGH");
      expect(a.series.labels).toEqual({ host: "a" });
    }
    expect(new Set(p.items.map((a) => a.status)).size).toBe(2);
    const mem = await page([["metric", "mem"], ["sourceId", "src2"], ["limit", "200"]]);
    expect(mem.items.every((a) => a.series.id === "s3")).toBe(true);
  });

  it("shows only active incidents unless asked for the others", async () => {
    const gone = await page([["detection", "GONE"], ["limit", "200"]]);
    expect(gone.items.map((a) => a.detection)).toEqual(Array(N / 50).fill("GONE"));
    const both = await page([["detection", "GONE"], ["detection", "ACTIVE"], ["limit", "1"]]);
    expect(both.nextCursor).not.toBeNull();
  });

  it("filters by time overlap", async () => {
    const from = new Date(T0 + 10 * 60000).toISOString();
    const to = new Date(T0 + 11 * 60000).toISOString();
    const p = await page([["from", from], ["to", to], ["limit", "200"]]);
    expect(p.items.length).toBeGreaterThan(0);
    for (const a of p.items) expect(a.endTs >= from && a.startTs <= to).toBe(true);
  });

  it("answers 422 naming the field for a bad filter, a foreign cursor or a bad range", async () => {
    for (const [params, field] of [
      [[["status", "OPEN"], ["status", "NOPE"]], "status"],
      [[["cursor", "garbage!"]], "cursor"],
      [[["from", "2026-02-01T00:00:00Z"], ["to", "2026-01-01T00:00:00Z"]], "to"],
      [[["limit", "9999"]], "limit"],
      [[["seriesLabel", "nokey"]], "seriesLabel"],
    ] as [[string, string][], string][]) {
      const res = await list(new NextRequest(url("", params)), routeContext());
      expect(res.status).toBe(422);
      expect((await res.json()).error.issues.map((i: { path: string }) => i.path.split(".")[0])).toContain(field);
    }
    const first = await page([["sort", "-peakScore"], ["limit", "2"]]);
    const res = await list(new NextRequest(url("", [["cursor", first.nextCursor!]])), routeContext());
    expect(res.status).toBe(422);
  });
});

describe("triage", () => {
  it("acknowledges, assigns and resolves one anomaly, each recorded with who did it", async () => {
    as("op", "OPERATOR");
    const id = "a0001";
    const patch = (body: unknown) => patchOne(jsonRequest("PATCH", url(`/${id}`), body), routeContext(id));
    let res = await patch({ status: "ACKNOWLEDGED" });
    expect(res.status).toBe(200);
    const acked = ZAnomalyDetail.parse(await res.json());
    expect(acked.status).toBe("ACKNOWLEDGED");
    expect(acked.acknowledgedAt).not.toBeNull();
    res = await patch({ assigneeId: "op" });
    expect(ZAnomalyDetail.parse(await res.json()).assignee?.email).toBe("op@example.com");
    res = await patch({ status: "RESOLVED", assigneeId: "op" });
    expect(ZAnomalyDetail.parse(await res.json()).resolvedAt).not.toBeNull();
    res = await postComment(jsonRequest("POST", url(`/${id}/comments`), { body: "disk filled up" }), routeContext(id));
    expect(res.status).toBe(201);
    await getPrisma().anomalyActivity.create({ data: { anomalyId: id, kind: "redetected", details: { endTs: "x" } } });

    const history = ZActivityPage.parse(await (await activity(new NextRequest(url(`/${id}/activity`)), routeContext(id))).json());
    expect(history.items.map((a) => [a.kind, a.user?.id ?? null, a.details.to ?? null])).toEqual([
      ["status", "op", "ACKNOWLEDGED"],
      ["assign", "op", { id: "op", email: "op@example.com" }],
      ["status", "op", "RESOLVED"],
      ["comment", "op", null],
      ["redetected", null, null],
    ]);
    const comments = ZCommentPage.parse(await (await listComments(new NextRequest(url(`/${id}/comments`)), routeContext(id))).json());
    expect(comments.items.map((c) => [c.body, c.user.email])).toEqual([["disk filled up", "op@example.com"]]);
  });

  it("reopening clears the resolution; a change to what is already so records nothing", async () => {
    const id = "a0002";
    const patch = (body: unknown) => patchOne(jsonRequest("PATCH", url(`/${id}`), body), routeContext(id));
    await patch({ status: "RESOLVED" });
    await patch({ status: "RESOLVED" });
    const reopened = ZAnomalyDetail.parse(await (await patch({ status: "OPEN" })).json());
    expect(reopened.resolvedAt).toBeNull();
    expect(await getPrisma().anomalyActivity.count({ where: { anomalyId: id } })).toBe(2);
  });

  it("changes many at once in one call and skips those already so", async () => {
    const ids = Array.from({ length: 100 }, (_, i) => `a${String(i + 100).padStart(4, "0")}`);
    const before = await getPrisma().anomaly.count({ where: { id: { in: ids }, status: "ACKNOWLEDGED" } });
    const res = await bulk(jsonRequest("POST", url("/bulk"), { ids, status: "ACKNOWLEDGED", assigneeId: "an" }), routeContext());
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.updated).toBe(100);
    expect(await getPrisma().anomaly.count({ where: { id: { in: ids }, status: "ACKNOWLEDGED", assigneeId: "an" } })).toBe(100);
    expect(await getPrisma().anomalyActivity.count({ where: { anomalyId: { in: ids }, kind: "status", userId: "op" } })).toBe(100 - before);
    const mine = await page([["assignee", "an"], ["limit", "200"]]);
    expect(mine.items.length).toBe(ids.filter((i) => Number(i.slice(1)) % 50 !== 0).length);
  });

  it("refuses what the role may not do, and bad input with the field named", async () => {
    as("an", "ANALYST");
    const id = "a0003";
    let res = await patchOne(jsonRequest("PATCH", url(`/${id}`), { assigneeId: "an" }), routeContext(id));
    expect(res.status).toBe(403);
    res = await bulk(jsonRequest("POST", url("/bulk"), { ids: [id], assigneeId: null }), routeContext());
    expect(res.status).toBe(403);
    res = await patchOne(jsonRequest("PATCH", url(`/${id}`), { status: "ACKNOWLEDGED" }), routeContext(id));
    expect(res.status).toBe(200);
    as("op", "OPERATOR");
    res = await patchOne(jsonRequest("PATCH", url(`/${id}`), { assigneeId: "nobody" }), routeContext(id));
    expect(res.status).toBe(422);
    expect((await res.json()).error.issues[0].path).toBe("assigneeId");
    res = await patchOne(jsonRequest("PATCH", url(`/${id}`), { status: "DONE" }), routeContext(id));
    expect(res.status).toBe(422);
    res = await patchOne(jsonRequest("PATCH", url(`/${id}`), {}), routeContext(id));
    expect(res.status).toBe(422);
    res = await patchOne(jsonRequest("PATCH", url("/missing"), { status: "OPEN" }), routeContext("missing"));
    expect(res.status).toBe(404);
    res = await bulk(jsonRequest("POST", url("/bulk"), { ids: Array(1001).fill("a0001"), status: "OPEN" }), routeContext());
    expect(res.status).toBe(422);
    res = await postComment(jsonRequest("POST", url(`/${id}/comments`), { body: "   " }), routeContext(id));
    expect(res.status).toBe(422);
    expect(await getPrisma().anomaly.findUniqueOrThrow({ where: { id }, select: { assigneeId: true } })).toEqual({ assigneeId: null });
  });

  it("lists who can be assigned", async () => {
    const res = await assignees(new NextRequest(url("/assignees", [["limit", "2"]])), routeContext());
    const first = ZAssigneePage.parse(await res.json());
    expect(first.items.map((u) => u.email)).toEqual(["ad@example.com", "an@example.com"]);
    const next = ZAssigneePage.parse(await (await assignees(new NextRequest(url("/assignees", [["cursor", first.nextCursor!]])), routeContext())).json());
    expect(next.items.map((u) => u.email)).toEqual(["op@example.com"]);
  });
});

describe("GET /api/v1/anomalies/[id] and its window", () => {
  it("returns the detector's threshold and the band re-scored around the event", async () => {
    const id = "a0000".replace("0000", "0003");
    const detail = ZAnomalyDetail.parse(await (await getOne(new NextRequest(url(`/${id}`)), routeContext(id))).json());
    expect(detail.detector.threshold).toBe(0.6);
    const w = ZAnomalyWindow.parse(await (await windowOf(new NextRequest(url(`/${id}/window`)), routeContext(id))).json());
    expect(w.points.length).toBeGreaterThan(100);
    const spike = w.points.find((p) => p.value === 100)!;
    expect(spike.upper).not.toBeNull();
    expect(spike.value).toBeGreaterThan(spike.upper!);
    expect(spike.score!).toBeGreaterThan(0.6);
    expect((await getOne(new NextRequest(url("/missing")), routeContext("missing"))).status).toBe(404);
  });
});
