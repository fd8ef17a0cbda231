/**
 * What every ML detector must share: Vigil's input policy, exact resume from JSON state, and
 * seed determinism — for univariate (shingled) and multivariate input alike.
 */
import { describe, expect, it } from "vitest";
import type { DetectorDefinition, Observation, Scored } from "@/lib/detection/types";
import { autoencoder } from "./autoencoder";
import { dbscan } from "./dbscan";
import { gaussianMixture } from "./gaussian-mixture";
import { isolationForest } from "./isolation-forest";
import { kmeans } from "./kmeans";
import { lof } from "./lof";
import { lstm } from "./lstm";
import { oneClassSvm } from "./one-class-svm";
import { pca } from "./pca";
import { randomCutForest } from "./random-cut-forest";
import { gaussianCloud, sineSeries } from "./testing/synthetic";

interface Case {
  kind: string;
  def: DetectorDefinition;
  raw: Record<string, unknown>;
  /** Whether a different seed must change the outputs (k-means may converge to the same centres). */
  seeded: boolean;
}
const cases: Case[] = [
  { def: isolationForest, raw: { trees: 20, sampleSize: 64, shingleSize: 4 }, seeded: true },
  { def: randomCutForest, raw: { trees: 8, treeSize: 32, warmup: 40, shingleSize: 4 }, seeded: true },
  { def: lof, raw: { k: 5, maxReference: 150, shingleSize: 4 }, seeded: true },
  { def: kmeans, raw: { k: 3, shingleSize: 4 }, seeded: false },
  { def: autoencoder, raw: { epochs: 3, hidden: 6, bottleneck: 2, shingleSize: 4 }, seeded: true },
  { def: lstm, raw: { epochs: 2, hidden: 4, lookback: 6, maxTrainWindows: 100 }, seeded: true },
  // issue 17 models (branch models)
  { def: oneClassSvm, raw: { landmarks: 32, shingleSize: 4 }, seeded: true },
  { def: gaussianMixture, raw: { maxComponents: 3, shingleSize: 4 }, seeded: false },
  { def: dbscan, raw: { minPts: 4, maxReference: 150, shingleSize: 4 }, seeded: true },
  { def: pca, raw: { shingleSize: 4 }, seeded: false },
  // issue 13 (branch mlq13): shingles centered on their own mean
  { def: isolationForest, raw: { trees: 20, sampleSize: 64, shingleSize: 4, shingleMode: "centered" }, seeded: true },
  { def: lof, raw: { k: 5, maxReference: 150, shingleSize: 4, shingleMode: "centered" }, seeded: true },
  { def: kmeans, raw: { k: 3, shingleSize: 4, shingleMode: "centered" }, seeded: false },
  { def: autoencoder, raw: { epochs: 3, hidden: 6, bottleneck: 2, shingleSize: 4, shingleMode: "centered" }, seeded: true },
  { def: dbscan, raw: { minPts: 4, maxReference: 150, shingleSize: 4, shingleMode: "centered" }, seeded: true },
  { def: pca, raw: { shingleSize: 4, shingleMode: "centered" }, seeded: false },
].map((c) => ({ ...c, kind: c.def.kind + ("shingleMode" in c.raw ? ` (${String(c.raw.shingleMode)})` : "") }));

function univariate(n: number, t0: number): Observation[] {
  return sineSeries(n, t0 + 1, 20, 0.1).map((v, i) => ({ t: t0 + i, values: [5 + 2 * v] }));
}
function multivariate(n: number, t0: number): Observation[] {
  return gaussianCloud(n, 3, t0 + 1).map((values, i) => ({ t: t0 + i, values }));
}

/** JSON round trip, as the worker stores state. */
const roundTrip = <T>(v: T): T => JSON.parse(JSON.stringify(v));

describe.each(cases)("$kind contract", { timeout: 60_000 }, ({ def, raw, seeded }) => {
  const params = def.params.parse(raw);

  describe.each([
    ["univariate", univariate],
    ["multivariate", multivariate],
  ] as const)("%s", (_, make) => {
    const history = make(300, 0);
    const live = make(160, 10_000);

    function fresh() {
      const det = def.create(params);
      if (def.needsTraining) det.train!(history);
      return det;
    }

    it("resumes exactly from a JSON state at any split point", () => {
      const whole = fresh();
      const expected = live.map((o) => whole.update(o));
      for (const k of [0, 7, 80, 159]) {
        const first = fresh();
        live.slice(0, k).forEach((o) => first.update(o));
        const resumed = def.create(params, roundTrip(first.getState()));
        expect(live.slice(k).map((o) => resumed.update(o))).toEqual(expected.slice(k));
        expect(roundTrip(resumed.getState())).toEqual(roundTrip(whole.getState()));
      }
    });

    it("gives identical results for the same seed, different ones for another seed", () => {
      const a = fresh();
      const b = fresh();
      const outA = live.map((o) => a.update(o));
      expect(live.map((o) => b.update(o))).toEqual(outA);
      if (!seeded) return;
      const other = def.create(def.params.parse({ ...raw, seed: 12345 }));
      if (def.needsTraining) other.train!(history);
      expect(live.map((o) => other.update(o).raw)).not.toEqual(outA.map((r) => r.raw));
    });

    it("skips invalid, duplicate and out-of-order points without touching state", () => {
      const det = fresh();
      live.slice(0, 50).forEach((o) => det.update(o));
      const before = roundTrip(det.getState());
      const last = live[49];
      const width = last.values.length;
      const bad: [Observation, string][] = [
        [{ t: last.t + 1, values: Array(width).fill(Number.NaN) }, "invalid"],
        [{ t: last.t + 1, values: Array(width).fill(Number.POSITIVE_INFINITY) }, "invalid"],
        [{ t: Number.NaN, values: last.values }, "invalid"],
        [{ t: last.t + 1, values: last.values.slice(0, -1) }, "invalid"],
        [{ t: last.t + 1, values: [null as unknown as number, ...last.values.slice(1)] }, "invalid"],
        [{ t: last.t, values: last.values }, "duplicate"],
        [{ t: last.t - 5, values: last.values }, "out-of-order"],
      ];
      for (const [obs, reason] of bad) {
        expect(det.update(obs)).toEqual({ t: obs.t, score: 0, raw: 0, skipped: reason });
      }
      expect(roundTrip(det.getState())).toEqual(before);
    });

    it("scores in [0, 1] with finite raw values once warm", () => {
      const det = fresh();
      const res: Scored[] = live.map((o) => det.update(o));
      const scored = res.filter((r) => !r.skipped);
      expect(scored.length).toBeGreaterThan(def.needsTraining ? 150 : 60);
      for (const r of scored) {
        expect(r.score).toBeGreaterThanOrEqual(0);
        expect(r.score).toBeLessThanOrEqual(1);
        expect(Number.isFinite(r.raw)).toBe(true);
        if (make === univariate) expect(r.lower!).toBeLessThanOrEqual(r.upper!);
      }
      // NaN and ±Infinity would silently turn into null in the stored JSON.
      expect(JSON.stringify(det.getState())).not.toMatch(/null|NaN|Infinity/);
    });
  });

  it("keeps a feature that was constant in training at scale 1 and still scores finitely", () => {
    const det = def.create(params);
    const constant = multivariate(300, 0).map((o) => ({ ...o, values: [o.values[0], o.values[1], 5] }));
    if (def.needsTraining) det.train!(constant);
    else constant.forEach((o) => det.update(o));
    expect(roundTrip(det.getState()).features.std[2]).toBe(1);
    const r = det.update({ t: 1e9, values: [0, 0, 50] });
    expect(Number.isFinite(r.raw)).toBe(true);
    // Isolation trees never split a feature that was constant in training (as in scikit-learn).
    if (def.kind !== "isolation-forest") expect(r.score).toBeGreaterThan(0.5);
  });

  it("reports warm-up before training or while the shingle fills", () => {
    const det = def.create(params);
    const res = univariate(3, 0).map((o) => det.update(o));
    expect(res.every((r) => r.skipped === "warmup" && r.score === 0)).toBe(true);
  });
});
