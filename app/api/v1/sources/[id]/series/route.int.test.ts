/**
 * GET /api/v1/sources/[id]/series over a source of 20,000 series (session mocked as an admin):
 * keyset pages cover every series once in order, `q` filters on the server, bad params are 422s.
 */
import { beforeAll, describe, expect, it, vi } from "vitest";
import { NextRequest } from "next/server";
import { withTestDatabase } from "@/test/test-database";
import { withSignedInUser } from "@/test/route-requests";
import { getPrisma } from "@/lib/server/db";
import { createSource } from "@/lib/server/queries/sources";
import type { SourceSeriesPage } from "@/lib/sources/series-query";
import { GET } from "@/app/api/v1/sources/[id]/series/route";

withTestDatabase();
vi.mock("server-only", () => ({}));
vi.mock("next-auth", () => ({ getServerSession: async () => ({ user: { id: "u1", sid: "s-u1" } }) }));
withSignedInUser("u1");

const N = 20_000;
const METRICS = ["cpu", "CPU.busy", "cpu_total", "mem.used", "disk io"];
let bigId = "";
let emptyId = "";

beforeAll(async () => {
  bigId = (await createSource({ name: "many", kind: "HTTP_PUSH", config: {} }, null)).id;
  emptyId = (await createSource({ name: "none", kind: "HTTP_PUSH", config: {} }, null)).id;
  const other = (await createSource({ name: "other", kind: "HTTP_PUSH", config: {} }, null)).id;
  const prisma = getPrisma();
  await prisma.$executeRaw`
    INSERT INTO "Series" (id, "sourceId", metric, labels, "labelsKey")
    SELECT 'sr' || g, ${bigId}, (${METRICS}::text[])[1 + g % 5],
           jsonb_build_object('host', h, 'region', r), format('{"host":"%s","region":"%s"}', h, r)
    FROM generate_series(1, ${N}) AS g,
         LATERAL (SELECT 'h' || lpad(g::text, 5, '0') AS h, (ARRAY['eu', 'us', 'ap', 'sa'])[1 + g % 4] AS r) x`;
  await prisma.$executeRaw`INSERT INTO "Series" (id, "sourceId", metric) VALUES ('elsewhere', ${other}, 'cpu')`;
  // Points for every 1000th series: the page shows each one's newest.
  await prisma.$executeRaw`
    INSERT INTO "DataPoint" ("seriesKey", ts, value)
    SELECT s.key, timestamptz '2026-01-01T00:00:00Z' + k * interval '1 minute', g + k
    FROM generate_series(1000, ${N}, 1000) AS g JOIN "Series" s ON s.id = 'sr' || g, generate_series(1, 3) AS k`;
  await prisma.$executeRaw`ANALYZE "Series"`;
});

async function get(sourceId: string, params: Record<string, string | number> = {}) {
  const qs = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]));
  return GET(new NextRequest(`http://localhost/api/v1/sources/${sourceId}/series?${qs}`), { params: Promise.resolve({ id: sourceId }) });
}

async function page(sourceId: string, params: Record<string, string | number> = {}): Promise<SourceSeriesPage> {
  const res = await get(sourceId, params);
  expect(res.status).toBe(200);
  return res.json();
}

/** Every row the pages hand out, following nextCursor to the end. */
async function walk(params: Record<string, string | number>) {
  const ids: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const p = await page(bigId, { ...params, ...(cursor ? { cursor } : {}) });
    expect(p.total).toBeUndefined();
    ids.push(...p.items.map((r) => r.id));
    cursor = p.nextCursor;
    pages++;
  } while (cursor);
  return { ids, pages };
}

describe("GET /api/v1/sources/[id]/series", () => {
  it("walks all 20,000 series exactly once, in (metric, labelsKey, id) order", async () => {
    const expected = await getPrisma().series.findMany({
      where: { sourceId: bigId },
      orderBy: [{ metric: "asc" }, { labelsKey: "asc" }, { id: "asc" }],
      select: { id: true },
    });
    const { ids, pages } = await walk({ limit: 500 });
    expect(pages).toBe(40);
    expect(new Set(ids).size).toBe(N);
    expect(ids).toEqual(expected.map((s) => s.id));
  });

  it("answers 50 rows by default, the source's total when asked (count=true), and each row's newest point", async () => {
    const first = await page(bigId, { count: "true" });
    expect(first.items).toHaveLength(50);
    expect(first.total).toBe(N);
    expect((await page(bigId, { q: "cpu", count: "true" })).total).toBe(N);
    expect(first.nextCursor).toEqual(expect.any(String));
    expect(first.items[0]).toEqual({ id: expect.any(String), metric: "CPU.busy", labels: { host: expect.any(String), region: expect.any(String) }, createdAt: expect.any(String), lastTs: null, lastValue: null });

    const withPoints = await page(bigId, { q: "h05000" });
    expect(withPoints.items).toEqual([
      expect.objectContaining({ id: "sr5000", metric: "cpu", labels: { host: "h05000", region: "eu" }, lastTs: "2026-01-01T00:03:00.000Z", lastValue: 5003 }),
    ]);
    expect(withPoints.nextCursor).toBeNull();
  });

  it("filters on metric or label text, case-insensitive, with %, _ and \\ taken literally", async () => {
    const count = async (q: string) => (await walk({ limit: 500, q })).ids.length;
    expect(await count("cpu")).toBe(12_000);
    expect(await count("DISK IO")).toBe(4_000);
    expect(await count("_")).toBe(4_000);
    expect(await count("%")).toBe(0);
    expect(await count("\\")).toBe(0);
    expect(await count('region="ap"')).toBe(5_000);
    expect(await count("region=ap")).toBe(5_000);
    expect(await count("H0001")).toBe(10);
    expect(await count('{host="h00012", region="eu"}')).toBe(1);
    expect(await count("host=h00012,region=eu")).toBe(1);
    expect(await count(":")).toBe(0);
    const narrow = await walk({ limit: 3, q: "H0001" });
    expect(narrow.pages).toBe(4);
    expect(new Set(narrow.ids).size).toBe(10);
  });

  it("is empty with a total of 0 for a source without series; 404 for an unknown source; count must be a boolean", async () => {
    expect(await page(emptyId, { count: "true" })).toEqual({ items: [], total: 0, nextCursor: null });
    expect(await page(emptyId)).toEqual({ items: [], nextCursor: null });
    const bad = await get(emptyId, { count: "maybe" });
    expect({ status: bad.status, path: (await bad.json()).error.issues[0].path }).toEqual({ status: 422, path: "count" });
    const res = await get("no-such-source");
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe("not_found");
  });

  it("422 naming the parameter for a bad limit or cursor", async () => {
    const forged = Buffer.from(JSON.stringify([1, 2])).toString("base64url");
    for (const [params, path] of [
      [{ limit: 0 }, "limit"],
      [{ limit: 501 }, "limit"],
      [{ limit: "ten" }, "limit"],
      [{ limit: 2.5 }, "limit"],
      [{ cursor: "not a cursor!" }, "cursor"],
      [{ cursor: forged }, "cursor"],
      [{ cursor: "bm9wZQ" }, "cursor"],
    ] as const) {
      const res = await get(bigId, params);
      expect(res.status, JSON.stringify(params)).toBe(422);
      const { error } = await res.json();
      expect(error.code).toBe("unprocessable");
      expect(error.issues.map((i: { path: string }) => i.path)).toEqual([path]);
      expect(error.message).toContain(`${path}: `);
    }
  });

  it("answers the right page at any depth, and rare filters find their one series among 20,000", async () => {
    // Timings for this query belong to a benchmark; here what a user checks: the rows are right.
    const ordered = (
      await getPrisma().series.findMany({ where: { sourceId: bigId }, orderBy: [{ metric: "asc" }, { labelsKey: "asc" }, { id: "asc" }], select: { id: true } })
    ).map((r) => r.id);
    // 31 pages of 500 in: a cursor deep into the source.
    let cursor = (await page(bigId, { limit: 500 })).nextCursor!;
    for (let i = 0; i < 30; i++) cursor = (await page(bigId, { limit: 500, cursor })).nextCursor!;
    expect((await page(bigId, { cursor })).items.map((r) => r.id)).toEqual(ordered.slice(15_500, 15_550));
    expect((await page(bigId, {})).items.map((r) => r.id)).toEqual(ordered.slice(0, 50));
    expect((await page(bigId, { limit: 500 })).items.map((r) => r.id)).toEqual(ordered.slice(0, 500));
    for (const q of ["h19999", "host=h19999"]) {
      const found = await page(bigId, { q });
      expect(found.items.map((r) => r.id), q).toEqual(["sr19999"]);
      expect(found.nextCursor).toBeNull();
    }
    const cpu = await page(bigId, { q: "cpu", limit: 500 });
    expect(cpu.items).toHaveLength(500);
    expect(cpu.items.every((r) => /cpu/i.test(r.metric))).toBe(true);
  });
});
