/**
 * Issue 13 (branch mlq13): k-means, LOF and the Gaussian mixture now default to centered shingles (and LOF
 * to a reach floor). A state saved before keeps scoring what its model was trained on until the next
 * training; the next training uses the new defaults.
 */
import { describe, expect, it } from "vitest";
import type { DetectorDefinition, Observation } from "@/lib/detection/types";
import { gaussianMixture } from "./gaussian-mixture";
import { kmeans } from "./kmeans";
import { lof } from "./lof";
import { sineSeries } from "./testing/synthetic";

const series = (n: number, t0: number, level = 5): Observation[] =>
  sineSeries(n, t0 + 1, 20, 0.1).map((v, i) => ({ t: t0 + i, values: [level + 2 * v] }));
const roundTrip = <T>(v: T): T => JSON.parse(JSON.stringify(v));

const cases: [DetectorDefinition, Record<string, unknown>][] = [
  [kmeans, { shingleMode: "raw" }],
  [lof, { shingleMode: "raw", reachFloor: 0 }],
  [gaussianMixture, { shingleMode: "raw" }],
];

describe.each(cases)("$kind: states saved before centered shingles", (def, before) => {
  const history = series(300, 0);
  const live = series(120, 10_000);

  it("resume under the new defaults exactly as they scored before", () => {
    const old = def.create(def.params.parse(before));
    old.train!(history);
    const saved = roundTrip(old.getState());
    const expected = live.map((o) => old.update(o));
    const resumed = def.create(def.params.parse({}), saved);
    expect(live.map((o) => resumed.update(o))).toEqual(expected);
  });

  it("train with the new defaults from the next training on", () => {
    const old = def.create(def.params.parse(before));
    old.train!(history);
    const resumed = def.create(def.params.parse({}), roundTrip(old.getState()));
    resumed.train!(history);
    const fresh = def.create(def.params.parse({}));
    fresh.train!(history);
    type WithFeatures = { features: { mode?: string } };
    const features = (d: typeof fresh) => (roundTrip(d.getState()) as WithFeatures).features;
    expect(features(resumed).mode).toBe("centered");
    expect(features(resumed)).toEqual(features(fresh));
  });

  it("a level shift is new only while a shingle straddles it", () => {
    const det = def.create(def.params.parse({ calibration: { enabled: false } }));
    det.train!(history);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
    const shifted = series(120, 10_000, 25).map((o) => det.update(o).score);
    // Once the shingles hold only shifted values, the shape is the usual one again (0.5 = training p99).
    expect(median(shifted.slice(20))).toBeLessThan(0.5);
    const raw = def.create(def.params.parse({ ...before, calibration: { enabled: false } }));
    raw.train!(history);
    expect(Math.min(...series(120, 10_000, 25).map((o) => raw.update(o).score).slice(20))).toBeGreaterThan(0.9);
  });
});
