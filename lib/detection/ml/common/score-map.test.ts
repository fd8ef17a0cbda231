import { describe, expect, it } from "vitest";
import { createRng } from "@/lib/detection/random";
import { quantile, select } from "./score-map";

/** The definition: sort a copy, interpolate between the two order statistics around q·(n − 1). */
function sortedQuantile(values: ArrayLike<number>, q: number, n: number): number {
  const s = Float64Array.from(Array.from(values).slice(0, n)).sort();
  const pos = q * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

describe("quantile", () => {
  it("gives the sorted copy's value bit for bit: random, tied, constant, sorted and reversed data, NaN", () => {
    const rng = createRng(11);
    const makers = [
      () => rng.normal(),
      () => rng.int(4),
      () => 7,
      () => (rng.next() < 0.02 ? NaN : rng.normal()),
    ];
    for (let t = 0; t < 2000; t++) {
      const n = 1 + rng.int(t % 2 ? 30 : 2000);
      const a = Float64Array.from({ length: n }, makers[t % makers.length]);
      if (t % 7 === 0) a.sort();
      if (t % 11 === 0) a.reverse();
      const copy = a.slice();
      for (const q of [0, 0.01, 0.5, 0.95, 0.99, 1, rng.next()]) {
        const m = 1 + rng.int(n);
        expect(Object.is(quantile(a, q, m), sortedQuantile(a, q, m))).toBe(true);
        expect(Object.is(quantile(Array.from(a), q), sortedQuantile(a, q, n))).toBe(true);
      }
      // The input is left as it was.
      expect(a).toEqual(copy);
    }
    expect(quantile([], 0.5)).toBe(0);
  });

  it("select puts the k-th smallest at k, nothing larger before it and nothing smaller after", () => {
    const rng = createRng(5);
    for (let t = 0; t < 200; t++) {
      const a = Float64Array.from({ length: 1 + rng.int(500) }, () => rng.int(50));
      const sorted = a.slice().sort();
      const k = rng.int(a.length);
      select(a, k);
      expect(a[k]).toBe(sorted[k]);
      for (let i = 0; i < k; i++) expect(a[i]).toBeLessThanOrEqual(a[k]);
      for (let i = k + 1; i < a.length; i++) expect(a[i]).toBeGreaterThanOrEqual(a[k]);
    }
  });
});
