/**
 * A grouped detector's status is its groups': each group's watermark, model version, lag and pending
 * points, its members listed under it; a series whose group lacks a metric is listed as not in a
 * group. The metrics scrape's lag and the overview read a member's state through its group.
 */
import { beforeAll, describe, expect, it, vi } from "vitest";
import { withTestDatabase } from "@/test/test-database";
import { getPrisma } from "@/lib/server/db";
import { writeBatch } from "@/lib/ingest/write";
import { createDetector } from "@/lib/server/queries/detectors";
import { listDetectorSubjects } from "@/lib/server/queries/subject-status";
import { findDetectionLag } from "@/lib/server/queries/detection-lag";
import { measureDetectionLag } from "@/lib/server/queries/overview";
import { runDetection } from "@/lib/pipeline/detect-run";
import { runTraining } from "@/lib/pipeline/train-run";
import { STEP_MS, T0 } from "@/lib/pipeline/testing/fixtures";
import { HOSTS_GROUPING, TOTAL, TRAIN, writeHosts } from "@/lib/pipeline/testing/hosts";

vi.mock("server-only", () => ({}));
withTestDatabase();

const at = (i: number) => new Date(T0 + i * STEP_MS);
let detectorId = "";
let univariateId = "";

beforeAll(async () => {
  const prisma = getPrisma();
  const source = await prisma.dataSource.create({ data: { name: "hosts", kind: "HTTP_PUSH" } });
  await writeHosts(source.id, 0, TRAIN);
  // Host c has only cpu: its group never forms.
  await writeBatch(source.id, null, [{ metric: "cpu", labels: { host: "c" }, labelsKey: "host=c", ms: [T0], values: [1] }]);
  const base = { threshold: 0.5, mode: "STREAMING" as const, enabled: true, seriesIds: [], sourceIds: [source.id], retrainCron: null };
  const d = await createDetector({ ...base, name: "hosts", algorithm: "kmeans", params: { k: 4, shingleSize: 1, seed: 7 }, trainingWindowHours: 24, grouping: HOSTS_GROUPING }, null);
  detectorId = d.id;
  univariateId = (await createDetector({ ...base, name: "single", algorithm: "zscore", params: {}, trainingWindowHours: null, grouping: null }, null)).id;
  await runTraining({ detectorId });
  await writeHosts(source.id, TRAIN, TOTAL);
  for (const group of await prisma.seriesGroup.findMany({ where: { detectorId } })) expect(await runDetection({ detectorId, subjectId: group.id })).toMatchObject({ status: "done" });
});

describe("a grouped detector's status", () => {
  it("lists each group with its watermark, model version and lag, its members under it", async () => {
    const prisma = getPrisma();
    const { subjects, total, ungrouped } = await listDetectorSubjects(detectorId);
    expect(total).toBe(2);
    expect(subjects.map((s) => s.group)).toEqual(['{"host":"a"}', '{"host":"b"}']);
    for (const s of subjects) {
      const state = await prisma.detectorState.findUniqueOrThrow({ where: { detectorId_subjectId: { detectorId, subjectId: s.subjectId } } });
      const model = await prisma.modelVersion.findFirstOrThrow({ where: { detectorId, subjectId: s.subjectId, active: true } });
      expect(s.members.map((m) => m.metric)).toEqual(["cpu", "mem", "latency"]);
      expect(s.members.every((m) => m.labels.host === JSON.parse(s.group!).host && m.latest?.getTime() === at(TOTAL - 1).getTime())).toBe(true);
      // The last step stays open until a point at or after its end: its three points are pending.
      expect(state.watermark!.getTime()).toBe(at(TOTAL - 1).getTime() - 1);
      expect(s).toMatchObject({ watermark: state.watermark, latest: at(TOTAL - 1), pending: 3, modelVersion: model.version, lagSeconds: 0.001 });
    }
    expect(ungrouped.map((u) => [u.metric, u.labels])).toEqual([["cpu", { host: "c" }]]);
  });

  it("lists a univariate detector's series as its subjects", async () => {
    const { subjects, total, ungrouped } = await listDetectorSubjects(univariateId);
    expect([subjects.length, total, ungrouped]).toEqual([7, 7, []]);
    expect(subjects.every((s) => s.group === null && s.members.length === 1 && s.subjectId === s.members[0].seriesId && s.watermark === null && s.lagSeconds === null)).toBe(true);
    expect(subjects.find((s) => s.members[0].labels.host === "c")!.pending).toBe(1);
  });

  it("reads a member's lag through its group in the metrics scrape and the overview", async () => {
    const lag = (await findDetectionLag()).find((r) => r.detector === "hosts")!;
    // Host c's lone cpu point is in no group: nothing scores it, and it is the oldest unscored point.
    const oldest = (Date.now() - T0) / 1000;
    expect(lag.seconds).toBeGreaterThan(oldest - 60);
    await getPrisma().detectorSeries.deleteMany({ where: { detectorId, series: { labels: { path: ["host"], equals: "c" } } } });
    const grouped = (await findDetectionLag()).find((r) => r.detector === "hosts")!;
    expect(Math.abs(grouped.seconds - (Date.now() - at(TOTAL - 1).getTime()) / 1000)).toBeLessThan(60);
    const overview = await measureDetectionLag(new Date(0));
    // The univariate detector never ran: its 7 series are never scored; the group members are.
    expect(overview.neverScored).toBe(7);
  });
});
