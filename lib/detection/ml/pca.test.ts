import { describe, expect, it } from "vitest";
import { createRng } from "@/lib/detection/random";
import { symmetricEigen } from "./linalg";
import { pca } from "./pca";
import { fitPca } from "./pca-model";
import { toObservations } from "./testing/synthetic";

describe("pca", () => {
  it("finds the closed-form components of a 2-D sample with covariance [[3, 1], [1, 2]]", () => {
    // Eigenvalues (5 ± √5)/2; four points ±s·e on each eigenvector have exactly that sample covariance.
    const l1 = (5 + Math.sqrt(5)) / 2;
    const l2 = (5 - Math.sqrt(5)) / 2;
    const e1 = [1, l1 - 3].map((v, _, a) => v / Math.hypot(a[0], a[1]));
    const e2 = [-e1[1], e1[0]];
    const s1 = Math.sqrt(1.5 * l1);
    const s2 = Math.sqrt(1.5 * l2);
    const rows = [
      [s1 * e1[0], s1 * e1[1]],
      [-s1 * e1[0], -s1 * e1[1]],
      [s2 * e2[0], s2 * e2[1]],
      [-s2 * e2[0], -s2 * e2[1]],
    ].map(([a, b]) => [a + 5, b - 2]);
    const x = Float64Array.from(rows.flat());
    const m = fitPca(x, 4, 2, 0.7, null);
    expect(m.k).toBe(1);
    expect(m.mean[0]).toBeCloseTo(5, 12);
    expect(m.mean[1]).toBeCloseTo(-2, 12);
    expect(m.explained[0]).toBeCloseTo(l1 / 5, 12);
    expect(m.explained[1]).toBeCloseTo(l2 / 5, 12);
    expect(Math.abs(m.components[0])).toBeCloseTo(Math.abs(e1[0]), 12);
    expect(m.components[1] / m.components[0]).toBeCloseTo(e1[1] / e1[0], 12);
    expect(fitPca(x, 4, 2, 0.95, null).k).toBe(2);
  });

  it("diagonalizes a symmetric 3x3 matrix to its known eigenvalues", () => {
    const { values, vectors } = symmetricEigen(Float64Array.from([2, -1, 0, -1, 2, -1, 0, -1, 2]), 3);
    expect(Array.from(values).map((v) => Number(v.toFixed(12)))).toEqual(
      [2 + Math.SQRT2, 2, 2 - Math.SQRT2].map((v) => Number(v.toFixed(12))),
    );
    expect(Math.abs(vectors[0])).toBeCloseTo(0.5, 12);
    expect(Math.abs(vectors[1])).toBeCloseTo(Math.SQRT1_2, 12);
  });

  it("decomposes a 120x120 sample covariance: A·v = λ·v, orthonormal vectors, largest first, largest entry positive", () => {
    const n = 120;
    const rng = createRng(9);
    const a = new Float64Array(n * n);
    for (let r = 0; r < 200; r++) {
      const row = Array.from({ length: n }, (_, i) => rng.normal() * (i < 3 ? 4 : 1));
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) a[i * n + j] += row[i] * row[j];
    }
    const { values, vectors } = symmetricEigen(a, n);
    const scale = values[0];
    for (let k = 0; k < n; k++) {
      if (k > 0) expect(values[k]).toBeLessThanOrEqual(values[k - 1]);
      const v = vectors.subarray(k * n, (k + 1) * n);
      const big = v.reduce((b, x, i) => (Math.abs(x) > Math.abs(v[b]) ? i : b), 0);
      expect(v[big]).toBeGreaterThan(0);
      for (let i = 0; i < n; i++) {
        let av = 0;
        for (let j = 0; j < n; j++) av += a[i * n + j] * v[j];
        expect(Math.abs(av - values[k] * v[i]) / scale).toBeLessThan(1e-12);
      }
      for (const l of [0, k, n - 1]) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += v[i] * vectors[l * n + i];
        expect(dot).toBeCloseTo(l === k ? 1 : 0, 12);
      }
    }
    // Trace is the sum of the eigenvalues.
    let trace = 0;
    for (let i = 0; i < n; i++) trace += a[i * n + i];
    expect(values.reduce((s, x) => s + x, 0) / trace).toBeCloseTo(1, 12);
  });

  it("fits the sample covariance of many blocks of rows: each component's variance under a plain covariance is its explained share", () => {
    const rng = createRng(12);
    const n = 1001;
    const w = 5;
    const x = new Float64Array(n * w);
    for (let i = 0; i < n; i++) {
      const f = rng.normal();
      for (let j = 0; j < w; j++) x[i * w + j] = (j + 1) * f + rng.normal() + 3 * j;
    }
    const m = fitPca(x, n, w, 0.5, w);
    const mean = Array.from({ length: w }, (_, j) => x.filter((_, t) => t % w === j).reduce((a, v) => a + v, 0) / n);
    const cov = (a: number, b: number) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += (x[i * w + a] - mean[a]) * (x[i * w + b] - mean[b]);
      return s / (n - 1);
    };
    let trace = 0;
    for (let j = 0; j < w; j++) trace += cov(j, j);
    for (let k = 0; k < w; k++) {
      const v = m.components.slice(k * w, (k + 1) * w);
      let q = 0;
      for (let a = 0; a < w; a++) for (let b = 0; b < w; b++) q += v[a] * cov(a, b) * v[b];
      expect(q / trace).toBeCloseTo(m.explained[k], 12);
    }
  });

  it("flags a point that breaks the features' correlation and attributes the two it broke", () => {
    const rng = createRng(6);
    const rows = Array.from({ length: 800 }, () => {
      const a = rng.normal();
      return [a, a + 0.05 * rng.normal(), rng.normal()];
    });
    const det = pca.create(pca.params.parse({}));
    det.train!(toObservations(rows));
    expect(det.getState().model!.k).toBe(2);
    const usual = det.update({ t: 1e9, values: [1.5, 1.5, -1] });
    expect(usual.score).toBeLessThan(0.5);
    const broken = det.update({ t: 1e9 + 1, values: [1, -1, 0] });
    expect(broken.score).toBeGreaterThan(0.9);
    const [a, b, c] = broken.attribution!;
    expect(a.share).toBeCloseTo(0.5, 1);
    expect(b.share).toBeCloseTo(0.5, 1);
    expect(c.share).toBeLessThan(0.01);
    expect([a.direction, b.direction]).toEqual(["above", "below"]);
  });
});
