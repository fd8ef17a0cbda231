/**
 * Late points: stored by ingest, not seen by the streaming run, found by `findLateRanges` and
 * re-scored by the backfill it schedules, so the result equals an undisturbed, in-order run.
 */
import { describe, expect, it } from "vitest";
import { findLateRanges } from "@/lib/pipeline/schedule";
import { runBackfill } from "@/lib/pipeline/backfill-run";
import { runDetection } from "@/lib/pipeline/detect-run";
import { STEP_MS, T0, anomaliesOf, createPair, sineWithSpikes, writePoints } from "@/lib/pipeline/testing/fixtures";
import { withTestDatabase } from "@/test/test-database";

withTestDatabase();

describe("late points", () => {
  it("are found behind the watermark and re-scored to match an in-order run", async () => {
    const all = sineWithSpikes(800, [650]);
    const pair = await createPair();
    // Everything but the spike arrives first and is scored up to the end.
    const withoutSpike = sineWithSpikes(800);
    await writePoints(pair.seriesId, withoutSpike);
    await runDetection(pair);
    expect(await anomaliesOf(pair)).toEqual([]);

    // The spike arrives late.
    await writePoints(pair.seriesId, [all[650]], 650);
    const ranges = await findLateRanges([pair], new Map([[pair.seriesId, T0 + 650 * STEP_MS]]));
    expect(ranges).toEqual([{ ...pair, from: new Date(T0 + 650 * STEP_MS), to: new Date(T0 + 799 * STEP_MS) }]);
    // Points after the watermark are not late.
    expect(await findLateRanges([pair], new Map([[pair.seriesId, T0 + 800 * STEP_MS]]))).toEqual([]);

    for (const r of ranges) await runBackfill(r);
    const reference = await createPair();
    await writePoints(reference.seriesId, all);
    await runDetection(reference);
    const got = await anomaliesOf(pair);
    expect(got.map((a) => a.startIdx)).toEqual([650]);
    expect(got).toEqual(await anomaliesOf(reference));
  });
});
