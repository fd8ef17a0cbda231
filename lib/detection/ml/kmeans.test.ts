import { describe, expect, it } from "vitest";
import { createRng } from "@/lib/detection/random";
import { centroidsOf, kmeans } from "./kmeans";
import { rocAuc, toObservations } from "./testing/synthetic";

const CENTRES = [
  [0, 0],
  [10, 0],
  [0, 10],
  [10, 10],
];

function blobs(perBlob: number, seed: number, spread = 0.5): number[][] {
  const rng = createRng(seed);
  const rows: number[][] = [];
  for (let i = 0; i < perBlob; i++) for (const c of CENTRES) rows.push(c.map((v) => v + spread * rng.normal()));
  return rows;
}

describe("kmeans", () => {
  it("recovers the centres of well separated blobs", () => {
    const det = kmeans.create(kmeans.params.parse({ k: 4, seed: 3 }));
    det.train!(toObservations(blobs(250, 1)));
    const found = centroidsOf(det.getState());
    expect(found).toHaveLength(4);
    for (const c of CENTRES) {
      const dist = Math.min(...found.map((f) => Math.hypot(f[0] - c[0], f[1] - c[1])));
      expect(dist).toBeLessThan(0.1);
    }
  });

  it("scores points between blobs far above points inside them", () => {
    const det = kmeans.create(kmeans.params.parse({ k: 4 }));
    det.train!(toObservations(blobs(250, 1)));
    const inside = blobs(25, 2).map((values, i) => det.update({ t: 1e9 + i, values }));
    const between = det.update({ t: 2e9, values: [5, 5] });
    const meanIn = inside.reduce((a, r) => a + r.score, 0) / inside.length;
    expect(meanIn).toBeLessThan(0.3);
    expect(between.score).toBeGreaterThan(0.95);
    expect(between.raw).toBeGreaterThan(1);
  });

  it("ranks off-cluster points with ROC-AUC above 0.97", () => {
    const det = kmeans.create(kmeans.params.parse({ k: 4 }));
    det.train!(toObservations(blobs(250, 1)));
    const rng = createRng(9);
    const normal = blobs(100, 4);
    const odd = Array.from({ length: 20 }, () => [2.5 + 5 * rng.next(), 2.5 + 5 * rng.next()]);
    const rows = [...normal, ...odd];
    const scores = rows.map((values, i) => det.update({ t: 1e9 + i, values }).score);
    expect(rocAuc(scores, rows.map((_, i) => i >= normal.length))).toBeGreaterThan(0.97);
  });

  it("gives univariate series a centroid-based expected value and band", () => {
    const det = kmeans.create(kmeans.params.parse({ k: 2, shingleSize: 3 }));
    const rng = createRng(5);
    const series = Array.from({ length: 600 }, (_, i) => [(i % 2 === 0 ? 0 : 100) + rng.normal()]);
    det.train!(toObservations(series));
    // The series alternates 0, 100 and ended on 100, so the next value should be ~0.
    const r = det.update({ t: 1e12, values: [0] });
    expect(Math.abs(r.expected!)).toBeLessThan(5);
    expect(r.lower!).toBeLessThan(0);
    expect(r.upper!).toBeGreaterThan(0);
    expect(r.score).toBeLessThan(0.5);
    expect(det.update({ t: 1e12 + 1, values: [50] }).score).toBeGreaterThan(0.9);
  });

  it("attributes a multivariate point to its features' parts of the squared distance to the centroid", () => {
    const det = kmeans.create(kmeans.params.parse({ k: 4, seed: 3 }));
    det.train!(toObservations(blobs(250, 1)));
    const r = det.update({ t: 1e9, values: [10.2, -3] });
    const state = det.getState();
    const { mean, std } = state.features;
    const [c] = centroidsOf(state)
      .map((cent) => ({ cent, d: Math.hypot((cent[0] - 10) / std[0], cent[1] / std[1]) }))
      .sort((a, b) => a.d - b.d)
      .map((x) => x.cent);
    // Hand check: standardized deviations from the nearest centroid [~10, ~0], squared, normalized.
    const dev = [0, 1].map((f) => (([10.2, -3][f] - mean[f]) / std[f]) - ((c[f] - mean[f]) / std[f]));
    const total = dev[0] ** 2 + dev[1] ** 2;
    expect(r.attribution).toHaveLength(2);
    expect(r.attribution![0].share).toBeCloseTo(dev[0] ** 2 / total, 9);
    expect(r.attribution![1].share).toBeCloseTo(dev[1] ** 2 / total, 9);
    expect(r.attribution![1].share).toBeGreaterThan(0.95);
    expect(r.attribution![1].direction).toBe("below");
    expect(r.attribution![0].direction).toBe(dev[0] < 0 ? "below" : "above");
  });

  it("gives no attribution for shingles of one series", () => {
    const det = kmeans.create(kmeans.params.parse({ k: 2, shingleSize: 3 }));
    det.train!(toObservations(Array.from({ length: 100 }, (_, i) => [i % 5])));
    expect(det.update({ t: 1e12, values: [2] }).attribution).toBeUndefined();
  });
});
