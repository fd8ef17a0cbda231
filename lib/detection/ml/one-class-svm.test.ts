import { describe, expect, it } from "vitest";
import { createRng } from "@/lib/detection/random";
import { oneClassSvm } from "./one-class-svm";
import { fitOcsvm, kernelExpansion } from "./one-class-svm-model";
import { rocAuc, toObservations } from "./testing/synthetic";

function ring(n: number, seed: number, radius = 3, noise = 0.1): number[][] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => {
    const a = 2 * Math.PI * rng.next();
    const r = radius + noise * rng.normal();
    return [r * Math.cos(a), r * Math.sin(a)];
  });
}

describe("one-class SVM", () => {
  it("is exact on the landmarks: with every training row a landmark and nu = 1 (all alpha = 1/n) f is the mean kernel", () => {
    // nu = 1 forces every αᵢ to C = 1/n, so w·z(x) = (1/n) Σ k(x, xᵢ) in closed form.
    const rows = [[0, 0], [1, 0], [0, 2], [3, 1]];
    const x = Float64Array.from(rows.flat());
    const m = fitOcsvm(x, 4, 2, { nu: 1, gamma: 0.5, landmarks: 4, maxIterations: 100, maxSupport: 4 }, createRng(1));
    const q = Float64Array.from([0.5, 0.5]);
    const exact = rows.reduce((s, r) => s + Math.exp(-0.5 * ((r[0] - 0.5) ** 2 + (r[1] - 0.5) ** 2)), 0) / 4;
    expect(kernelExpansion(Float64Array.from(m.landmarks), Float64Array.from(m.beta), 0.5, 2, q, 0)).toBeCloseTo(exact, 8);
  });

  it("separates a ring from its centre", () => {
    const det = oneClassSvm.create(oneClassSvm.params.parse({ gamma: 2, nu: 0.1, seed: 1 }));
    det.train!(toObservations(ring(1000, 1)));
    const onRing = ring(200, 2).map((values, i) => det.update({ t: 1e9 + i, values }));
    const rng = createRng(3);
    const centre = Array.from({ length: 20 }, (_, i) => det.update({ t: 2e9 + i, values: [0.3 * rng.normal(), 0.3 * rng.normal()] }));
    expect(centre.every((r) => r.raw > 0 && r.score > 0.9)).toBe(true);
    expect(onRing.filter((r) => r.score >= 0.5).length).toBeLessThan(10);
    const scores = [...onRing, ...centre].map((r) => r.score);
    expect(rocAuc(scores, scores.map((_, i) => i >= onRing.length))).toBeGreaterThan(0.99);
  });

  it("attributes a point pushed out along one feature to that feature", () => {
    const rng = createRng(8);
    const rows = Array.from({ length: 600 }, () => [rng.normal(), rng.normal(), rng.normal()]);
    const det = oneClassSvm.create(oneClassSvm.params.parse({}));
    det.train!(toObservations(rows));
    const r = det.update({ t: 1e9, values: [0, -7, 0] });
    // Far from every training point the kernel vanishes, so the margin saturates at ρ (as in scikit-learn).
    const m = det.getState().model!;
    expect(r.raw).toBeGreaterThan(m.edge);
    expect(r.raw).toBeCloseTo(m.rho, 1);
    expect(r.attribution![1].share).toBeGreaterThan(0.8);
    expect(r.attribution![1].direction).toBe("below");
  });
});
