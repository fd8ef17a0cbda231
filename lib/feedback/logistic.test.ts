import { describe, expect, it } from "vitest";
import { fitLogistic, predictLogistic } from "@/lib/feedback/logistic";

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** 60 rows of three features from a fixed formula, labelled by a noisy linear rule (21 positives). */
function dataset() {
  const x: number[][] = [];
  const y: (0 | 1)[] = [];
  for (let i = 0; i < 60; i++) {
    const a = Math.sin(i * 1.3);
    const b = Math.cos(i * 0.7) * 3 + (i % 5);
    const c = (i * 7) % 11;
    x.push([a, b, c]);
    y.push(a + 0.3 * b - 0.1 * c + Math.sin(i * 2.1) > 0.5 ? 1 : 0);
  }
  return { x, y };
}

describe("logistic regression", () => {
  it("solves the symmetric two-point case by hand: bias 0, w = 2·C·σ(-w)", () => {
    // z = ±1 after standardising; the gradient w - C·(σ(-w) + σ(-w)) = 0 and, by symmetry, b = 0.
    for (const c of [0.5, 1, 4]) {
      const m = fitLogistic([[-3], [5]], [0, 1], { c });
      expect(m.mean).toEqual([1]);
      expect(m.scale).toEqual([4]);
      expect(m.bias).toBeCloseTo(0, 12);
      expect(m.weights[0]).toBeCloseTo(2 * c * sigmoid(-m.weights[0]), 12);
      expect(predictLogistic(m, [1])).toBeCloseTo(0.5, 12);
    }
    // C = 1: w = 2σ(-w) has its root at 0.6748316 (checked by bisection in python3).
    expect(fitLogistic([[-3], [5]], [0, 1]).weights[0]).toBeCloseTo(0.6748316, 6);
  });

  it("equals scikit-learn's LogisticRegression(C=1) on standardised features", () => {
    // /usr/bin/python3: StandardScaler().fit_transform(X); LogisticRegression(C=1.0, tol=1e-12, max_iter=10000).fit(Z, y)
    // gave coef_ [1.1372348878146414, 1.3288737218675757, -0.588774430476396], intercept_ -0.9251606838506529,
    // predict_proba[:3, 1] [0.6286116650018347, 0.7195434411503033, 0.631753114196016] (Debian python3-sklearn 1.2.1); ours
    // differ by < 1e-6, the size of lbfgs's stopping error (Newton here converges to 1e-10).
    const { x, y } = dataset();
    expect(y.filter((v) => v === 1)).toHaveLength(21);
    const m = fitLogistic(x, y);
    const sk = [1.1372348878146414, 1.3288737218675757, -0.588774430476396];
    m.weights.forEach((w, j) => expect(w).toBeCloseTo(sk[j], 5));
    expect(m.bias).toBeCloseTo(-0.9251606838506529, 5);
    [0.6286116650018347, 0.7195434411503033, 0.631753114196016].forEach((p, i) => expect(predictLogistic(m, x[i])).toBeCloseTo(p, 5));
  });

  it("is deterministic and refuses one class", () => {
    const { x, y } = dataset();
    expect(fitLogistic(x, y)).toEqual(fitLogistic(x, y));
    expect(() => fitLogistic([[1], [2]], [1, 1])).toThrow(/both classes/);
  });
});
