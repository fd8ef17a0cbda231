import { describe, expect, it } from "vitest";
import { ZodError } from "zod";
import { withTestDatabase } from "@/test/test-database";
import { createDetector as createLive } from "@/lib/detection";
import { getPrisma } from "@/lib/server/db";
import { upsertPoints } from "@/lib/server/queries/points";
import { shardOf } from "@/lib/pipeline/shard";
import type { QueueBackend } from "@/lib/queue/connection";
import { ZCreateDetector } from "@/lib/detectors/schemas";
import {
  createDetector,
  deleteDetector,
  getDetector,
  listDetectorSeriesStatus,
  requestBackfill,
  requestTraining,
  updateDetector,
} from "@/lib/server/queries/detectors";
import { listSeriesPage, previewDetector, readSeriesBuckets } from "@/lib/server/queries/series";
import { decodeSeriesCursor } from "@/lib/sources/series-query";

withTestDatabase();

const audits = (entityId: string) => getPrisma().auditLog.findMany({ where: { entity: "detector", entityId }, orderBy: { id: "asc" } });
const T0 = Date.UTC(2026, 0, 1);
const MIN = 60_000;

async function seedSeries(metric: string, values: number[], gapAt?: number) {
  const source = await getPrisma().dataSource.upsert({ where: { name: "test" }, create: { name: "test", kind: "CSV_UPLOAD" }, update: {} });
  const s = await getPrisma().series.create({ data: { sourceId: source.id, metric } });
  const ts = values.map((_, i) => new Date(T0 + (gapAt !== undefined && i >= gapAt ? i + 100 : i) * MIN));
  await upsertPoints(s.id, ts, values);
  return s.id;
}

function fakeBackend() {
  const added: { name: string; data: unknown; opts: unknown }[] = [];
  const backend = { queue: () => ({ add: async (name: string, data: unknown, opts: unknown) => (added.push({ name, data, opts }), { id: String(added.length) }) }) };
  return { backend: backend as unknown as QueueBackend, added };
}

async function paths(p: Promise<unknown>): Promise<string[]> {
  const e = await p.then(() => null, (err: unknown) => err);
  if (e instanceof ZodError) return e.issues.map((i) => i.path.join("."));
  throw new Error(`expected a ZodError, got ${String(e)}`);
}

const wave = (n: number, spikeAt: number) => Array.from({ length: n }, (_, i) => 10 + Math.sin(i / 7) + (i === spikeAt ? 25 : 0));

describe("detectors", () => {
  it("validate params per algorithm with params.<field> paths", async () => {
    const base = ZCreateDetector.parse({ name: "bad", algorithm: "zscore", threshold: 0.5 });
    expect(await paths(createDetector({ ...base, params: { window: 1, bandSigmas: -1 } }, null))).toEqual(["params.window", "params.bandSigmas"]);
    expect(await paths(createDetector({ ...base, algorithm: "nope" }, null))).toEqual(["algorithm"]);
    expect(() => ZCreateDetector.parse({ name: "x", algorithm: "zscore", threshold: 1.5 })).toThrow(ZodError);
    expect(await getPrisma().detector.count()).toBe(0);
  });

  it("are created with defaults, attach and detach series, and audit every change", async () => {
    const a = await seedSeries("a", wave(50, -1));
    const b = await seedSeries("b", wave(50, -1));
    const d = await createDetector(ZCreateDetector.parse({ name: "z", algorithm: "zscore", params: { window: 30 }, seriesIds: [a] }), null);
    expect(d).toMatchObject({ threshold: 0.5, params: { window: 30, minPoints: 20, bandSigmas: 3 }, enabled: true });
    expect(d.series.map((s) => s.series.id)).toEqual([a]);

    const same = await updateDetector(d.id, { seriesIds: [b], enabled: false }, null);
    expect(same.restartsCheckpoint).toBe(false);
    expect(same.series.map((s) => s.series.id)).toEqual([b]);
    expect((await listDetectorSeriesStatus(d.id)).map((s) => s.metric)).toEqual(["b"]);

    const changed = await updateDetector(d.id, { threshold: 0.7, params: { window: 40 } }, null);
    expect(changed.restartsCheckpoint).toBe(true);
    expect(changed.params).toMatchObject({ window: 40 });
    expect(await paths(updateDetector(d.id, { params: { window: "big" } }, null))).toEqual(["params.window"]);
    await expect(updateDetector(d.id, { seriesIds: ["missing"] }, null)).rejects.toMatchObject({ code: "unprocessable" });

    await deleteDetector(d.id, null);
    await expect(getDetector(d.id)).rejects.toMatchObject({ code: "not_found" });
    const rows = await audits(d.id);
    expect(rows.map((r) => r.action)).toEqual(["create", "update", "update", "delete"]);
    expect(rows[1].details).toMatchObject({ attached: [b], detached: [a], restartsCheckpoint: false });
    expect(rows[2].details).toMatchObject({ threshold: 0.7, restartsCheckpoint: true });
  });

  it("refuse a duplicate name", async () => {
    await createDetector(ZCreateDetector.parse({ name: "dup", algorithm: "ewma" }), null);
    await expect(createDetector(ZCreateDetector.parse({ name: "dup", algorithm: "ewma" }), null)).rejects.toMatchObject({ code: "conflict" });
  });

  it("backfill: re-detection requests for scored series and one doorbell per shard; training only when needed", async () => {
    const a = await seedSeries("bf-a", wave(30, -1));
    const b = await seedSeries("bf-b", wave(30, -1));
    const d = await createDetector(ZCreateDetector.parse({ name: "bf", algorithm: "zscore", seriesIds: [a, b] }), null);
    const { backend, added } = fakeBackend();
    const from = new Date(T0).toISOString();
    const to = new Date(T0 + 3600_000).toISOString();
    await getPrisma().detectorState.createMany({ data: [a, b].map((seriesId) => ({ detectorId: d.id, subjectId: seriesId, watermark: new Date(T0 + 7200_000) })) });
    const shards = new Set([a, b].map(shardOf)).size;
    expect(await requestBackfill(backend, d.id, { from, to }, null)).toMatchObject({ jobs: shards, seriesIds: [a, b] });
    expect(added.map((j) => j.name)).toEqual(Array(shards).fill("detect.run"));
    const requests = await getPrisma().redetectRequest.findMany({ where: { detectorId: d.id }, orderBy: { subjectId: "asc" } });
    expect(requests.map((r) => [r.subjectId, r.fromTs.toISOString()])).toEqual([a, b].sort().map((s) => [s, from]));
    await expect(requestBackfill(backend, d.id, { seriesId: "other", from, to }, null)).rejects.toMatchObject({ code: "unprocessable" });
    await expect(requestTraining(backend, d.id, null)).rejects.toMatchObject({ code: "unprocessable" });

    const iso = await createDetector(ZCreateDetector.parse({ name: "iso", algorithm: "isolation-forest", seriesIds: [a] }), null);
    await requestTraining(backend, iso.id, null);
    expect(added.at(-1)).toMatchObject({ name: "train.run", data: { detectorId: iso.id } });
    expect((await audits(d.id)).map((r) => r.action)).toEqual(["create", "backfill"]);
  });
});

describe("series and preview", () => {
  it("list with metric search and keyset pages", async () => {
    const first = await listSeriesPage({ q: "BF-", limit: 1, count: true });
    expect(first.total).toBe(2);
    expect(first.items.map((s) => s.metric)).toEqual(["bf-a"]);
    const second = await listSeriesPage({ q: "BF-", limit: 1, cursor: decodeSeriesCursor(first.nextCursor!)! });
    expect(second.items.map((s) => s.metric)).toEqual(["bf-b"]);
    expect(second.nextCursor).toBeNull();
    expect(second.total).toBeUndefined();
  });

  it("downsample into min/max/avg buckets and leave gaps empty", async () => {
    const id = await seedSeries("bucketed", Array.from({ length: 100 }, (_, i) => i), 50);
    const { buckets, bucketMs } = await readSeriesBuckets(id, { maxPoints: 20 });
    expect(bucketMs).toBeGreaterThan(5 * MIN);
    expect(buckets.reduce((n, b) => n + b.count, 0)).toBe(100);
    expect(buckets.length).toBeLessThan(20);
    for (const b of buckets) expect(b.min <= b.avg && b.avg <= b.max).toBe(true);
    expect(buckets[0]).toMatchObject({ t: T0, min: 0 });
  });

  it("gives the numbers of running the library directly", async () => {
    const values = wave(300, 200);
    const id = await seedSeries("preview", values);
    const params = { window: 50, minPoints: 20 };
    const res = await previewDetector({ algorithm: "zscore", params, threshold: 0.5, seriesId: id, maxPoints: 1000, trainingWindowHours: null });
    const live = createLive("zscore", params);
    const direct = values.map((v, i) => live.update({ t: T0 + i * MIN, values: [v] }));
    expect(res.points.map((p) => p.score)).toEqual(direct.map((s) => (s.skipped ? null : s.score)));
    expect(res.points[250].expected).toBe(direct[250].expected);
    expect(res.events.map((e) => e.peakT)).toContain(T0 + 200 * MIN);
    expect(await paths(previewDetector({ algorithm: "zscore", params: { window: 0 }, threshold: 0.5, seriesId: id, maxPoints: 100, trainingWindowHours: null }))).toEqual(["params.window"]);
  });

  it("trains algorithms that need it as the worker does: the training window before the first scored point", async () => {
    const id = await seedSeries("trained", wave(400, 350));
    // No history before the window: the window's first hours train (at most half), unscored.
    const young = await previewDetector({ algorithm: "isolation-forest", params: { trees: 20 }, threshold: 0.65, seriesId: id, maxPoints: 1000, trainingWindowHours: null });
    expect([young.trainedOn, young.unscored, young.trainedTo]).toEqual([200, 200, T0 + 199 * MIN]);
    expect(young.points.slice(0, 200).every((p) => p.score === null)).toBe(true);
    expect(young.points.slice(220).some((p) => p.score !== null)).toBe(true);
    // With history: trained on the 2 h before `from`, every point of the window scored, as a model trained there would.
    const from = new Date(T0 + 300 * MIN).toISOString();
    const res = await previewDetector({ algorithm: "isolation-forest", params: { trees: 20 }, threshold: 0.65, seriesId: id, from, maxPoints: 1000, trainingWindowHours: 2 });
    expect([res.trainedOn, res.unscored, res.trainedTo, res.points.length]).toEqual([120, 0, T0 + 299 * MIN, 100]);
    expect(res.points.every((p) => p.score !== null)).toBe(true);
  });
});
