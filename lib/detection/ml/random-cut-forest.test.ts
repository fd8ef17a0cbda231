import { describe, expect, it } from "vitest";
import { createRng } from "@/lib/detection/random";
import { randomCutForest } from "./random-cut-forest";
import { RcfTree } from "./rcf-tree";
import { decodeTree, encodeTree } from "./rcf-tree-codec";
import { gaussianCloud, rocAuc, sineSeries } from "./testing/synthetic";

describe("RcfTree", () => {
  it("keeps masses and boxes consistent through inserts and deletes", () => {
    const rng = createRng(1);
    const tree = new RcfTree(64, 2);
    const leaves: number[] = [];
    const pts = gaussianCloud(200, 2, 2);
    for (const [i, row] of pts.entries()) {
      leaves.push(tree.insert(Float64Array.from(row), rng));
      if (i >= 50) tree.remove(leaves[i - 50]);
    }
    // The root holds the 50 live points and its box is their exact bounding box.
    expect(tree.massOf(tree.root)).toBe(50);
    const live = pts.slice(150);
    expect(tree.boxOf(tree.root)).toEqual([
      Math.min(...live.map((r) => r[0])),
      Math.min(...live.map((r) => r[1])),
      Math.max(...live.map((r) => r[0])),
      Math.max(...live.map((r) => r[1])),
    ]);
  });

  it("scores like its own decoded copy through inserts, duplicates and deletes", () => {
    const rng = createRng(5);
    const tree = new RcfTree(64, 3);
    const leaves: number[] = [];
    // Rounded to a coarse grid so that some points repeat (duplicate leaves gain and lose mass).
    const pts = gaussianCloud(400, 3, 6).map((row) => Float64Array.from(row, (v) => Math.round(v * 2) / 2));
    const probes = gaussianCloud(50, 3, 7, 2).map((row) => Float64Array.from(row));
    for (const [i, p] of pts.entries()) {
      leaves.push(tree.insert(p, rng));
      if (i >= 60) tree.remove(leaves[i - 60]);
      if (i % 97 !== 0) continue;
      // The decoder rebuilds masses and boxes from the encoding: the live tree's must agree.
      const copy = decodeTree(encodeTree(tree, new Map()), 64, 3).tree;
      for (const q of probes) expect(tree.codisp(q)).toBe(copy.codisp(q));
    }
  });

  it("gives CoDisp = |tree| for a point isolated far from a tight cluster", () => {
    const rng = createRng(3);
    const tree = new RcfTree(64, 2);
    for (const row of gaussianCloud(40, 2, 4, 0.01)) tree.insert(Float64Array.from(row), rng);
    // So far away that the first cut separates it with probability ≈ 1: it displaces all 40 points.
    expect(tree.codisp(Float64Array.from([1e6, 1e6]))).toBeCloseTo(40, 3);
    expect(tree.codisp(Float64Array.from([0, 0]))).toBeLessThan(10);
  });
});

// Full-size forests stream thousands of points; generous timeouts keep a busy CI from flaking.
describe("randomCutForest", { timeout: 60_000 }, () => {
  it("needs no training and reports warm-up until the forest is seeded", () => {
    const det = randomCutForest.create(randomCutForest.params.parse({ warmup: 100, shingleSize: 4 }));
    const series = sineSeries(200, 1);
    const res = series.map((v, i) => det.update({ t: i, values: [v] }));
    // 3 points to fill the shingle, then 100 shingles buffered.
    expect(res.slice(0, 103).every((r) => r.skipped === "warmup")).toBe(true);
    expect(res.slice(103).every((r) => r.skipped === undefined)).toBe(true);
  });

  it("scores a spike in a sine wave far above normal points", () => {
    const det = randomCutForest.create(randomCutForest.params.parse({}));
    const series = sineSeries(6000, 2, 50, 0.05);
    series[5000] += 2;
    const res = series.map((v, i) => det.update({ t: i * 60_000, values: [v] }));
    const normal = res.slice(1000, 4990).map((r) => r.score);
    const maxNormal = Math.max(...normal);
    expect(res[5000].score).toBeGreaterThan(0.9);
    expect(res[5000].raw).toBeGreaterThan(5 * (res.slice(1000, 4990).reduce((s, r) => s + r.raw, 0) / 3990));
    expect(maxNormal).toBeLessThan(0.7);
    expect(res[5000].expected).toBeCloseTo(series[4999], 0);
  });

  it("ranks multivariate outliers with ROC-AUC above 0.95", () => {
    const det = randomCutForest.create(randomCutForest.params.parse({ warmup: 300 }));
    const rng = createRng(11);
    const rows = gaussianCloud(3000, 4, 5);
    const labels = rows.map(() => false);
    for (let i = 1000; i < 3000; i += 40) {
      rows[i] = rows[i].map(() => 5 * (rng.next() < 0.5 ? -1 : 1) + rng.normal());
      labels[i] = true;
    }
    const res = rows.map((values, i) => det.update({ t: i, values }));
    const scored = res.slice(1000);
    expect(rocAuc(scored.map((r) => r.score), labels.slice(1000))).toBeGreaterThan(0.95);
  });

  it("resumes exactly with the default forest size", () => {
    const params = randomCutForest.params.parse({});
    const obs = sineSeries(1500, 4).map((v, i) => ({ t: i, values: [v + (i % 97 === 0 ? 2 : 0)] }));
    const whole = randomCutForest.create(params);
    const expected = obs.map((o) => whole.update(o));
    const first = randomCutForest.create(params);
    obs.slice(0, 700).forEach((o) => first.update(o));
    const resumed = randomCutForest.create(params, JSON.parse(JSON.stringify(first.getState())));
    expect(obs.slice(700).map((o) => resumed.update(o))).toEqual(expected.slice(700));
  });

  it("learns online: a level shift stops being anomalous once the samples have moved on", () => {
    const det = randomCutForest.create(randomCutForest.params.parse({}));
    const series = sineSeries(9000, 5).map((v, i) => v + (i >= 3000 ? 3 : 0));
    const res = series.map((v, i) => det.update({ t: i, values: [v] }));
    expect(Math.max(...res.slice(3000, 3008).map((r) => r.score))).toBeGreaterThan(0.9);
    const late = res.slice(8000).map((r) => r.score);
    expect(late.reduce((a, b) => a + b, 0) / late.length).toBeLessThan(0.2);
  });

  it("uses train(history) as its warm-up", () => {
    const det = randomCutForest.create(randomCutForest.params.parse({}));
    det.train!(sineSeries(1000, 3).map((v, i) => ({ t: i, values: [v] })));
    const r = det.update({ t: 1000, values: [Math.sin((2 * Math.PI * 1000) / 50)] });
    expect(r.skipped).toBeUndefined();
    expect(r.score).toBeLessThan(0.5);
  });
});
