/**
 * GET /api/v1/series' keyset pages across sources: walking every page gives every series once, in
 * (metric, labels, id) order, filtered by sources and `q`; the page statement walks the
 * (metric, labelsKey, id) index instead of sorting all series.
 */
import { describe, expect, it } from "vitest";
import { Prisma } from "@/lib/generated/prisma/client";
import { withTestDatabase } from "@/test/test-database";
import { getPrisma } from "@/lib/server/db";
import { listSeriesPage, seriesPageSql } from "@/lib/server/queries/series";
import { decodeSeriesCursor } from "@/lib/sources/series-query";

withTestDatabase();

const SOURCES = ["a", "b", "c"];
const HOSTS = 1_000;

async function seed() {
  const prisma = getPrisma();
  for (const id of SOURCES) await prisma.dataSource.create({ data: { id, name: `source-${id}`, kind: "HTTP_PUSH" } });
  // Every source has cpu and mem for the same hosts: metrics repeat across sources, labels tell them apart.
  await prisma.$executeRaw`
    INSERT INTO "Series" (id, "sourceId", metric, labels, "labelsKey")
    SELECT src || '-' || m || '-' || h, src, m, jsonb_build_object('host', 'h' || lpad(h::text, 4, '0')), jsonb_build_object('host', 'h' || lpad(h::text, 4, '0'))::text
    FROM unnest(${SOURCES}::text[]) src, unnest(ARRAY['cpu', 'mem']) m, generate_series(1, ${HOSTS}) h`;
  await prisma.$executeRaw`ANALYZE "Series"`;
}

async function walk(filter: { q?: string; sourceId?: string[] }, limit: number) {
  const seen: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = await listSeriesPage({ ...filter, limit, cursor: cursor ? decodeSeriesCursor(cursor)! : undefined });
    seen.push(...page.items.map((s) => s.id));
    cursor = page.nextCursor;
    pages++;
  } while (cursor);
  return { seen, pages };
}

describe("series across sources in keyset pages", () => {
  it("gives every series once, in (metric, labels, id) order, filtered by sources and q", async () => {
    await seed();
    const expected = (await getPrisma().$queryRaw<{ id: string }[]>`SELECT id FROM "Series" ORDER BY metric, "labelsKey", id`).map((r) => r.id);
    const all = await walk({}, 700);
    expect(all.seen).toEqual(expected);
    expect(all.pages).toBe(Math.ceil(expected.length / 700));

    const two = await walk({ sourceId: ["a", "c"] }, 500);
    expect(two.seen).toEqual(expected.filter((id) => !id.startsWith("b-")));

    const host = await walk({ q: "h0042" }, 2);
    expect(host.seen).toEqual(["a-cpu-42", "b-cpu-42", "c-cpu-42", "a-mem-42", "b-mem-42", "c-mem-42"]);
    expect((await listSeriesPage({ q: "h0042", limit: 2, count: true, sourceId: ["b"] })).total).toBe(2);
  });

  it("walks the (metric, labelsKey, id) index for a deep page instead of sorting every series", async () => {
    const cursor = { metric: "cpu", labelsKey: '{"host": "h0900"}', id: "b-cpu-900" };
    const plan = (await getPrisma().$queryRaw<{ "QUERY PLAN": string }[]>(Prisma.sql`EXPLAIN ${seriesPageSql({ limit: 50, cursor })}`)).map((r) => r["QUERY PLAN"]).join("\n");
    expect(plan).toContain("Series_metric_labelsKey_id_idx");
    expect(plan).not.toMatch(/Sort\b/);
  });
});
