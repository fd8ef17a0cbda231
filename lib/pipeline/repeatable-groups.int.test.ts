/**
 * Exactly repeatable for groups: two hosts' cpu, mem and latency, grouped by host, scored every way
 * the pipeline can see them (one pass, small writes through the shard batch with a warm and a cold
 * worker cache, one member's points arriving late and out of order, a crash before a commit) give
 * the same incidents, bit for bit, as the pure library streaming each host's final aligned steps.
 */
import { describe, expect, it } from "vitest";
import type { AnomalyEvent } from "@/lib/detection";
import { getPrisma } from "@/lib/server/db";
import { writeBatch } from "@/lib/ingest/write";
import { createDetector } from "@/lib/server/queries/detectors";
import { syncGroups } from "@/lib/server/queries/subjects";
import { runDetection } from "@/lib/pipeline/detect-run";
import { runDetectionBatch } from "@/lib/pipeline/detect-batch";
import { createScorer, toAnomalyWrite } from "@/lib/pipeline/scoring";
import { clearStateCache } from "@/lib/pipeline/state-cache";
import { T0, STEP_MS } from "@/lib/pipeline/testing/fixtures";
import { HOSTS, HOSTS_GROUPING, METRICS, TOTAL, valuesOf } from "@/lib/pipeline/testing/hosts";
import { withTestDatabase } from "@/test/test-database";

withTestDatabase();

const ALGORITHM = { algorithm: "random-cut-forest", params: { trees: 10, treeSize: 64, shingleSize: 1, warmup: 50, seed: 3 }, threshold: 0.5 };
const VALUES = HOSTS.map((h) => METRICS.map((m) => valuesOf(h, m, 0, TOTAL)));

/** A stored or reference incident with its series named by member position (rows of two pipelines compare). */
type Row = Omit<ReturnType<typeof toAnomalyWrite>, "seriesId" | "attribution"> & { shownUnder: number; attribution: unknown };

/** The pure library over each host's final steps: every closed step (all but the newest), in one pass. */
function reference(): Row[][] {
  return HOSTS.map((_, h) => {
    const scorer = createScorer({ id: "ref", ...ALGORITHM });
    const members: string[] = [...METRICS];
    const row = (e: AnomalyEvent): Row => {
      const { seriesId, attribution, ...rest } = toAnomalyWrite(e, members);
      return { ...rest, shownUnder: members.indexOf(seriesId), attribution: attribution?.map(({ seriesId: s, ...a }) => ({ member: members.indexOf(s), ...a })) ?? null };
    };
    const out: Row[] = [];
    for (let i = 0; i < TOTAL - 1; i++) out.push(...scorer.push(T0 + i * STEP_MS, VALUES[h].map((v) => v[i])).map(row));
    const open = scorer.tracker.current();
    if (open) out.push(row(open));
    return out;
  });
}

let n = 0;
async function createPipeline() {
  const prisma = getPrisma();
  const source = await prisma.dataSource.create({ data: { name: `rep-groups-${n++}`, kind: "HTTP_PUSH" } });
  const d = await createDetector({ name: source.name, ...ALGORITHM, mode: "STREAMING", trainingWindowHours: null, enabled: true, seriesIds: [], sourceIds: [source.id], retrainCron: null, grouping: HOSTS_GROUPING }, null);
  /** Steps `idx` of each (host, metric) that `keep` allows, with the true values (or `value`). */
  const write = (idx: number[], keep: (host: number, metric: number, i: number) => boolean = () => true, value = (h: number, m: number, i: number) => VALUES[h][m][i]) =>
    writeBatch(
      source.id,
      null,
      HOSTS.flatMap((host, h) =>
        METRICS.map((metric, m) => {
          const own = idx.filter((i) => keep(h, m, i));
          return { metric, labels: { host }, labelsKey: `host=${host}`, ms: own.map((i) => T0 + i * STEP_MS), values: own.map((i) => value(h, m, i)) };
        }),
      ),
    );
  const groups = async () => {
    await syncGroups(d.id);
    return prisma.seriesGroup.findMany({ where: { detectorId: d.id }, orderBy: { key: "asc" }, include: { members: { orderBy: { position: "asc" } } } });
  };
  return { detectorId: d.id, write, groups };
}

async function incidents(detectorId: string): Promise<Row[][]> {
  const groups = await getPrisma().seriesGroup.findMany({ where: { detectorId }, orderBy: { key: "asc" }, include: { members: { orderBy: { position: "asc" } } } });
  return Promise.all(
    groups.map(async (g) => {
      const members = g.members.map((m) => m.seriesId);
      const rows = await getPrisma().anomaly.findMany({ where: { detectorId, subjectId: g.id, detection: "ACTIVE" }, orderBy: { startTs: "asc" } });
      return rows.map((r) => ({
        startTs: r.startTs, endTs: r.endTs, peakTs: r.peakTs, peakScore: r.peakScore, severity: r.severity, pointCount: r.pointCount,
        actual: r.actual, expected: r.expected, lower: r.lower, upper: r.upper, ongoing: r.ongoing,
        shownUnder: members.indexOf(r.seriesId),
        attribution: (r.attribution as { seriesId: string }[] | null)?.map(({ seriesId: s, ...a }) => ({ member: members.indexOf(s), ...a })) ?? null,
      }));
    }),
  );
}

const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);
const expected = reference();

describe("repeatable grouped detection (random cut forest per host)", () => {
  it("finds incidents on these groups (the comparison is not vacuous)", () => {
    expect(expected[1].length).toBeGreaterThan(0);
  });

  it("one pass, and small pages", async () => {
    for (const pageSize of [10_000, 100]) {
      const p = await createPipeline();
      await p.write(range(0, TOTAL));
      for (const g of await p.groups()) await runDetection({ detectorId: p.detectorId, subjectId: g.id }, { pageSize });
      expect(await incidents(p.detectorId)).toEqual(expected);
    }
  });

  it("small writes, each scored by the shard batch path, with a warm and a cold worker cache", async () => {
    for (const cold of [false, true]) {
      const p = await createPipeline();
      for (let i = 0; i < TOTAL; i += 40) {
        await p.write(range(i, Math.min(TOTAL, i + 40)));
        if (cold) clearStateCache();
        await runDetectionBatch(p.detectorId, [...(await p.groups()).map((g) => g.id), "not-a-group"]);
      }
      expect(await incidents(p.detectorId)).toEqual(expected);
    }
  });

  it("one member's points late: every seventh step of host b's mem held back, then written newest first", async () => {
    const p = await createPipeline();
    const held = (h: number, m: number, i: number) => h === 1 && m === 1 && i % 7 === 3;
    for (let i = 0; i < TOTAL; i += 100) {
      await p.write(range(i, Math.min(TOTAL, i + 100)), (h, m, j) => !held(h, m, j));
      await runDetectionBatch(p.detectorId, (await p.groups()).map((g) => g.id));
    }
    const late = range(0, TOTAL).filter((i) => i % 7 === 3);
    for (let i = late.length; i > 0; i -= 20) {
      await p.write(late.slice(Math.max(0, i - 20), i), held);
      // Behind host b's watermark: a re-detection request for its group (rewound by the per-group run).
      expect(await getPrisma().redetectRequest.count({ where: { detectorId: p.detectorId } })).toBe(1);
      await runDetectionBatch(p.detectorId, (await p.groups()).map((g) => g.id));
    }
    expect(await incidents(p.detectorId)).toEqual(expected);
    expect(await getPrisma().redetectRequest.count({ where: { detectorId: p.detectorId } })).toBe(0);
  });

  it("wrong values corrected later, and a crash before a commit", async () => {
    const p = await createPipeline();
    const wrong = (h: number, m: number, i: number) => h === 0 && m === 2 && i % 150 === 75;
    await p.write(range(0, TOTAL), () => true, (h, m, i) => VALUES[h][m][i] * (wrong(h, m, i) ? 6 : 1));
    const groups = await p.groups();
    let crashes = 1;
    const crash = async (page: number) => {
      if (page === 1 && crashes-- > 0) throw new Error("worker died");
    };
    await expect(runDetection({ detectorId: p.detectorId, subjectId: groups[0].id }, { pageSize: 300, beforeCommit: crash })).rejects.toThrow("worker died");
    for (const g of groups) await runDetection({ detectorId: p.detectorId, subjectId: g.id }, { pageSize: 300 });
    expect((await incidents(p.detectorId))[0]).not.toEqual(expected[0]);
    await p.write(range(0, TOTAL).filter((i) => i % 150 === 75), (h, m, i) => wrong(h, m, i));
    crashes = 1;
    await expect(runDetection({ detectorId: p.detectorId, subjectId: groups[0].id }, { pageSize: 300, beforeCommit: crash })).rejects.toThrow("worker died");
    for (const g of groups) await runDetection({ detectorId: p.detectorId, subjectId: g.id }, { pageSize: 300 });
    expect(await incidents(p.detectorId)).toEqual(expected);
  });
});
