import { describe, expect, it } from "vitest";
import { createRng } from "./random";
import { runSplit, syntheticSeries } from "./common/testing";
import { ScoreCalibrator, calibrationParams } from "./common/calibration";
import { scoreToDecades, zToScore } from "./common/normal";
import { createDetector, detectorDefinitions } from "./registry";
import type { Observation } from "./types";

const calibrated = Object.values(detectorDefinitions).filter((d) => d.kind !== "threshold" && d.kind !== "ensemble");

function gaussian(n: number, seed: number): Observation[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, (_, i) => ({ t: i * 60_000, values: [100 + 5 * rng.normal()] }));
}

describe("score calibration", () => {
  it("leaves exact Gaussian tail scores nearly as they are", () => {
    const c = new ScoreCalibrator(calibrationParams.parse({}));
    const rng = createRng(9);
    for (let i = 0; i < 5000; i++) c.calibrate(zToScore(rng.normal()));
    expect(c.calibrate(zToScore(3))).toBeGreaterThan(0.42);
    expect(c.calibrate(zToScore(3))).toBeLessThan(0.58);
  });

  it("maps a detector that is always nervous to the rarity of its own scores", () => {
    const c = new ScoreCalibrator(calibrationParams.parse({}));
    const rng = createRng(10);
    // Native scores that would flag 30% of points at 0.5.
    let flagged = 0;
    for (let i = 0; i < 20_000; i++) {
      const s = c.calibrate(zToScore(2.5 * rng.normal()));
      if (i >= 2000 && s >= 0.5) flagged++;
    }
    expect(flagged / 18_000).toBeLessThan(0.01);
  });

  it("does not call capped or tied scores rare once they are common on the series", () => {
    const c = new ScoreCalibrator(calibrationParams.parse({}));
    const rng = createRng(12);
    for (let i = 0; i < 5000; i++) c.calibrate(zToScore(rng.normal()));
    // Then a burst of scores of exactly 1 (a plateau detector's Infinity z): the first few are rare,
    // the rest are as common as the window says.
    const burst = Array.from({ length: 100 }, () => c.calibrate(1));
    expect(burst[0]).toBeGreaterThan(0.9);
    expect(burst.filter((s) => s >= 0.5).length).toBeLessThanOrEqual(5);
  });

  it("makes every calibrated kind flag under 1% of plain Gaussian noise at 0.5", () => {
    const observations = gaussian(4000, 11);
    for (const def of calibrated) {
      const d = createDetector(def.kind, { calibration: { enabled: true } });
      d.train?.(observations.slice(0, 600));
      const scores = observations.slice(600).map((o) => d.update(o)).filter((r) => !r.skipped);
      const share = scores.filter((r) => r.score >= 0.5).length / scores.length;
      expect(share, def.kind).toBeLessThan(0.01);
    }
  }, 120_000);

  it("every calibrated kind resumes exactly from a JSON state, and accepts a state from before calibration", () => {
    const observations = syntheticSeries(1500, 21);
    for (const def of calibrated) {
      const params = def.input === "multivariate" ? null : {};
      if (!params) continue;
      const { all, split } = runSplit(def, params, observations, 900, observations.slice(0, 300));
      expect(split, def.kind).toEqual(all);
    }
    const old = createDetector("zscore", { calibration: { enabled: false } });
    observations.slice(0, 100).forEach((o) => old.update(o));
    const resumed = createDetector("zscore", {}, JSON.parse(JSON.stringify(old.getState())));
    expect(resumed.update(observations[100]).skipped).toBeUndefined();
  }, 120_000);

  it("seedFromTraining starts the calibrator with the trained model's scores and leaves the model's state alone", () => {
    const history = gaussian(1500, 31);
    // Live points with a spike every 20: scores above the calibrator's u, where its history matters.
    const live = gaussian(200, 32).map((o, i) => ({ t: o.t + 1500 * 60_000, values: [o.values[0] + (i % 20 === 10 ? 15 : 0)] }));
    const plain = createDetector("pca", { shingleSize: 4, components: 1, calibration: { seedFromTraining: false } });
    const seeded = createDetector("pca", { shingleSize: 4, components: 1, calibration: { seedFromTraining: true } });
    plain.train!(history);
    seeded.train!(history);
    const { calibration: plainWindow, ...plainModel } = plain.getState() as Record<string, unknown>;
    const { calibration: seededWindow, ...seededModel } = seeded.getState() as Record<string, unknown>;
    expect(seededModel).toEqual(plainModel);
    expect(plainWindow).toEqual([]);
    // The last `window` (1000) training scores, after the first 256 of the probe (its shingle mixing).
    expect(seededWindow).toHaveLength(1000);
    // Those are the model's own scores: a copy of the trained model scores the last training shingle alike.
    const probe = createDetector("pca", { shingleSize: 4, components: 1, calibration: { enabled: false } }, plainModel);
    const tail = history.slice(-4).map((o) => ({ ...o, t: o.t + 1500 * 60_000 }));
    const native = tail.map((o) => probe.update(o).score)[3];
    expect((seededWindow as number[])[999]).toBeCloseTo(scoreToDecades(native), 2);
    // Exact resume with the seeded window, and live scores differ from the unseeded calibrator's.
    const resumed = createDetector("pca", { shingleSize: 4, components: 1, calibration: { seedFromTraining: true } }, JSON.parse(JSON.stringify(seeded.getState())));
    const a = live.map((o) => seeded.update(o).score);
    const b = live.map((o) => resumed.update(o).score);
    const c = live.map((o) => plain.update(o).score);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it("seeding leaves every trained kind's model state as training made it", () => {
    const history = syntheticSeries(600, 41);
    for (const def of calibrated.filter((d) => d.needsTraining && d.input !== "multivariate")) {
      const small = def.kind === "lstm" ? { epochs: 1 } : def.kind === "autoencoder" ? { epochs: 2 } : {};
      const plain = createDetector(def.kind, { ...small, calibration: { seedFromTraining: false } });
      const seeded = createDetector(def.kind, { ...small, calibration: { seedFromTraining: true } });
      plain.train!(history);
      seeded.train!(history);
      const { calibration: a, ...plainModel } = plain.getState() as Record<string, unknown>;
      const { calibration: b, ...seededModel } = seeded.getState() as Record<string, unknown>;
      expect(seededModel, def.kind).toEqual(plainModel);
      expect((b as number[]).length, def.kind).toBeGreaterThan((a as number[]).length);
    }
  }, 120_000);
});

