import { describe, expect, it } from "vitest";
import { runSplit, syntheticSeries } from "../common/testing";
import { createDetector, getDefinition } from "../registry";

const obs = (values: number[]) => values.map((v, i) => ({ t: i * 1000, values: [v] }));

describe("ensemble", () => {
  const ensemble = () => getDefinition("ensemble");

  it("combines by weighted max and mean, taking expected from the first member", () => {
    const members = [
      { kind: "threshold", params: { max: 10 }, weight: 1 },
      { kind: "threshold", params: { max: 100 }, weight: 0.5 },
    ];
    const max = createDetector("ensemble", { members, combine: "max" });
    const mean = createDetector("ensemble", { members, combine: "mean" });
    expect(max.update({ t: 1, values: [50] })).toMatchObject({ score: 1, upper: 10 });
    expect(mean.update({ t: 1, values: [50] }).score).toBeCloseTo(1 / 1.5, 12);
    expect(mean.update({ t: 2, values: [500] }).score).toBe(1);
  });

  it("with incident scores only an incident's first point scores at or above suppressAbove; the rest stay below half of it", () => {
    // threshold member: 1 outside [.., 10], ramping to 0.5 at the limit inside a margin of 10.
    const member = { kind: "threshold", params: { max: 10, margin: 10 } };
    const d = createDetector("ensemble", { members: [member], suppressPoints: 3, suppressAbove: 0.6, incidentScores: true });
    const s = obs([0, 50, 50, 50, 50, 50, 5]).map((o) => d.update(o).score);
    expect(s[1]).toBe(1);
    for (const k of [0, 2, 3, 4, 6]) expect(s[k]).toBeLessThanOrEqual(0.3);
    expect(s.slice(2, 5)).toEqual([0.3, 0.3, 0.3]);
    // The suppression ran out after three points: the fifth 50 opens a new incident.
    expect(s[5]).toBe(1);
  });

  it("a direct member joins after the likelihood", () => {
    const members = [
      { kind: "threshold", params: { max: 1e9 } },
      { kind: "threshold", params: { max: 10 }, direct: true },
    ];
    const d = createDetector("ensemble", { members, likelihood: { enabled: true, learningPoints: 5 } });
    const s = obs([1, 2, 3, 4, 5, 6, 7, 50]).map((o) => d.update(o));
    expect(s[7].score).toBe(1);
    // Both members are thresholds: the driver is named by kind and index.
    expect(s[7].driver).toBe("threshold#1");
  });

  it("with likelihood.pointWeight, one extreme point joins after the likelihood instead of being averaged away", () => {
    const member = { kind: "zscore", params: { window: 200, calibration: { enabled: false } } };
    const likelihood = { enabled: true, shortWindow: 5, longWindow: 1000, learningPoints: 100, minStd: 0.625 };
    const series = syntheticSeries(1500, 11);
    const at = 1200;
    series[at] = { ...series[at], values: [series[at].values[0] + 12] };
    const averaged = createDetector("ensemble", { members: [member], likelihood });
    const pointed = createDetector("ensemble", { members: [member], likelihood: { ...likelihood, pointWeight: 0.75 } });
    const a = series.map((o) => averaged.update(o));
    const b = series.map((o) => pointed.update(o));
    expect(a[at].score).toBeLessThan(0.6);
    expect(b[at].score).toBeGreaterThan(0.6);
    expect(b[at].score).toBeLessThanOrEqual(0.75);
    // Elsewhere the point path stays below the likelihood's incident level.
    const quiet = b.filter((r, i) => Math.abs(i - at) > 5 && !r.skipped && r.score >= 0.6);
    expect(quiet).toEqual([]);
    const { all, split } = runSplit(ensemble(), { members: [member], likelihood: { ...likelihood, pointWeight: 0.75 } }, series, 700);
    expect(split).toEqual(all);
  });

  it("rank-normalizes each member by its own recent scores", () => {
    const d = createDetector("ensemble", {
      members: [{ kind: "threshold", params: { max: 10, margin: 10 } }],
      normalize: "rank",
      rankWindow: 10,
    });
    const s = obs([1, 2, 3, 4, 5]).map((o) => d.update(o).score);
    expect(s).toEqual([0, 1, 1, 1, 1]); // each is higher than all earlier scores
    expect(d.update({ t: 9000, values: [0] }).score).toBe(0);
  });

  it("passes member params through the member's schema (a bad member param is a ZodError)", () => {
    expect(() => createDetector("ensemble", { members: [{ kind: "zscore", params: { window: -1 } }] })).toThrow(/window/);
    expect(() => createDetector("ensemble", { members: [{ kind: "nope" }] })).toThrow(/Unknown detector kind/);
  });

  it("suppresses repeated alerts after one fires", () => {
    const d = createDetector("ensemble", {
      members: [{ kind: "threshold", params: { max: 10 } }],
      suppressPoints: 2,
      suppressAbove: 0.9,
    });
    expect(obs([20, 20, 20, 20]).map((o) => d.update(o).score)).toEqual([1, 0.5, 0.5, 1]);
  });

  it("with suppressExtend, keeps one alert while the incident goes on and re-arms suppressPoints after it", () => {
    const d = createDetector("ensemble", {
      members: [{ kind: "threshold", params: { max: 10 } }],
      suppressPoints: 2,
      suppressAbove: 0.9,
      suppressExtend: true,
    });
    const scores = obs([20, 20, 20, 20, 0, 0, 20]).map((o) => d.update(o).score);
    // 20s keep restarting the period; after two quiet points the next 20 alerts again.
    expect(scores).toEqual([1, 0.5, 0.5, 0.5, 0, 0, 1]);
  });

  it("resumes exactly, members, ranks and likelihood included", () => {
    const params = {
      members: [
        { kind: "robust-zscore", params: { window: 50 } },
        { kind: "seasonal", params: { warmupPoints: 300 } },
      ],
      normalize: "rank",
      likelihood: { enabled: true, learningPoints: 100 },
      suppressPoints: 5,
    };
    const { all, split } = runSplit(ensemble(), params, syntheticSeries(2500, 6), 1111);
    expect(split).toEqual(all);
    const extended = runSplit(ensemble(), { ...params, suppressExtend: true, suppressAbove: 0.3 }, syntheticSeries(2500, 6), 1111);
    expect(extended.split).toEqual(extended.all);
    expect(all.filter((s) => !s.skipped).length).toBeGreaterThan(1500);
  });

  it("carries the attribution of the member that drove a multivariate score", () => {
    const members = [
      { kind: "kmeans", params: { k: 2, calibration: { enabled: false } }, weight: 1 },
      { kind: "threshold", params: { max: 1000 }, weight: 1 },
    ];
    const d = createDetector("ensemble", { members });
    const alone = createDetector("kmeans", members[0].params);
    const rows = Array.from({ length: 200 }, (_, i) => ({ t: i, values: [i % 2, 10 + (i % 3), 5] }));
    d.train!(rows);
    alone.train!(rows);
    const point = { t: 1000, values: [0, 11, 9] };
    const r = d.update(point);
    expect(r.driver).toBe("kmeans");
    expect(r.attribution).toEqual(alone.update(point).attribution);
    expect(r.attribution![2].direction).toBe("above");
  });

  it("a split member's side score joins like a second, direct member on the same model, and resumes exactly", () => {
    // A daily season (288 points), then a drift of 4 noise sigmas over 300 points.
    const day = 288;
    let x = 7;
    const noise = () => ((x = (x * 16807) % 2147483647) / 2147483647 - 0.5) * 0.7;
    const obs = Array.from({ length: 6 * day }, (_, i) => ({
      t: i * 300_000,
      values: [10 + 2 * Math.sin((2 * Math.PI * i) / day) + (i >= 4 * day ? Math.min(300, i - 4 * day) * (0.8 / 300) : 0) + noise()],
    }));
    const native = { calibration: { enabled: false } };
    const season = { slowAlpha: 0.001, warmupPoints: 2 * day, ...native };
    const rest = { combine: "max", likelihood: { enabled: true, learningPoints: 100, pointWeight: 0.75 }, suppressPoints: 50, suppressAbove: 0.6 };
    const two = createDetector("ensemble", {
      ...rest,
      members: [
        { kind: "seasonal", params: { ...season, slowWeight: 0.9 } },
        { kind: "seasonal", params: { ...season, output: "drift", driftLambda: 0.02 }, direct: true },
      ],
    });
    const params = { ...rest, members: [{ kind: "seasonal", params: { ...season, slowWeight: 0.9, output: "split", driftLambda: 0.02 } }] };
    const one = createDetector("ensemble", params);
    const a = obs.map((o) => two.update(o));
    const b = obs.map((o) => one.update(o));
    expect(b.map((r) => r.score)).toEqual(a.map((r) => r.score));
    // The drift test drove some point, and is named after the member's kind and its side.
    const drivers = new Set(b.map((r) => r.driver));
    expect(drivers).toContain("seasonal (drift)");
    const renamed = { "seasonal (drift)": "seasonal#1", seasonal: "seasonal#0" } as Record<string, string>;
    expect(b.map((r) => (r.driver ? renamed[r.driver] : r.driver))).toEqual(a.map((r) => r.driver));
    const { all, split } = runSplit(ensemble(), params, obs, 4 * day + 100);
    expect(split).toEqual(all);
  });
});
