import { describe, expect, it } from "vitest";
import { decadesToScore } from "./common/normal";
import { createRng } from "./random";
import { createDetector } from "./registry";
import { chiSquareEvenSurvival, combinedBound, combinedDecades } from "./persistence";
import { multivariateCorpus } from "./testing/multivariate-corpus";
import type { Observation } from "./types";

describe("persistence", () => {
  it("computes the chi-square survival for even degrees of freedom (tables: 0.05 at 9.488 for 4, 26.296 for 16)", () => {
    expect(chiSquareEvenSurvival(9.488, 2)).toBeCloseTo(0.05, 4);
    expect(chiSquareEvenSurvival(26.296, 8)).toBeCloseTo(0.05, 4);
    expect(chiSquareEvenSurvival(3, 1)).toBeCloseTo(Math.exp(-1.5), 12);
  });

  it("combines one step into itself and several ordinary ones into nothing rare", () => {
    expect(combinedDecades([2.5])).toBeCloseTo(2.5, 9);
    // Eight steps each at p = 0.3 (ordinary) combine to an ordinary p; eight at p = 0.01 to a very rare one.
    expect(combinedDecades(Array(8).fill(-Math.log10(0.3)))).toBeLessThan(1);
    expect(combinedDecades(Array(8).fill(2))).toBeGreaterThan(8);
  });

  it("never combines steps whose summed decades are below the penalty into a score (the bound the wrapper skips by)", () => {
    const rng = createRng(3);
    let near = 0;
    for (let t = 0; t < 20000; t++) {
      const steps = 1 + rng.int(64);
      const penalty = [0.5, 3, 10][t % 3];
      // Decades scaled so the sum lands around the penalty: the cases the bound decides.
      const raw = Array.from({ length: steps }, () => -Math.log10(1 - rng.next()));
      const total = raw.reduce((a, b) => a + b, 0) || 1;
      const scale = (penalty * (0.9 + 0.2 * rng.next())) / total;
      const decades = raw.map((d) => Math.min(50, d * scale));
      const sum = decades.reduce((a, b) => a + b, 0);
      if (sum < penalty - 1e-6) {
        near++;
        expect(combinedDecades(decades)).toBeLessThanOrEqual(sum + 1e-9);
        expect(decadesToScore(combinedDecades(decades) - penalty)).toBe(0);
      }
    }
    expect(near).toBeGreaterThan(5000);
  });

  const group = multivariateCorpus(7, [40])[0];
  const obs: Observation[] = group.rows.map((values, i) => ({ t: group.timestamps[i], values }));
  const score = (params: object, from = group.trainSteps, to = obs.length) => {
    const d = createDetector("pca", params);
    d.train!(obs.slice(0, group.trainSteps));
    return obs.slice(from, to).map((o) => d.update(o).score);
  };

  it("bounds the combined decades from above (the wrapper skips the series under it)", () => {
    for (let steps = 1; steps <= 64; steps++)
      for (let sum = 0; sum <= 60; sum += 0.37) {
        const exact = combinedDecades(Array.from({ length: steps }, () => sum / steps));
        if (exact < 50) expect(combinedBound(sum, steps) + 1e-9).toBeGreaterThanOrEqual(exact);
      }
  });

  it("flags a quarter of a group shifted by 0.6 sd, which no single step shows", () => {
    const shift = group.anomalies.find((a) => a.kind === "shift-several")!;
    const inside = (scores: number[]) => Math.max(...scores.slice(shift.from - group.trainSteps, shift.to - group.trainSteps + 1));
    expect(inside(score({ persistence: { steps: 1 } }))).toBeLessThan(0.5);
    expect(inside(score({}))).toBeGreaterThanOrEqual(0.5);
  });

  it("resumes exactly from its state, and leaves a series' scores as they are", () => {
    const whole = score({});
    const d = createDetector("pca", {});
    d.train!(obs.slice(0, group.trainSteps));
    const mid = group.trainSteps + 300;
    const first = obs.slice(group.trainSteps, mid).map((o) => d.update(o).score);
    const resumed = createDetector("pca", {}, JSON.parse(JSON.stringify(d.getState())));
    expect([...first, ...obs.slice(mid).map((o) => resumed.update(o).score)]).toEqual(whole);

    const series = obs.map((o) => ({ t: o.t, values: [o.values[0]] }));
    const univariate = (params: object) => {
      const u = createDetector("pca", params);
      u.train!(series.slice(0, 800));
      return series.slice(800, 1200).map((o) => u.update(o).score);
    };
    expect(univariate({})).toEqual(univariate({ persistence: { steps: 1 } }));
  });
});
