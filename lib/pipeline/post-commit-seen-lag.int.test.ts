/**
 * A group's page is read in two statements: the first chooses its range (which steps are closed,
 * from the members' newest points), the second reads the points in it. A write that brings a
 * lagging member back (it stopped holding the group's steps open) and commits between the two is
 * read by the second but not by the range choice: the page closes steps an undisturbed run holds
 * open for that member. Its re-check must then file (the page's `seen` is the older snapshot, the
 * range choice's), so the rewind re-scores with the write visible.
 */
import { afterEach, describe, expect, it, vi } from "vitest";
import { getPrisma } from "@/lib/server/db";
import { getPgPool } from "@/lib/server/pg-pool";
import { runDetection } from "@/lib/pipeline/detect-run";
import { recheckStale } from "@/lib/ingest/changes";
import { writeBatch } from "@/lib/ingest/write";
import { STEP_MS, T0 } from "@/lib/pipeline/testing/fixtures";
import { METRICS, TRAIN, member, trainedHostsScored } from "@/lib/pipeline/testing/hosts";
import { endSourceHolders, holdSource } from "@/lib/pipeline/testing/hold-source";
import { refuseRechecks } from "@/lib/pipeline/testing/refuse-recheck";
import { withTestDatabase } from "@/test/test-database";

const db = withTestDatabase();

afterEach(async () => {
  vi.restoreAllMocks();
  await endSourceHolders();
});

/** Host b's group with every member at steps TRAIN..TRAIN+19 but b's cpu, which lags (no point since training). */
async function lagging(name: string) {
  const h = await trainedHostsScored(name);
  await writeBatch(h.source.id, null, METRICS.flatMap((m) => [member("a", m, TRAIN, TRAIN + 20), ...(m === "cpu" ? [] : [member("b", m, TRAIN, TRAIN + 20)])]));
  return h;
}

/** The write that brings b's cpu back: steps TRAIN..TRAIN+14, within MAX_LAG_STEPS of the newest. */
const revive = (sourceId: string) => writeBatch(sourceId, null, [member("b", "cpu", TRAIN, TRAIN + 15)]);

/** Where a run with b's cpu at TRAIN+14 stops: the step b's cpu has not closed yet. */
const HELD_OPEN = new Date(T0 + (TRAIN + 14) * STEP_MS - 1);

const watermarkOf = async (detectorId: string, subjectId: string) =>
  (await getPrisma().detectorState.findUniqueOrThrow({ where: { detectorId_subjectId: { detectorId, subjectId } } })).watermark;

describe("a write reviving a lagging group member", () => {
  it("undisturbed: the run holds the member's open steps", async () => {
    const { source, d, b } = await lagging("lag-ref");
    await revive(source.id);
    await runDetection({ detectorId: d.id, subjectId: b });
    expect(await watermarkOf(d.id, b)).toEqual(HELD_OPEN);
  });

  it("committed between the page's range choice and its read: the re-check files, and the pair ends as undisturbed", async () => {
    const { source, d, b } = await lagging("lag-race");
    const refused = await refuseRechecks();
    const held = await holdSource(db.url(), source.id);
    const writing = revive(source.id);
    await held.blocked(writing);
    // The write commits right after the page's first statement (its range choice) returned.
    const pool = getPgPool();
    const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<unknown>;
    let between = false;
    vi.spyOn(pool, "query").mockImplementation((async (...args: unknown[]) => {
      const result = await query(...args);
      const text = typeof args[0] === "string" ? args[0] : (args[0] as { text?: string }).text ?? "";
      if (!between && text.includes("ORDER BY ts DESC LIMIT 1") && text.includes("ORDER BY v.i")) {
        between = true;
        await held.release();
        await writing;
      }
      return result;
    }) as never);
    await runDetection({ detectorId: d.id, subjectId: b });
    vi.restoreAllMocks();
    await refused.restore();
    expect(between).toBe(true);
    expect(await recheckStale(getPgPool(), 0)).toBe(1);
    await runDetection({ detectorId: d.id, subjectId: b });
    expect(await watermarkOf(d.id, b)).toEqual(HELD_OPEN);
  });
});
