/**
 * A detector watching a whole source scores series that appear later: pushed, polled or uploaded
 * series are attached in the transaction that creates them, and the reconciler attaches any the
 * race between a new rule and a new series left out.
 */
import { describe, expect, it } from "vitest";
import { withTestDatabase } from "@/test/test-database";
import { getPrisma } from "@/lib/server/db";
import { ZCreateDetector } from "@/lib/detectors/schemas";
import { createDetector, listAttachedSeriesIds, updateDetector } from "@/lib/server/queries/detectors";
import { getPgPool } from "@/lib/server/pg-pool";
import { resolveSeries } from "@/lib/ingest/resolve-series";
import { labelsKeyOf } from "@/lib/ingest/batch";
import { uploadCsv } from "@/lib/ingest/upload-csv";
import { writeBatch } from "@/lib/ingest/write";
import { attachWatchedSeries } from "@/lib/pipeline/reconcile";

withTestDatabase();

const T0 = Date.parse("2026-01-01T00:00:00Z");
const host = (h: string) => ({ metric: "cpu", labels: { host: h }, labelsKey: labelsKeyOf({ host: h }), ms: [T0, T0 + 60_000], values: [1, 2] });
const csv = (text: string) => new Blob([text]).stream();

describe("watched sources", () => {
  it("attach series created later by push and by CSV upload to every watcher, and only to them", async () => {
    const prisma = getPrisma();
    const watched = await prisma.dataSource.create({ data: { name: "fleet", kind: "HTTP_PUSH" } });
    const other = await prisma.dataSource.create({ data: { name: "other", kind: "HTTP_PUSH" } });
    await writeBatch(watched.id, null, [host("a")]);
    const one = await createDetector(ZCreateDetector.parse({ name: "one", algorithm: "zscore", sourceIds: [watched.id] }), null);
    const two = await createDetector(ZCreateDetector.parse({ name: "two", algorithm: "ewma", sourceIds: [watched.id, other.id] }), null);
    const none = await createDetector(ZCreateDetector.parse({ name: "none", algorithm: "zscore" }), null);
    expect(one._count.series).toBe(1);

    const pushed = await writeBatch(watched.id, null, [host("a"), host("b"), host("c")]);
    const uploaded = await uploadCsv(watched.id, csv("timestamp,series,value\n2026-01-01T00:00:00Z,disk,5\n"));
    const elsewhere = await writeBatch(other.id, null, [host("z")]);
    const fleet = [...pushed.seriesIds, ...uploaded.seriesIds].sort();
    expect(await listAttachedSeriesIds(one.id)).toEqual(fleet);
    expect(await listAttachedSeriesIds(two.id)).toEqual([...fleet, ...elsewhere.seriesIds].sort());
    expect(await listAttachedSeriesIds(none.id)).toEqual([]);
  });

  it("the reconciler attaches a watched series that was missed, once", async () => {
    const prisma = getPrisma();
    const source = await prisma.dataSource.create({ data: { name: "late", kind: "HTTP_PUSH" } });
    const d = await createDetector(ZCreateDetector.parse({ name: "late-watcher", algorithm: "zscore", sourceIds: [source.id] }), null);
    // A series committed by a writer that could not yet see the rule (simulated: inserted directly).
    const s = await prisma.series.create({ data: { sourceId: source.id, metric: "missed" } });
    expect(await listAttachedSeriesIds(d.id)).toEqual([]);
    expect(await attachWatchedSeries()).toBe(1);
    expect(await listAttachedSeriesIds(d.id)).toEqual([s.id]);
    expect(await attachWatchedSeries()).toBe(0);
  });

  it("an unwatch racing an ingest that creates a series waits for it, and detaches that series too", async () => {
    const prisma = getPrisma();
    const source = await prisma.dataSource.create({ data: { name: "racing", kind: "HTTP_PUSH" } });
    const d = await createDetector(ZCreateDetector.parse({ name: "racer", algorithm: "zscore", sourceIds: [source.id] }), null);
    const ingest = await getPgPool().connect();
    try {
      await ingest.query("BEGIN");
      await resolveSeries(ingest, source.id, [{ metric: "new", labels: {}, labelsKey: "" }]); // attached, not yet committed
      let unwatched = false;
      const edit = updateDetector(d.id, { sourceIds: [] }, null).then(() => (unwatched = true));
      await new Promise((r) => setTimeout(r, 300));
      expect(unwatched).toBe(false); // the rule's DELETE waits for the ingest
      await ingest.query("COMMIT");
      await edit;
    } finally {
      ingest.release();
    }
    expect(await listAttachedSeriesIds(d.id)).toEqual([]);
    expect(await prisma.detectorSource.count({ where: { detectorId: d.id } })).toBe(0);
  });
});
