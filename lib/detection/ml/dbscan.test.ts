import { describe, expect, it } from "vitest";
import { createRng } from "@/lib/detection/random";
import { dbscan } from "./dbscan";
import { fitDbscan, kneeOf, labelDbscan } from "./dbscan-model";
import { toObservations } from "./testing/synthetic";

describe("dbscan", () => {
  it("labels a known small set as scikit-learn's DBSCAN(eps=1.5, min_samples=4) does", () => {
    const points = [
      [0, 0], [0, 1], [1, 0], [1, 1], // cluster 0: each sees the other three within 1.5 (diagonal 1.41)
      [10, 10], [10, 11], [11, 10], [11, 11], // cluster 1
      [12.2, 11], // border of cluster 1: 1.2 from (11, 11), too few neighbours to be core
      [5, 5], // noise
    ];
    const x = Float64Array.from(points.flat());
    const { labels, clusters } = labelDbscan(x, points.length, 2, 4, 1.5);
    expect(Array.from(labels)).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 1, -1]);
    expect(clusters).toBe(2);
    const model = fitDbscan(x, points.length, 2, 4, 1.5);
    expect(model.core).toEqual(points.slice(0, 8).flat());
    expect(model.coreShare).toBeCloseTo(0.8, 12);
    expect(model.epsFromKnee).toBe(false);
  });

  it("takes eps from the knee of the k-distance curve", () => {
    // Flat, then rising: normalized gap i/(n-1) - y is largest at the last flat point.
    expect(kneeOf(Float64Array.from([1, 1, 1, 1, 1, 1, 1, 1, 5, 10]))).toBe(1);
    expect(kneeOf(Float64Array.from([0.5, 0.6, 0.7, 0.8, 3, 6, 9]))).toBe(0.8);
  });

  it("scores by distance to the nearest core point relative to eps, attributing the displaced feature", () => {
    const rng = createRng(2);
    const rows = Array.from({ length: 1000 }, (_, i) => (i % 2 ? [0, 0, 0] : [10, 10, 10]).map((c) => c + rng.normal()));
    const det = dbscan.create(dbscan.params.parse({ minPts: 5 }));
    det.train!(toObservations(rows));
    const m = det.getState().model!;
    expect(m.epsFromKnee).toBe(true);
    expect(m.coreShare).toBeGreaterThan(0.5);
    const inside = det.update({ t: 1e9, values: [10.1, 9.9, 10] });
    expect(inside.raw).toBeLessThan(m.eps);
    expect(inside.score).toBeLessThan(0.5);
    const off = det.update({ t: 1e9 + 1, values: [10, 10, 25] });
    expect(off.raw).toBeGreaterThan(2 * m.eps);
    expect(off.score).toBeGreaterThan(0.8);
    expect(off.attribution![2].share).toBeGreaterThan(0.9);
    expect(off.attribution![2].direction).toBe("above");
  });
});
