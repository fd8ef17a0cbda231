/**
 * Detectors watching whole sources: existing series attached when the rule is added, individual
 * series kept apart from the watched ones, unwatching detaches, unknown sources are a 422.
 */
import { describe, expect, it } from "vitest";
import { withTestDatabase } from "@/test/test-database";
import { getPrisma } from "@/lib/server/db";
import { ZCreateDetector } from "@/lib/detectors/schemas";
import { AppError } from "@/lib/server/api/errors";
import { createDetector, getDetector, listAttachedSeriesIds, updateDetector } from "@/lib/server/queries/detectors";

withTestDatabase();

async function sourceWith(name: string, n: number) {
  const prisma = getPrisma();
  const source = await prisma.dataSource.create({ data: { name, kind: "HTTP_PUSH" } });
  await prisma.$executeRaw`
    INSERT INTO "Series" (id, "sourceId", metric, "labelsKey")
    SELECT ${name} || '-' || g, ${source.id}, 'cpu', 'host=' || g FROM generate_series(1, ${n}::int) g`;
  return source.id;
}

describe("detectors watching sources", () => {
  it("attach every series of a watched source, keep single series apart, and detach on unwatch", async () => {
    const big = await sourceWith("big", 3_000);
    const small = await sourceWith("small", 3);
    const d = await createDetector(ZCreateDetector.parse({ name: "fleet", algorithm: "zscore", sourceIds: [big], seriesIds: ["small-1"] }), null);
    expect(d.sources.map((s) => s.source.id)).toEqual([big]);
    expect(d._count.series).toBe(3_001);
    expect(d.series.map((s) => s.series.id)).toEqual(["small-1"]); // the form's list: only the single ones

    // Editing the single series never touches the watched source's series.
    const edited = await updateDetector(d.id, { seriesIds: ["small-2"] }, null);
    expect(edited._count.series).toBe(3_001);
    expect(edited.series.map((s) => s.series.id)).toEqual(["small-2"]);

    // Watching the small source too, then unwatching the big one.
    const both = await updateDetector(d.id, { sourceIds: [big, small] }, null);
    expect(both._count.series).toBe(3_003);
    expect(both.series).toEqual([]); // small-2 is now covered by its source
    const smallOnly = await updateDetector(d.id, { sourceIds: [small], seriesIds: ["big-7"] }, null);
    expect(smallOnly.sources.map((s) => s.source.id)).toEqual([small]);
    expect((await listAttachedSeriesIds(d.id)).sort()).toEqual(["big-7", "small-1", "small-2", "small-3"]);

    const audit = await getPrisma().auditLog.findMany({ where: { entity: "detector", entityId: d.id }, orderBy: { id: "asc" } });
    expect(audit.at(-1)?.details).toMatchObject({ watched: [], unwatched: [big], detached: [] });
  });

  it("refuses an unknown source with 422 on sourceIds and writes nothing", async () => {
    const err = await createDetector(ZCreateDetector.parse({ name: "ghost", algorithm: "zscore", sourceIds: ["nope"] }), null).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).issues).toEqual([{ path: "sourceIds", message: "Unknown sources: nope" }]);
    expect(await getPrisma().detector.count({ where: { name: "ghost" } })).toBe(0);
    const ok = await createDetector(ZCreateDetector.parse({ name: "ok", algorithm: "zscore" }), null);
    await expect(updateDetector(ok.id, { sourceIds: ["nope"] }, null)).rejects.toMatchObject({ code: "unprocessable" });
    expect((await getDetector(ok.id)).sources).toEqual([]);
  });
});
