import { describe, expect, it } from "vitest";
import { createRng } from "@/lib/detection/random";
import { gaussianMixture, type GmmState } from "./gaussian-mixture";
import { toObservations } from "./testing/synthetic";

/** 30% around (0, 0) with sd 1, 70% around (8, 4) with sd 0.5: two well separated clusters. */
function twoClusters(n: number, seed: number): number[][] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () =>
    rng.next() < 0.3 ? [rng.normal(), rng.normal()] : [8 + 0.5 * rng.normal(), 4 + 0.5 * rng.normal()],
  );
}

/** Component means and weights back in the data's units. */
function components(state: GmmState) {
  const m = state.model!;
  const { mean, std } = state.features;
  return Array.from({ length: m.k }, (_, c) => ({
    weight: m.weights[c],
    mean: [0, 1].map((j) => m.means[c * m.width + j] * std[j] + mean[j]),
  })).sort((a, b) => a.mean[0] - b.mean[0]);
}

describe("gaussian mixture", () => {
  const trained = () => {
    const det = gaussianMixture.create(gaussianMixture.params.parse({ maxComponents: 4, seed: 3 }));
    det.train!(toObservations(twoClusters(2000, 1)));
    return det;
  };

  it("EM recovers the two clusters' means and weights, and BIC picks 2 of 1..4", () => {
    const state = trained().getState();
    const bic = state.model!.bic;
    expect(bic).toHaveLength(4);
    expect(bic.indexOf(Math.min(...bic))).toBe(1);
    const [a, b] = components(state);
    expect(a.weight).toBeCloseTo(0.3, 1);
    expect(b.weight).toBeCloseTo(0.7, 1);
    expect(Math.abs(a.weight + b.weight - 1)).toBeLessThan(1e-9);
    expect(Math.hypot(a.mean[0], a.mean[1])).toBeLessThan(0.15);
    expect(Math.hypot(b.mean[0] - 8, b.mean[1] - 4)).toBeLessThan(0.06);
  });

  it("with one component is the Gaussian of the sample: NLL is the closed-form density", () => {
    const det = gaussianMixture.create(gaussianMixture.params.parse({ maxComponents: 1, covariance: "diag" }));
    const rows = twoClusters(500, 2);
    det.train!(toObservations(rows));
    const s = det.getState();
    // Standardized with the sample's own mean and (population) sd, so the fitted Gaussian is N(0, I + 1e-6).
    expect(s.model!.means.every((v) => Math.abs(v) < 1e-12)).toBe(true);
    const x = [3, -1];
    const z = x.map((v, j) => (v - s.features.mean[j]) / s.features.std[j]);
    const variance = 1 + 1e-6;
    const expected = z.reduce((acc, zj) => acc + 0.5 * (Math.log(2 * Math.PI * variance) + (zj * zj) / variance), 0);
    expect(det.update({ t: 1e9, values: x }).raw).toBeCloseTo(expected, 9);
  });

  it("scores points between the clusters far above points inside them, attributing the shifted feature", () => {
    const det = trained();
    const inside = twoClusters(200, 5).map((values, i) => det.update({ t: 1e9 + i, values }).score);
    expect(inside.filter((s) => s >= 0.5).length).toBeLessThan(10);
    // 4.5 sd from the small cluster, 8 from the big one.
    const between = det.update({ t: 2e9, values: [4, 2] });
    expect(between.score).toBeGreaterThan(0.8);
    expect(between.score).toBeGreaterThan(Math.max(...inside));
    // 5 sd above the big cluster in the second feature only.
    const shifted = det.update({ t: 2e9 + 1, values: [8, 6.5] });
    expect(shifted.score).toBeGreaterThan(0.5);
    expect(shifted.attribution![1].share).toBeGreaterThan(0.9);
    expect(shifted.attribution![1].direction).toBe("above");
    expect(shifted.attribution![0].share + shifted.attribution![1].share).toBeCloseTo(1, 12);
  });

  it("gives univariate series the responsible component's value and band", () => {
    const det = gaussianMixture.create(gaussianMixture.params.parse({ shingleSize: 3, maxComponents: 3 }));
    const rng = createRng(4);
    det.train!(toObservations(Array.from({ length: 600 }, (_, i) => [(i % 2 ? 100 : 0) + rng.normal()])));
    const r = det.update({ t: 1e12, values: [0.5] });
    expect(Math.abs(r.expected!)).toBeLessThan(2);
    expect(r.lower!).toBeLessThan(0.5);
    expect(r.upper!).toBeGreaterThan(0.5);
    expect(det.update({ t: 1e12 + 1, values: [50] }).score).toBeGreaterThan(0.9);
  });
});
