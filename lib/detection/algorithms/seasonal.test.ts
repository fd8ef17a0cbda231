import { describe, expect, it } from "vitest";
import { DAY_MS } from "../common/period";
import { runSplit, syntheticSeries } from "../common/testing";
import { createRng } from "../random";
import type { Observation } from "../types";
import { seasonal } from "./seasonal";

const STEP = 300_000;
const T0 = Date.UTC(2024, 0, 1);
const daily = (t: number) => 10 + 3 * Math.sin((2 * Math.PI * t) / DAY_MS);

function series(days: number, seed = 5): Observation[] {
  const rng = createRng(seed);
  return Array.from({ length: days * 288 }, (_, i) => {
    const t = T0 + i * STEP;
    return { t, values: [daily(t) + rng.normal() * 0.2] };
  });
}

describe("seasonal", () => {
  it("learns the daily profile: expectation within noise, a 2-unit dip at the daily peak is flagged", () => {
    const d = seasonal.create(seasonal.params.parse({}));
    d.train!(series(4));
    const state = d.getState();
    expect(state.model!.periodMs).toBe(DAY_MS);
    expect(state.model!.buckets).toBe(288);

    const peakT = T0 + 4 * DAY_MS + DAY_MS / 4; // sin = 1: expected about 13
    const before = d.update({ t: peakT - STEP, values: [daily(peakT - STEP)] });
    expect(before.score).toBeLessThan(0.4);
    expect(before.expected!).toBeCloseTo(daily(peakT - STEP), 0);
    const dip = d.update({ t: peakT, values: [11] });
    expect(dip.score).toBeGreaterThan(0.5);
    expect(dip.expected!).toBeGreaterThan(12.5);
    expect(dip.lower!).toBeGreaterThan(11);
  });

  it("maps phase by time, so a 7-hour gap does not shift the season", () => {
    const d = seasonal.create(seasonal.params.parse({}));
    d.train!(series(4));
    const t = T0 + 4 * DAY_MS + 7 * 3_600_000;
    const r = d.update({ t, values: [daily(t)] });
    expect(Math.abs(r.expected! - daily(t))).toBeLessThan(0.3);
    expect(r.score).toBeLessThan(0.4);
  });

  it("stays calm on a noiseless season (the scale floor), yet flags a 5% step", () => {
    const d = seasonal.create(seasonal.params.parse({}));
    const clean = Array.from({ length: 288 * 6 }, (_, i) => ({ t: T0 + i * STEP, values: [daily(T0 + i * STEP)] }));
    const scores = clean.map((o) => d.update(o).score);
    expect(Math.max(...scores)).toBeLessThan(0.5);
    const t = T0 + 288 * 6 * STEP;
    // floor = 0.005 * (level 10 + range 6) = 0.08, so +0.5 is about 6 sigma
    expect(d.update({ t, values: [daily(t) + 0.5] }).score).toBeGreaterThan(0.7);
  });

  it("falls back to level-only smoothing on aseasonal data", () => {
    const rng = createRng(8);
    const d = seasonal.create(seasonal.params.parse({ warmupPoints: 1000 }));
    for (let i = 0; i < 1000; i++) expect(d.update({ t: T0 + i * STEP, values: [rng.normal()] }).skipped).toBe("warmup");
    expect(d.getState().model!.buckets).toBe(1);
    expect(d.update({ t: T0 + 1000 * STEP, values: [8] }).score).toBeGreaterThan(0.7);
  });

  it("resumes exactly, from warm-up buffer and from a fitted model", () => {
    const obs = syntheticSeries(2500, 11);
    for (const k of [300, 1700]) {
      const { all, split } = runSplit(seasonal, {}, obs, k);
      expect(split).toEqual(all);
    }
  });
});
