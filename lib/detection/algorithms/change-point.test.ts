import { describe, expect, it } from "vitest";
import { runSplit, syntheticSeries } from "../common/testing";
import { changePoint } from "./change-point";

const obs = (values: number[]) => values.map((v, i) => ({ t: i * 1000, values: [v] }));

describe("change-point (CUSUM)", () => {
  it("accumulates z - k and alarms at S > h (hand-computed)", () => {
    // reference 0,2,0,2 -> mean 1, sample std 1.1547
    const d = changePoint.create(changePoint.params.parse({ referencePoints: 4, k: 0.5, h: 2 }));
    obs([0, 2, 0, 2]).forEach((o) => d.update(o));
    const sd = Math.sqrt(4 / 3);
    const r1 = d.update({ t: 10_000, values: [1 + 2 * sd] }); // z = 2 -> S+ = 1.5
    expect(r1.raw).toBeCloseTo(1.5, 10);
    expect(r1.score).toBeCloseTo(1.5 / 3.5, 10);
    expect(r1.upper).toBeCloseTo(1 + sd * 2.5, 10);
    const r2 = d.update({ t: 11_000, values: [1 + sd] }); // z = 1 -> S+ = 2 (not above h)
    expect(r2.raw).toBeCloseTo(2, 10);
    const r3 = d.update({ t: 12_000, values: [1 + sd] }); // S+ = 2.5 > h: alarm, then re-learn
    expect(r3.score).toBeGreaterThan(0.5);
    expect(d.update({ t: 13_000, values: [5] }).skipped).toBe("warmup");
  });

  it("detects a 1-sigma level shift within a few dozen points and then re-learns the new level", () => {
    const vals = Array.from({ length: 400 }, (_, i) => (i % 2 ? 1 : -1) + (i >= 200 ? 1 : 0));
    const d = changePoint.create(changePoint.params.parse({}));
    const scores = obs(vals).map((o) => d.update(o));
    const first = scores.findIndex((s) => s.score > 0.5);
    expect(first).toBeGreaterThan(200);
    expect(first).toBeLessThan(215);
    expect(scores.slice(first + 60).every((s) => s.score < 0.5)).toBe(true);
  });

  it("resumes exactly", () => {
    const { all, split } = runSplit(changePoint, { referencePoints: 30 }, syntheticSeries(2000, 4), 1001);
    expect(split).toEqual(all);
  });
});
