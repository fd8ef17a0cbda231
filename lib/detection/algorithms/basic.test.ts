import { describe, expect, it } from "vitest";
import { zToScore } from "../common/normal";
import { runSplit, syntheticSeries } from "../common/testing";
import { ewma } from "./ewma";
import { robustZscore } from "./robust-zscore";
import { threshold } from "./threshold";
import { zscore } from "./zscore";

const obs = (values: number[], t0 = 0) => values.map((v, i) => ({ t: t0 + i * 1000, values: [v] }));

describe("zscore", () => {
  it("scores against the previous window: mean and sample std of 1..5 give z = (x - 3) / 1.5811", () => {
    const d = zscore.create(zscore.params.parse({ window: 5, minPoints: 5 }));
    for (const s of obs([1, 2, 3, 4, 5]).map((o) => d.update(o))) expect(s.skipped).toBe("warmup");
    const r = d.update({ t: 10_000, values: [9] });
    expect(r.raw).toBeCloseTo(6 / Math.sqrt(2.5), 10);
    expect(r.expected).toBe(3);
    expect(r.upper).toBeCloseTo(3 + 3 * Math.sqrt(2.5), 10);
    // window is now 2..5,9: mean 4.6, sample std sqrt(7.3)
    const r2 = d.update({ t: 11_000, values: [4.6] });
    expect(r2.raw).toBeCloseTo(0, 10);
    expect(r2.expected).toBeCloseTo(4.6, 12);
  });

  it("resumes exactly from serialized state", () => {
    const { all, split } = runSplit(zscore, { window: 50 }, syntheticSeries(3000), 1234);
    expect(split).toEqual(all);
  });
});

describe("robust-zscore", () => {
  it("uses median and 1.4826*MAD: window 1,2,3,4,100 has median 3, MAD 1", () => {
    const d = robustZscore.create(robustZscore.params.parse({ window: 5, minPoints: 5 }));
    obs([1, 2, 3, 4, 100]).forEach((o) => d.update(o));
    const r = d.update({ t: 9000, values: [3 + 1.4826 * 4] });
    expect(r.expected).toBe(3);
    expect(r.raw).toBeCloseTo(4, 10);
    expect(r.score).toBeCloseTo(zToScore(4), 12);
  });

  it("does not report Infinity on a constant window", () => {
    const d = robustZscore.create(robustZscore.params.parse({ window: 5, minPoints: 5, minScale: 0.5 }));
    obs([7, 7, 7, 7, 7]).forEach((o) => d.update(o));
    const r = d.update({ t: 9000, values: [8] });
    expect(r.raw).toBe(2);
    expect(Number.isFinite(JSON.parse(JSON.stringify(r)).raw)).toBe(true);
  });

  it("on a plateau measures a change against the spread the series had before it, not 1e-9", () => {
    const d = robustZscore.create(robustZscore.params.parse({ window: 50, minPoints: 20 }));
    const varying = Array.from({ length: 60 }, (_, i) => 10 + (i % 5) - 2);
    const plateau = Array.from({ length: 60 }, () => 10);
    obs([...varying, ...plateau]).forEach((o) => d.update(o));
    // The last spread measured as the plateau filled the window: an interquartile range of 1.
    const r = d.update({ t: 99_000_000, values: [11] });
    expect(r.raw).toBeCloseTo(1.349, 4);
    expect(r.score).toBeLessThan(0.3);
  });

  it("a change after a plateau with mostly one value uses the mean absolute deviation", () => {
    const d = robustZscore.create(robustZscore.params.parse({ window: 40, minPoints: 20 }));
    obs([...Array.from({ length: 38 }, () => 5), 6, 4]).forEach((o) => d.update(o));
    const r = d.update({ t: 99_000_000, values: [6] });
    // mean |x - 5| = 2/40; times sqrt(pi/2).
    expect(r.raw).toBeCloseTo(1 / (0.05 * Math.sqrt(Math.PI / 2)), 6);
    expect(r.score).toBeLessThan(1);
  });

  it("resumes exactly", () => {
    const { all, split } = runSplit(robustZscore, {}, syntheticSeries(3000, 2), 777);
    expect(split).toEqual(all);
  });
});

describe("ewma", () => {
  it("with alpha = 1/n behaviour in warm-up, mean and biased variance of the first points", () => {
    const d = ewma.create(ewma.params.parse({ alpha: 0.001, minPoints: 4 }));
    obs([2, 4, 4, 6]).forEach((o) => d.update(o));
    const s = d.getState();
    expect(s.mean).toBe(4);
    expect(s.variance).toBeCloseTo(2, 12); // population variance of 2,4,4,6
    const r = d.update({ t: 9000, values: [4 + 3 * Math.SQRT2] });
    expect(r.raw).toBeCloseTo(3, 10);
    expect(r.upper).toBeCloseTo(4 + 3 * Math.SQRT2, 10);
  });

  it("a smoothed chart (lambda 0.2) trips on a sustained 1.5-sigma shift that a Shewhart chart misses", () => {
    const base = Array.from({ length: 200 }, (_, i) => (i % 2 ? 1 : -1));
    const shifted = [...base, ...Array.from({ length: 30 }, (_, i) => 1.5 + (i % 2 ? 1 : -1) * 0.2)];
    const run = (lambda: number) => {
      const d = ewma.create(ewma.params.parse({ alpha: 0.001, lambda }));
      return Math.max(...obs(shifted).map((o) => d.update(o).score));
    };
    expect(run(0.2)).toBeGreaterThan(0.5); // beyond 3 sigma
    expect(run(1)).toBeLessThan(0.5);
  });

  it("resumes exactly", () => {
    const { all, split } = runSplit(ewma, { lambda: 0.3 }, syntheticSeries(2000, 3), 999);
    expect(split).toEqual(all);
  });
});

describe("threshold", () => {
  it("is 1 outside, 0 well inside, and ramps to 0.5 at a limit inside the margin", () => {
    const d = threshold.create(threshold.params.parse({ min: 0, max: 10, margin: 2 }));
    const s = obs([5, 9, 10, 11, -1]).map((o) => d.update(o).score);
    expect(s).toEqual([0, 0.25, 0.5, 1, 1]);
  });

  it("rejects min > max", () => {
    expect(threshold.params.safeParse({ min: 5, max: 1 }).success).toBe(false);
  });
});
