/**
 * Exactly repeatable: one NAB series through the default detector, stored and scored every way the
 * pipeline can see it (one page, small pages, the shard batch path after every small write, with
 * a warm and a cold worker cache, points
 * arriving out of order, wrong values corrected later, a crash before a commit), gives the same
 * incidents, bit for bit, as the pure library streaming the final points in one pass.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { defaultDetectorConfig, type AnomalyEvent } from "@/lib/detection";
import { getPrisma } from "@/lib/server/db";
import { writeBatch } from "@/lib/ingest/write";
import { runDetection } from "@/lib/pipeline/detect-run";
import { runDetectionBatch } from "@/lib/pipeline/detect-batch";
import { createScorer, toAnomalyWrite } from "@/lib/pipeline/scoring";
import { clearStateCache } from "@/lib/pipeline/state-cache";
import { withTestDatabase } from "@/test/test-database";

withTestDatabase();

const config = defaultDetectorConfig();
const csv = readFileSync(path.resolve("prisma/demo-data/nab/art_daily_jumpsup.csv"), "utf8").trim().split("\n").slice(1);
const ms = csv.map((l) => Date.parse(`${l.split(",")[0].replace(" ", "T")}Z`));
const values = csv.map((l) => Number(l.split(",")[1]));

/** The pure library over the final points: closed events plus the one still open. */
function reference() {
  const scorer = createScorer({ id: "ref", algorithm: config.kind, params: config.params, threshold: config.threshold });
  const out = [];
  // Rows are compared whole but for the series (one per pipeline); `attribution` is null for a series.
  const row = (e: AnomalyEvent) => {
    const { seriesId: _series, ...rest } = toAnomalyWrite(e, ["s"]);
    return rest;
  };
  for (let i = 0; i < ms.length; i++) out.push(...scorer.push(ms[i], [values[i]]).map(row));
  const open = scorer.tracker.current();
  if (open) out.push(row(open));
  return out;
}

let n = 0;
async function createPipeline() {
  const prisma = getPrisma();
  const tag = `rep-${n++}`;
  const source = await prisma.dataSource.create({ data: { name: tag, kind: "HTTP_PUSH" } });
  const series = await prisma.series.create({ data: { sourceId: source.id, metric: "value" } });
  const detector = await prisma.detector.create({
    data: { name: tag, algorithm: config.kind, params: config.params as object, threshold: config.threshold, series: { create: { seriesId: series.id } } },
  });
  const pair = { detectorId: detector.id, seriesId: series.id };
  const write = (idx: number[], vals = idx.map((i) => values[i])) =>
    writeBatch(source.id, null, [{ metric: "value", labels: {}, labelsKey: "", ms: idx.map((i) => ms[i]), values: vals }]);
  return { pair, write };
}

async function incidents(pair: { detectorId: string; seriesId: string }) {
  return getPrisma().anomaly.findMany({
    where: { ...pair, detection: "ACTIVE" },
    orderBy: { startTs: "asc" },
    select: { startTs: true, endTs: true, peakTs: true, peakScore: true, severity: true, pointCount: true, actual: true, expected: true, lower: true, upper: true, ongoing: true, attribution: true },
  });
}

const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);
const expected = reference();

describe("repeatable detection (default detector, NAB art_daily_jumpsup)", () => {
  it("finds incidents on this series (the comparison is not vacuous)", () => {
    expect(expected.length).toBeGreaterThan(0);
  });

  it("one page, and pages of 333 points", async () => {
    for (const pageSize of [10_000, 333]) {
      const { pair, write } = await createPipeline();
      await write(range(0, ms.length));
      await runDetection(pair, { pageSize });
      expect(await incidents(pair)).toEqual(expected);
    }
  });

  it("small writes, each scored by the shard batch path", async () => {
    const { pair, write } = await createPipeline();
    for (let i = 0; i < ms.length; i += 250) {
      await write(range(i, Math.min(ms.length, i + 250)));
      await runDetectionBatch(pair.detectorId, [pair.seriesId, "not-attached"]);
    }
    expect(await incidents(pair)).toEqual(expected);
  });

  it("small writes, each scored by a worker with a cold cache (state rebuilt from snapshot + replay)", async () => {
    const { pair, write } = await createPipeline();
    for (let i = 0; i < ms.length; i += 400) {
      await write(range(i, Math.min(ms.length, i + 400)));
      clearStateCache();
      await runDetectionBatch(pair.detectorId, [pair.seriesId, "not-attached"]);
    }
    expect(await incidents(pair)).toEqual(expected);
    expect(await getPrisma().detectorSnapshot.count({ where: { detectorId: pair.detectorId, subjectId: pair.seriesId } })).toBeGreaterThan(0);
  });

  it("points out of order: every seventh point held back, then chunks written newest first", async () => {
    const { pair, write } = await createPipeline();
    const held = range(0, ms.length).filter((i) => i % 7 === 3);
    const rest = range(0, ms.length).filter((i) => i % 7 !== 3);
    for (let i = 0; i < rest.length; i += 800) {
      await write(rest.slice(i, i + 800));
      await runDetection(pair, { pageSize: 700 });
    }
    for (let i = held.length; i > 0; i -= 150) {
      await write(held.slice(Math.max(0, i - 150), i));
      await runDetection(pair, { pageSize: 700 });
    }
    expect(await incidents(pair)).toEqual(expected);
  });

  it("wrong values corrected later, and a crash before a commit", async () => {
    const { pair, write } = await createPipeline();
    const all = range(0, ms.length);
    await write(all, all.map((i) => (i % 500 === 250 ? values[i] * 3 + 50 : values[i])));
    let crashes = 1;
    const crash = async (page: number) => {
      if (page === 2 && crashes-- > 0) throw new Error("worker died");
    };
    await expect(runDetection(pair, { pageSize: 600, beforeCommit: crash })).rejects.toThrow("worker died");
    await runDetection(pair, { pageSize: 600 });
    expect(await incidents(pair)).not.toEqual(expected);
    await write(all.filter((i) => i % 500 === 250));
    await runDetection(pair, { pageSize: 600, beforeCommit: crash });
    expect(await incidents(pair)).toEqual(expected);
    expect(await getPrisma().redetectRequest.count({ where: { detectorId: pair.detectorId, subjectId: pair.seriesId } })).toBe(0);
  });
});
