/**
 * calibration.reference (common/calibration-map.ts): a group's window frozen into a strictly
 * increasing map that keeps the model's ranking, rebuilt when the scores drift; states written
 * before it (testing/old-calibrated-states.json, written by the code before this change) resume
 * score for score, and the lazily computed attributions equal the eager ones that code returned.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import fixture from "./testing/old-calibrated-states.json";
import { mapDecades } from "./common/calibration-map";
import { calibrationParams, FREEZE_AFTER, ScoreCalibrator } from "./common/calibration";
import { zToScore } from "./common/normal";
import { createRng } from "./random";
import { createDetector } from "./registry";
import type { Observation } from "./types";

/** The fixture's rows (the generator that wrote it used these). */
function group(n: number, seed: number): Observation[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, (_, i) => {
    const s = Math.sin((2 * Math.PI * i) / 50);
    const spike = i % 97 === 40 ? 2.5 : 0;
    return { t: i * 60_000, values: [0, 1, 2, 3].map((f) => (f + 1) * s + 0.2 * rng.normal() + (f === i % 4 ? spike : 0)) };
  });
}

function series(n: number, seed: number): Observation[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, (_, i) => ({ t: i * 60_000, values: [10 * Math.sin((2 * Math.PI * i) / 50) + rng.normal() + (i % 97 === 40 ? 6 : 0)] }));
}

const params = calibrationParams.parse({});

function frozen(seed: number, scale = 1): ScoreCalibrator {
  const c = new ScoreCalibrator(params, undefined, { freezeGroups: true });
  const rng = createRng(seed);
  for (let i = 0; i < FREEZE_AFTER; i++) c.calibrate(zToScore(scale * rng.normal()), true);
  return c;
}

describe("fixed calibration map", () => {
  it("freezes a group's window after FREEZE_AFTER live scores into a strictly increasing map", () => {
    const c = new ScoreCalibrator(params, undefined, { freezeGroups: true });
    const rng = createRng(1);
    for (let i = 0; i < FREEZE_AFTER - 1; i++) c.calibrate(zToScore(rng.normal()), true);
    expect(c.currentMap()).toBeNull();
    c.calibrate(zToScore(rng.normal()), true);
    const m = c.currentMap()!;
    expect(m).not.toBeNull();
    let prev = -Infinity;
    for (let d = 0.001; d < 50; d += 0.001) {
      const v = mapDecades(m, d);
      expect(v).toBeGreaterThan(prev);
      prev = v;
    }
  });

  it("keeps the model's ranking of rows (equal ROC-AUC), and stays put while the scores do", () => {
    const c = frozen(2);
    const m = c.currentMap();
    const rng = createRng(3);
    const native = Array.from({ length: 2000 }, () => zToScore(rng.normal()));
    const out = native.map((s) => c.calibrate(s, true));
    expect(c.currentMap()).toBe(m);
    const order = (xs: number[]) => xs.map((_, i) => i).sort((a, b) => xs[a] - xs[b] || a - b);
    const strict = native.every((a, i) => native.every((b, j) => i === j || a === b || Math.sign(a - b) === Math.sign(out[i] - out[j])));
    expect(strict).toBe(true);
    expect(order(out)).toEqual(order(native));
  });

  it("rebuilds the map when a block's share above u strays more than 5 standard deviations", () => {
    const c = frozen(4);
    const m = c.currentMap()!;
    const rng = createRng(5);
    // The model's scores widen (twice the spread): far more than expect x window lands above u.
    for (let i = 0; i < params.window; i++) c.calibrate(zToScore(2 * rng.normal()), true);
    const rebased = c.currentMap()!;
    expect(rebased).not.toBe(m);
    expect(rebased.u).toBeGreaterThan(m.u);
    // And the new map resumes exactly from JSON, block counters included.
    const resumed = new ScoreCalibrator(params, JSON.parse(JSON.stringify(c.getState())), { freezeGroups: true });
    const next = Array.from({ length: 1500 }, () => zToScore(2 * rng.normal()));
    expect(next.map((s) => resumed.calibrate(s, true))).toEqual(next.map((s) => c.calibrate(s, true)));
  });

  it("leaves series (and kinds that do not freeze) on the sliding window, state as before", () => {
    const a = new ScoreCalibrator(params, undefined, { freezeGroups: true });
    const b = new ScoreCalibrator(params);
    const rng = createRng(6);
    for (let i = 0; i < 3000; i++) {
      const s = zToScore(rng.normal());
      expect(a.calibrate(s, false)).toBe(b.calibrate(s, false));
    }
    expect(a.currentMap()).toBeNull();
    expect(a.getState()).toEqual(b.getState());
    expect(Array.isArray(a.getState())).toBe(true);
  });
});

describe("states saved before calibration.reference", () => {
  it.each(fixture.map((c) => [`${c.kind} ${c.input}`, c] as const))("%s resumes score for score, with the same attributions", (_, c) => {
    const rows = (c.input === "group" ? group(3000, 7) : series(3000, 8)).slice(1800);
    const d = createDetector(c.kind, c.params, c.state);
    const results = rows.map((o) => d.update(o));
    const scores = results.map((r) => r.score);
    expect(scores.slice(0, 100)).toEqual(c.firstScores);
    expect(createHash("sha256").update(JSON.stringify(scores)).digest("hex")).toBe(c.scoresSha256);
    // Read after every later row was scored: each result kept its own row.
    if (c.attributions) expect(JSON.parse(JSON.stringify(results.slice(-20).map((r) => r.attribution)))).toEqual(c.attributions);
  });
});

describe("a group detector trained now", () => {
  it("freezes after FREEZE_AFTER live scores and resumes exactly from JSON", () => {
    const rows = group(3000, 9);
    const d = createDetector("pca", {});
    d.train!(rows.slice(0, 600));
    for (const o of rows.slice(600, 1700)) d.update(o);
    const state = d.getState() as { calibration: { map?: unknown }; persistence: { cap: number } };
    expect(state.calibration.map).toBeDefined();
    expect(state.persistence.cap).toBe(3);
    const resumed = createDetector("pca", {}, JSON.parse(JSON.stringify(state)));
    const rest = rows.slice(1700);
    expect(rest.map((o) => resumed.update(o).score)).toEqual(rest.map((o) => d.update(o).score));
  });
});
