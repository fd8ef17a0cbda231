import { describe, expect, it } from "vitest";
import { GROUP_STEPS, GROUP_TRAIN_STEPS, multivariateCorpus } from "./multivariate-corpus";

describe("multivariate corpus", () => {
  const corpus = multivariateCorpus(2026, [4, 40]);

  it("is seeded: the same seed gives the same groups, another seed others", () => {
    expect(multivariateCorpus(2026, [4, 40])).toEqual(corpus);
    expect(multivariateCorpus(7, [4, 40])[0].rows[100]).not.toEqual(corpus[0].rows[100]);
  });

  it("injects each kind once per group, after training, into known members, inside its window", () => {
    for (const g of corpus) {
      expect(g.rows).toHaveLength(GROUP_STEPS);
      expect(g.rows.every((r) => r.length === g.size && r.every(Number.isFinite))).toBe(true);
      expect(g.anomalies.map((a) => a.kind)).toEqual(["correlation", "shift-several", "one-big"]);
      for (const a of g.anomalies) {
        expect(a.from).toBeGreaterThanOrEqual(GROUP_TRAIN_STEPS);
        expect(a.to).toBeLessThan(GROUP_STEPS);
        expect(a.window.start).toBeLessThan(g.timestamps[a.from]);
        expect(a.window.end).toBeGreaterThan(g.timestamps[a.to]);
        expect(new Set(a.members).size).toBe(a.members.length);
        expect(a.members.every((m) => m >= 0 && m < g.size)).toBe(true);
      }
      const [, several, big] = g.anomalies;
      expect(several.members.length).toBe(Math.max(2, Math.round(g.size / 4)));
      expect(big.members).toHaveLength(1);
    }
  });

  it("moves the one-big member by several standard deviations and keeps a decoupled member in its range", () => {
    for (const g of corpus) {
      const range = (j: number) => {
        const v = g.rows.slice(0, GROUP_TRAIN_STEPS).map((r) => r[j]);
        return [Math.min(...v), Math.max(...v)];
      };
      const big = g.anomalies[2];
      const j = big.members[0];
      const train = g.rows.slice(0, GROUP_TRAIN_STEPS).map((r) => r[j]);
      const mean = train.reduce((a, b) => a + b, 0) / train.length;
      const sd = Math.sqrt(train.reduce((a, b) => a + (b - mean) ** 2, 0) / train.length);
      expect(Math.abs(g.rows[big.from][j] - g.rows[big.from - 1][j])).toBeGreaterThan(3 * sd);
      const corr = g.anomalies[0];
      for (const j of corr.members) {
        const [clo, chi] = range(j);
        const pad = 0.2 * (chi - clo);
        for (let i = corr.from; i <= corr.to; i++) {
          expect(g.rows[i][j]).toBeGreaterThan(clo - pad);
          expect(g.rows[i][j]).toBeLessThan(chi + pad);
        }
      }
    }
  });
});
