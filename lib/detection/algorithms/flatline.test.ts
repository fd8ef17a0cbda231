import { describe, expect, it } from "vitest";
import { createRng } from "../random";
import { runSplit, syntheticSeries } from "../common/testing";
import { flatline } from "./flatline";

const obs = (values: number[]) => values.map((v, i) => ({ t: i * 60_000, values: [v] }));

function noisy(n: number, seed: number): number[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => Math.round((50 + rng.normal()) * 100) / 100);
}

describe("flatline", () => {
  it("flags a noisy sensor that sticks, within a few points, and stays quiet before", () => {
    const values = noisy(1000, 3);
    const stuckAt = values[799];
    for (let i = 800; i < 900; i++) values[i] = stuckAt;
    const d = flatline.create(flatline.params.parse({}));
    const scores = obs(values).map((o) => d.update(o).score);
    expect(Math.max(...scores.slice(0, 800))).toBeLessThan(0.5);
    const first = scores.findIndex((s, i) => i >= 800 && s >= 0.5);
    expect(first).toBeGreaterThan(799);
    expect(first).toBeLessThan(810);
    expect(Math.min(...scores.slice(first, 900))).toBeGreaterThanOrEqual(0.5);
  });

  it("lets a step-like series plateau as long as it always did, and flags a far longer one", () => {
    // Steps of 30 to 60 points, then one of 400.
    const rng = createRng(5);
    const values: number[] = [];
    let level = 0;
    while (values.length < 3000) {
      const len = 30 + rng.int(31);
      level += 1 + rng.int(3);
      for (let k = 0; k < len; k++) values.push(level);
    }
    const before = values.length;
    for (let k = 0; k < 400; k++) values.push(level + 1);
    const d = flatline.create(flatline.params.parse({}));
    const scores = obs(values).map((o) => d.update(o).score);
    expect(Math.max(...scores.slice(200, before))).toBeLessThan(0.5);
    expect(Math.max(...scores.slice(before))).toBeGreaterThanOrEqual(0.5);
  });

  it("does not call a series that never moved stuck", () => {
    const d = flatline.create(flatline.params.parse({}));
    const scores = obs(Array.from({ length: 2000 }, () => 3)).map((o) => d.update(o).score);
    expect(Math.max(...scores)).toBe(0);
  });

  it("reports the run length as raw and the stuck value as expected", () => {
    const d = flatline.create(flatline.params.parse({ minPoints: 2, minChanges: 1 }));
    const r = obs([1, 2, 3, 4, 4, 4]).map((o) => d.update(o));
    expect(r[5]).toMatchObject({ raw: 2, expected: 4, lower: 4, upper: 4 });
  });

  it("resumes exactly", () => {
    const { all, split } = runSplit(flatline, {}, syntheticSeries(3000, 4), 1234);
    expect(split).toEqual(all);
  });
});
