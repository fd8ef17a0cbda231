import { describe, expect, it } from "vitest";
import { createRng } from "@/lib/detection/random";
import { KdTree } from "./kd-tree";
import { lof } from "./lof";
import { LofModel } from "./lof-model";
import { gaussianCloud, rocAuc, toObservations } from "./testing/synthetic";

/** Naive O(n²) novelty LOF straight from the definitions, independent of the kd-tree code. */
function naiveLof(ref: number[][], queries: number[][], k: number): number[] {
  const dist = (a: number[], b: number[]) => Math.hypot(...a.map((v, i) => v - b[i]));
  const knn = (p: number[], skip: number) =>
    ref
      .map((r, i) => ({ i, d: dist(p, r) }))
      .filter((e) => e.i !== skip)
      .sort((a, b) => a.d - b.d)
      .slice(0, k);
  const kdist = ref.map((r, i) => knn(r, i)[k - 1].d);
  const lrdOf = (nbrs: { i: number; d: number }[]) =>
    1 / (nbrs.reduce((s, n) => s + Math.max(kdist[n.i], n.d), 0) / k + 1e-10);
  const lrd = ref.map((r, i) => lrdOf(knn(r, i)));
  return queries.map((q) => {
    const nbrs = knn(q, -1);
    return nbrs.reduce((s, n) => s + lrd[n.i], 0) / k / lrdOf(nbrs);
  });
}

describe("LofModel", () => {
  // Unit square, k = 2: every corner has k-distance 1 and lrd 1.
  const square = Float64Array.from([0, 0, 0, 1, 1, 0, 1, 1]);

  it("matches hand-computed LOF values on the unit square", () => {
    const m = new LofModel(2, 2, square);
    // Inside the square the neighbours' reach-distances are their k-distance 1 → LOF 1.
    expect(m.score(Float64Array.from([0, 0.5]))).toBeCloseTo(1, 8);
    expect(m.score(Float64Array.from([0.5, 0.5]))).toBeCloseTo(1, 8);
    // (3,0): neighbours (1,0) at 2 and (1,1) at √5 → lrd = 2/(2+√5), LOF = (2+√5)/2.
    expect(m.score(Float64Array.from([3, 0]))).toBeCloseTo((2 + Math.sqrt(5)) / 2, 8);
    expect(Array.from(m.trainLof!)).toEqual([1, 1, 1, 1].map((v) => expect.closeTo(v, 8)));
  });

  it("agrees with a naive O(n²) implementation on random data", () => {
    const ref = [...gaussianCloud(300, 3, 1), ...gaussianCloud(30, 3, 2, 0.2, 3)];
    const queries = [...gaussianCloud(40, 3, 3), [5, 5, 5], [3, 3, 3.5], [0, 0, 0]];
    const m = new LofModel(7, 3, Float64Array.from(ref.flat()));
    const expected = naiveLof(ref, queries, 7);
    queries.forEach((q, i) => expect(m.score(Float64Array.from(q))).toBeCloseTo(expected[i], 9));
  });

  it("reachFloor keeps duplicates (plateaus, integer counts) from making a near point a huge outlier", () => {
    // 20 copies of (0, 0) and a few points around: the copies have k-distance 0 and density 1e10.
    const ref = Float64Array.from([...Array(20).fill([0, 0]).flat(), 1, 0, 0, 1, -1, 0, 0, -1]);
    const near = Float64Array.from([0.1, 0]);
    expect(new LofModel(5, 2, ref).score(near)).toBeGreaterThan(1e6);
    const floored = new LofModel(5, 2, ref, undefined, undefined, 0.2);
    expect(floored.score(near)).toBeCloseTo(1, 6);
    expect(floored.score(Float64Array.from([3, 3]))).toBeGreaterThan(5);
    // The floor is part of the saved model; models saved before it existed keep the exact LOF.
    const json = floored.toJSON(1);
    expect(LofModel.fromJSON(json).score(near)).toBe(floored.score(near));
    expect(new LofModel(5, 2, ref).toJSON(1).reachFloor).toBeUndefined();
  });
});

describe("KdTree", () => {
  it.each([
    [4, false],
    [4, true],
    [12, false],
    [12, true],
  ])("returns the exact neighbours in %i-D (linear scan: %s)", (d, scan) => {
    const rows = gaussianCloud(2000, d, 8);
    const x = Float64Array.from(rows.flat());
    const tree = new KdTree(x, rows.length, d, 8);
    tree.bruteForce = scan;
    const outI = new Int32Array(5);
    const outD = new Float64Array(5);
    const rng = createRng(1);
    for (let trial = 0; trial < 30; trial++) {
      const q = Float64Array.from({ length: d }, () => 2 * rng.normal());
      expect(tree.knn(q, 0, 5, -1, outI, outD)).toBe(5);
      const brute = rows
        .map((r, i) => ({ i, d: Math.hypot(...r.map((v, j) => v - q[j])) }))
        .sort((a, b) => a.d - b.d)
        .slice(0, 5);
      brute.forEach((b, j) => {
        expect(outD[j]).toBeCloseTo(b.d, 12);
        expect(outI[j]).toBe(b.i);
      });
    }
  });

  it("prefers the tree for low intrinsic dimension and the scan for iid 12-D data", () => {
    const flat = gaussianCloud(3000, 2, 1).map(([a, b]) => [a, b, a + b, a - b, 2 * a, 2 * b, a, b]);
    expect(new KdTree(Float64Array.from(flat.flat()), 3000, 8).bruteForce).toBe(false);
    expect(new KdTree(Float64Array.from(gaussianCloud(3000, 12, 2).flat()), 3000, 12).bruteForce).toBe(true);
  });
});

describe("lof detector", { timeout: 60_000 }, () => {
  it("separates injected outliers with ROC-AUC above 0.95", () => {
    const det = lof.create(lof.params.parse({ k: 10 }));
    det.train!(toObservations([...gaussianCloud(800, 2, 1), ...gaussianCloud(200, 2, 2, 0.3, 5)]));
    const normal = [...gaussianCloud(150, 2, 3), ...gaussianCloud(50, 2, 4, 0.3, 5)];
    const odd = gaussianCloud(15, 2, 5, 0.3, 2.5);
    const rows = [...normal, ...odd];
    const results = rows.map((values, i) => det.update({ t: 1e9 + i, values }));
    expect(rocAuc(results.map((r) => r.score), rows.map((_, i) => i >= normal.length))).toBeGreaterThan(0.95);
    const inlierRaw = results.slice(0, normal.length).map((r) => r.raw);
    expect(inlierRaw.reduce((a, b) => a + b, 0) / inlierRaw.length).toBeCloseTo(1, 0);
  });
});
