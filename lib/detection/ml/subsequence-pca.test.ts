import { describe, expect, it } from "vitest";
import { runSplit } from "@/lib/detection/common/testing";
import { createRng } from "@/lib/detection/random";
import type { Observation } from "@/lib/detection/types";
import { subsequencePca } from "./subsequence-pca";

const MINUTE = 60_000;

/** A sine of period 40 samples with noise; from `changeAt` one cycle becomes a square wave of the same range. */
function series(n: number, seed: number, changeAt = -1): Observation[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, (_, i) => {
    const phase = (2 * Math.PI * i) / 40;
    const changed = changeAt >= 0 && i >= changeAt && i < changeAt + 40;
    const v = changed ? Math.sign(Math.sin(phase)) : Math.sin(phase);
    return { t: i * MINUTE, values: [10 + 3 * v + 0.05 * rng.normal()] };
  });
}

describe("subsequence PCA", () => {
  it("takes its window from the detected period and flags a cycle whose shape changed", () => {
    const det = subsequencePca.create(subsequencePca.params.parse({}));
    det.train!(series(2000, 1));
    const window = det.getState().features.shingleSize;
    expect(Math.abs(window - 40)).toBeLessThanOrEqual(2);
    const live = series(1200, 2, 600).map((o) => ({ ...o, t: o.t + 1e9 }));
    const res = live.map((o) => det.update(o));
    const before = res.slice(100, 600).map((r) => r.score);
    const during = res.slice(600, 680).map((r) => r.score);
    // Native scale: 0.5 is the training p99 of the error, so a few ordinary windows pass it slightly.
    expect(before.filter((s) => s >= 0.5).length).toBeLessThan(10);
    expect(Math.max(...before)).toBeLessThan(0.7);
    expect(Math.max(...during)).toBeGreaterThan(0.9);
    // Every value stayed within the usual 7..13 range: only the shape changed.
    expect(live.every((o) => o.values[0] > 6.5 && o.values[0] < 13.5)).toBe(true);
  });

  it("uses a given window and ignores extra values, as univariate detectors do", () => {
    const det = subsequencePca.create(subsequencePca.params.parse({ window: 16 }));
    det.train!(series(500, 3).map((o) => ({ ...o, values: [...o.values, 99] })));
    expect(det.getState().features).toMatchObject({ shingleSize: 16, dim: 1 });
    const r = det.update({ t: 1e12, values: [10, Number.NaN] });
    expect(r.skipped).toBeUndefined();
    expect(r.lower!).toBeLessThan(r.upper!);
  });

  it("resumes exactly from a JSON state", () => {
    const live = series(400, 5, 200).map((o) => ({ ...o, t: o.t + 1e9 }));
    for (const k of [0, 1, 150, 399]) {
      const { all, split } = runSplit(subsequencePca, {}, live, k, series(1000, 4));
      expect(split).toEqual(all);
    }
  });
});
