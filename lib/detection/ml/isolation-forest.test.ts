import { describe, expect, it } from "vitest";
import { isolationForest } from "./isolation-forest";
import { averagePathLength } from "./isolation-forest-model";
import { gaussianCloud, rocAuc, toObservations } from "./testing/synthetic";

describe("averagePathLength c(n)", () => {
  it("matches hand-computed values", () => {
    expect(averagePathLength(1)).toBe(0);
    expect(averagePathLength(2)).toBe(1);
    // c(3) = 2(ln 2 + γ) - 4/3 = 2(0.693147 + 0.577216) - 1.333333
    expect(averagePathLength(3)).toBeCloseTo(1.207392, 5);
    // c(256) = 2(ln 255 + γ) - 510/256 = 2(5.541264 + 0.577216) - 1.992188
    expect(averagePathLength(256)).toBeCloseTo(10.244770, 5);
  });
});

describe("isolationForest", () => {
  const train = gaussianCloud(2000, 3, 1);

  it("scores far outliers above 0.6 and inliers around 0.4-0.5", () => {
    const det = isolationForest.create(isolationForest.params.parse({}));
    det.train!(toObservations(train));
    const inliers = gaussianCloud(200, 3, 2).map((values, i) => det.update({ t: 1e9 + i, values }).score);
    const outliers = [
      [8, 8, 8],
      [-7, 6, 0],
      [5, -5, 9],
    ].map((values, i) => det.update({ t: 2e9 + i, values }).score);
    const meanIn = inliers.reduce((a, b) => a + b, 0) / inliers.length;
    expect(meanIn).toBeGreaterThan(0.38);
    expect(meanIn).toBeLessThan(0.5);
    for (const s of outliers) expect(s).toBeGreaterThan(0.6);
  });

  it("ranks contaminated points with ROC-AUC above 0.95", () => {
    const det = isolationForest.create(isolationForest.params.parse({ seed: 7 }));
    det.train!(toObservations(train));
    const normal = gaussianCloud(500, 3, 3);
    const anomalies = gaussianCloud(25, 3, 4, 1, 4);
    const rows = [...normal, ...anomalies];
    const scores = rows.map((values, i) => det.update({ t: 1e9 + i, values }).score);
    const labels = rows.map((_, i) => i >= normal.length);
    expect(rocAuc(scores, labels)).toBeGreaterThan(0.95);
  });

  it("reports path length as raw and a band for univariate series", () => {
    const det = isolationForest.create(isolationForest.params.parse({ shingleSize: 4 }));
    const series = gaussianCloud(500, 1, 5).map((r) => [10 + r[0]]);
    det.train!(toObservations(series));
    const r = det.update({ t: 1e12, values: [10] });
    expect(r.skipped).toBeUndefined();
    expect(r.raw).toBeGreaterThan(1);
    expect(r.expected).toBeCloseTo(10, 0);
    expect(r.lower!).toBeLessThan(10);
    expect(r.upper!).toBeGreaterThan(10);
  });
});
