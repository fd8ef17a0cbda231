/**
 * detect.run against real PostgreSQL: one anomaly per incident, idempotent re-runs, incremental
 * runs equal to one run, events across pages, crash and concurrency safety.
 */
import { describe, expect, it } from "vitest";
import { getPrisma } from "@/lib/server/db";
import { runDetection } from "@/lib/pipeline/detect-run";
import { STEP_MS, T0, anomaliesOf, createPair, sineWithSpikes, writePoints } from "@/lib/pipeline/testing/fixtures";
import { withTestDatabase } from "@/test/test-database";

withTestDatabase();

async function reference(values: number[]) {
  const pair = await createPair();
  await writePoints(pair.seriesId, values);
  await runDetection(pair);
  return anomaliesOf(pair);
}

function watermarkOf(pair: { detectorId: string; seriesId: string }) {
  return getPrisma().detectorState.findUniqueOrThrow({ where: { detectorId_subjectId: { detectorId: pair.detectorId, subjectId: pair.seriesId } } }).then((s) => s.watermark);
}

describe("runDetection", () => {
  it("flags an injected spike as exactly one severe anomaly, and a re-run adds nothing", async () => {
    const pair = await createPair();
    await writePoints(pair.seriesId, sineWithSpikes(1000, [700]));
    const first = await runDetection(pair);
    expect(first).toMatchObject({ status: "done", points: 1000 });
    const rows = await anomaliesOf(pair);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ startIdx: 700, endIdx: 700, pointCount: 1, actual: 220 });
    expect(["HIGH", "CRITICAL"]).toContain(rows[0].severity);
    expect(rows[0].expected).toBeCloseTo(100, -1);
    expect(rows[0].upper!).toBeLessThan(220);

    const again = await runDetection(pair);
    expect(again).toMatchObject({ status: "done", points: 0 });
    expect(await anomaliesOf(pair)).toEqual(rows);
  });

  it("gives the same anomalies when the data arrives in two ingests as in one", async () => {
    const values = sineWithSpikes(1200, [300, 650, 651, 1100]);
    const expected = await reference(values);
    expect(expected.map((a) => a.startIdx)).toEqual([300, 650, 1100]);

    const pair = await createPair();
    await writePoints(pair.seriesId, values.slice(0, 651));
    await runDetection(pair);
    // The second ingest extends the event that was open at the end of the first (650 -> 651).
    expect((await anomaliesOf(pair)).at(-1)).toMatchObject({ startIdx: 650, pointCount: 1 });
    await writePoints(pair.seriesId, values.slice(651), 651);
    await runDetection(pair);
    expect(await anomaliesOf(pair)).toEqual(expected);
  });

  it("extends one anomaly when a spike spans two pages", async () => {
    const values = sineWithSpikes(600, [248, 249, 250, 251]);
    const expected = await reference(values);
    expect(expected).toHaveLength(1);
    expect(expected[0]).toMatchObject({ startIdx: 248, endIdx: 251, pointCount: 4 });

    const pair = await createPair();
    await writePoints(pair.seriesId, values);
    const res = await runDetection(pair, { pageSize: 250 });
    expect(res).toMatchObject({ status: "done", pages: 3, points: 600 });
    expect(await anomaliesOf(pair)).toEqual(expected);
  });

  it("survives a crash between scoring and commit: the re-run equals an undisturbed run", async () => {
    const values = sineWithSpikes(900, [240, 420, 700]);
    const expected = await reference(values);
    expect(expected).toHaveLength(3);

    const pair = await createPair();
    await writePoints(pair.seriesId, values);
    const crash = (page: number) => {
      if (page === 1) throw new Error("simulated crash");
    };
    await expect(runDetection(pair, { pageSize: 300, beforeCommit: crash })).rejects.toThrow("simulated crash");
    // Page 0 committed (spike at 240), page 1 rolled back entirely: no anomaly at 420, watermark at 299.
    expect((await anomaliesOf(pair)).map((a) => a.startIdx)).toEqual([240]);
    expect((await watermarkOf(pair))?.getTime()).toBe(T0 + 299 * STEP_MS);

    await runDetection(pair, { pageSize: 300 });
    expect(await anomaliesOf(pair)).toEqual(expected);
  });

  it("lets concurrent runs of one pair neither double-apply nor move the watermark back", async () => {
    const values = sineWithSpikes(2000, [500, 1500]);
    const expected = await reference(values);
    const pair = await createPair();
    await writePoints(pair.seriesId, values);
    const results = await Promise.all([1, 2, 3].map(() => runDetection(pair, { pageSize: 200 })));
    expect(results.some((r) => r.status === "done")).toBe(true);
    expect(await anomaliesOf(pair)).toEqual(expected);
    expect((await watermarkOf(pair))?.getTime()).toBe(T0 + 1999 * STEP_MS);
    const stale = await runDetection(pair);
    expect(stale).toMatchObject({ status: "done", points: 0 });
  });

  it("skips disabled and missing detectors without writing", async () => {
    const pair = await createPair({ enabled: false });
    await writePoints(pair.seriesId, sineWithSpikes(100, [50]));
    expect(await runDetection(pair)).toEqual({ status: "skipped", reason: "disabled" });
    expect(await runDetection({ detectorId: "nope", seriesId: pair.seriesId })).toEqual({ status: "skipped", reason: "missing" });
    expect(await anomaliesOf(pair)).toEqual([]);
  });

  it("a point committed inside the page while it was scored is caught by the re-count after the commit; the same call re-scores it in order", async () => {
    const values = sineWithSpikes(400, [350]);
    const expected = await reference(values);
    for (const withAnomalies of [false, true]) {
      const pair = await createPair();
      await writePoints(pair.seriesId, values.slice(0, 200));
      await runDetection(pair);
      // Points 201..399 are stored; 200 arrives from another writer while that page is being scored.
      await writePoints(pair.seriesId, values.slice(201), 201);
      const raced = await runDetection(pair, {
        afterScore: (page) => (page === 0 ? writePoints(pair.seriesId, [values[200]], 200) : undefined),
        beforeCommit: withAnomalies ? () => undefined : undefined, // with a hook, the page commits through the transaction path
      });
      // The page's 199 points commit, its re-count leaves a request, and the run rewinds and scores all 400 (no snapshot yet).
      expect(raced).toMatchObject({ status: "done", points: 199 + 400, pages: 2 });
      expect(await watermarkOf(pair)).toEqual(new Date(T0 + 399 * STEP_MS));
      expect(await getPrisma().redetectRequest.count({ where: { detectorId: pair.detectorId } })).toBe(0);
      expect(await runDetection(pair)).toMatchObject({ status: "done", points: 0 });
      expect(await anomaliesOf(pair)).toEqual(expected);
    }
  });
});
