import { describe, expect, it } from "vitest";
import type { Observation } from "@/lib/detection/types";
import { Featurizer } from "./featurizer";

const series = (values: number[], t0 = 0): Observation[] => values.map((v, i) => ({ t: t0 + i, values: [v] }));
const wave = (n: number, level: number) => Array.from({ length: n }, (_, i) => level + Math.sin(i / 3));

function pushAll(f: Featurizer, obs: Observation[]): number[][] {
  const out: number[][] = [];
  const v = new Float64Array(f.width);
  for (const o of obs) if (f.push(o, v)) out.push(Array.from(v));
  return out;
}

describe("Featurizer shingle modes", () => {
  it("centered: a shingle shows its shape, not its level", () => {
    const f = new Featurizer(Featurizer.initial(4, "centered"), "centered");
    f.fit(series(wave(100, 10)));
    const trained = f.getState();
    // From the 4th point on, the shingles hold only the new values.
    const low = pushAll(f, series(wave(12, 10), 1000)).slice(3);
    const shifted = pushAll(new Featurizer(trained), series(wave(12, 500), 1000)).slice(3);
    expect(shifted.length).toBe(low.length);
    shifted.forEach((row, i) => row.forEach((x, j) => expect(x).toBeCloseTo(low[i][j], 9)));
    // Each centered row sums to 0; expected values come back in the series' own units, at its level.
    for (const row of low) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 9);
    expect(f.unscale(3, 0)).toBeGreaterThan(9);
    expect(f.unscale(3, 0)).toBeLessThan(11);
  });

  it("raw: a level shift moves every feature", () => {
    const f = new Featurizer(Featurizer.initial(4));
    f.fit(series(wave(100, 10)));
    const shifted = pushAll(f, series(wave(12, 500), 1000)).slice(3);
    for (const row of shifted) for (const x of row) expect(Math.abs(x)).toBeGreaterThan(100);
  });

  it("a saved state keeps the mode it was fitted with until the next fit", () => {
    const old = new Featurizer(Featurizer.initial(4));
    old.fit(series(wave(100, 10)));
    const state = JSON.parse(JSON.stringify(old.getState()));
    expect(state.mode).toBeUndefined();
    // A detector whose parameter now says centered still scores the raw shingles it was trained on.
    const resumed = new Featurizer(state, "centered");
    const obs = series(wave(12, 10), 1000);
    expect(pushAll(resumed, obs)).toEqual(pushAll(new Featurizer(state), obs));
    resumed.fit(series(wave(100, 10)));
    expect(resumed.getState().mode).toBe("centered");
  });

  it("shingles of one value and multivariate input stay raw", () => {
    const one = new Featurizer(Featurizer.initial(1, "centered"), "centered");
    one.fit(series(wave(50, 10)));
    expect(one.getState().mode).toBeUndefined();
    expect(pushAll(one, series([20], 1000))[0][0]).toBeGreaterThan(5);
    const multi = new Featurizer(Featurizer.initial(4, "centered"), "centered");
    multi.fit(wave(50, 10).map((v, i) => ({ t: i, values: [v, -v] })));
    expect(multi.getState().mode).toBeUndefined();
  });

  it("centered statistics survive a constant series (scale 1)", () => {
    const f = new Featurizer(Featurizer.initial(4, "centered"), "centered");
    f.fit(series(Array(50).fill(3)));
    expect(f.getState().std).toEqual([1, 1, 1, 1]);
    expect(pushAll(f, series([3, 3, 3, 7], 1000)).at(-1)).toEqual([-1, -1, -1, 3]);
  });
});
