import { describe, expect, it } from "vitest";
import { createRng } from "@/lib/detection/random";
import { fitGmmByBic, GmmScorer, type GmmJson } from "./gaussian-mixture-model";
import { cholesky } from "./linalg";

/** Three full-covariance components in 3-d, two near each other and one far away. */
function mixture(): GmmJson {
  const w = 3;
  const covs = [
    [1, 0.5, 0.2, 0.5, 2, -0.3, 0.2, -0.3, 0.5],
    [0.3, 0, 0, 0, 0.3, 0.1, 0, 0.1, 0.3],
    [2, 1, 0, 1, 2, 0, 0, 0, 1],
  ];
  const factors: number[] = [];
  const logDets: number[] = [];
  for (const c of covs) {
    const ch = cholesky(Float64Array.from(c), w)!;
    factors.push(...ch.l);
    logDets.push(ch.logDet);
  }
  return {
    k: 3,
    width: w,
    covariance: "full",
    weights: [0.5, 0.3, 0.2],
    means: [0, 0, 0, 3, 3, 0, 40, -30, 10],
    factors,
    logDets,
    bic: [],
    iterations: 0,
  };
}

/** log(w_c · N(x; μ_c, Σ_c)) by forward substitution L y = x − μ, straight from the definition. */
function logDensity(m: GmmJson, c: number, x: number[]): number {
  const w = m.width;
  const l = m.factors.slice(c * w * w, (c + 1) * w * w);
  const y: number[] = [];
  for (let i = 0; i < w; i++) {
    let s = x[i] - m.means[c * w + i];
    for (let j = 0; j < i; j++) s -= l[i * w + j] * y[j];
    y.push(s / l[i * w + i]);
  }
  const q = y.reduce((a, v) => a + v * v, 0);
  return Math.log(m.weights[c]) - 0.5 * (w * Math.log(2 * Math.PI) + m.logDets[c] + q);
}

describe("GmmScorer", () => {
  const m = mixture();
  const rows = [
    [0.1, -0.2, 0.3],
    [2.9, 3.2, 0.1],
    [1.5, 1.5, 0],
    [40, -29, 10.5],
    [20, -15, 5],
    [-3, 4, 2],
  ];

  it("gives the log-sum-exp of the components' densities and their posteriors, whichever component it starts from", () => {
    for (const row of rows) {
      const logs = [0, 1, 2].map((c) => logDensity(m, c, row));
      const max = Math.max(...logs);
      const expected = max + Math.log(logs.reduce((a, v) => a + Math.exp(v - max), 0));
      const results = [0, 1, 2].map((first) => {
        const scorer = new GmmScorer(m);
        const ll = scorer.logLik(Float64Array.from(row), 0, first);
        return { ll, post: Array.from(scorer.post), best: scorer.best };
      });
      for (const r of results) {
        expect(r.ll).toBeCloseTo(expected, 10);
        expect(r.best).toBe(logs.indexOf(max));
        r.post.forEach((p, c) => expect(p).toBeCloseTo(Math.exp(logs[c] - expected), 12));
        // The same doubles whatever the order of evaluation.
        expect(r).toEqual(results[0]);
      }
    }
  });

  it("gives a component tens of nats below the best exactly zero posterior", () => {
    const scorer = new GmmScorer(m);
    scorer.logLik(Float64Array.from([40, -29, 10.5]), 0, 0);
    expect(scorer.post[2]).toBe(1);
    expect(scorer.post[0]).toBe(0);
    expect(scorer.post[1]).toBe(0);
  });

  it("EM on a sample drawn from the mixture recovers its weights and BIC prefers three components", () => {
    const rng = createRng(11);
    const n = 3000;
    const x = new Float64Array(n * 3);
    for (let i = 0; i < n; i++) {
      const u = rng.next();
      const c = u < 0.5 ? 0 : u < 0.8 ? 1 : 2;
      const z = [rng.normal(), rng.normal(), rng.normal()];
      for (let a = 0; a < 3; a++) {
        let v = m.means[c * 3 + a];
        for (let b = 0; b <= a; b++) v += m.factors[c * 9 + a * 3 + b] * z[b];
        x[i * 3 + a] = v;
      }
    }
    const fit = fitGmmByBic(x, n, 3, 4, "full", 100, createRng(5));
    expect(fit.k).toBe(3);
    expect([...fit.weights].sort()).toEqual([expect.closeTo(0.2, 1), expect.closeTo(0.3, 1), expect.closeTo(0.5, 1)]);
  });
});
