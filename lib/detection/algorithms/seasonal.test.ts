import { describe, expect, it } from "vitest";
import { DAY_MS, WEEK_MS } from "../common/period";
import { runSplit, syntheticSeries } from "../common/testing";
import { createRng } from "../random";
import type { Observation } from "../types";
import { holdoutError, type SeasonalState, seasonal } from "./seasonal";

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

describe("seasonal weekly recheck", () => {
  // 30-minute sampling: 600 warm-up points are 12.5 days, too few to test a weekly season.
  const weekendSeries = (n: number, seed: number, weekendDrop = 4): Observation[] => {
    const rng = createRng(seed);
    const t0 = Date.UTC(2024, 0, 1); // a Monday
    return Array.from({ length: n }, (_, i) => {
      const t = t0 + i * 1_800_000;
      const day = Math.floor((t - t0) / DAY_MS) % 7;
      const v = 20 + 5 * Math.sin((2 * Math.PI * (t % DAY_MS)) / DAY_MS) - (day >= 5 ? weekendDrop : 0) + 0.3 * rng.normal();
      return { t, values: [v] };
    });
  };
  const periodOf = (d: { getState(): unknown }) => (d.getState() as SeasonalState).model?.periodMs;

  it("holdoutError: a profile learned on the first week predicts the second exactly", () => {
    const ts = Array.from({ length: 2 * 7 * 4 }, (_, i) => i * 6 * 3_600_000); // 6-hourly, two weeks
    const vs = ts.map((t) => (Math.floor(t / DAY_MS) % 7 >= 5 ? 0 : 1) + [0, 2, 0, -2][(t / (6 * 3_600_000)) % 4]);
    expect(holdoutError(ts, vs, WEEK_MS)).toBeCloseTo(0, 12);
    expect(holdoutError(ts, vs, DAY_MS)).toBeGreaterThan(0.1);
    expect(holdoutError(ts, vs, 0)).toBeGreaterThan(holdoutError(ts, vs, DAY_MS));
  });

  it("switches a daily season to weekly once two weeks show weekends the daily profile cannot predict", () => {
    const series = weekendSeries(2000, 3);
    // The recheck alone (slowAlpha 0): the slow level would also score the weekend's level change.
    const plain = seasonal.create(seasonal.params.parse({ slowAlpha: 0 }));
    const rechecked = seasonal.create(seasonal.params.parse({ weeklyRecheckPoints: 1000, slowAlpha: 0 }));
    const a = series.map((o) => plain.update(o));
    const b = series.map((o, i) => {
      const r = rechecked.update(o);
      if (i === 650) expect(periodOf(rechecked)).toBe(DAY_MS);
      return r;
    });
    expect(periodOf(plain)).toBe(DAY_MS);
    expect(periodOf(rechecked)).toBe(WEEK_MS);
    expect(a.slice(0, 672)).toEqual(b.slice(0, 672)); // same scores until the recheck
    const late = (xs: typeof a) => xs.slice(1000).filter((s) => s.score >= 0.5).length;
    expect(late(b)).toBeLessThan(late(a));
    expect(late(b)).toBeLessThan(10);
  });

  it("keeps the season when the weekly profile predicts no better, and never rechecks past the cap", () => {
    const flat = seasonal.create(seasonal.params.parse({ weeklyRecheckPoints: 1000 }));
    weekendSeries(1000, 4, 0).forEach((o) => flat.update(o));
    expect(periodOf(flat)).toBe(DAY_MS);
    expect((flat.getState() as SeasonalState).recheck).toBeNull();
    const noiseless = seasonal.create(seasonal.params.parse({ weeklyRecheckPoints: 1000 }));
    // No noise at all: every profile predicts (almost) perfectly, below the scale floor.
    weekendSeries(1000, 4, 0).forEach((o) => noiseless.update({ t: o.t, values: [20 + 5 * Math.sin((2 * Math.PI * (o.t % DAY_MS)) / DAY_MS)] }));
    expect(periodOf(noiseless)).toBe(DAY_MS);
    const capped = seasonal.create(seasonal.params.parse({ weeklyRecheckPoints: 600 }));
    weekendSeries(1000, 3).forEach((o) => capped.update(o));
    expect(periodOf(capped)).toBe(DAY_MS);
  });

  it("resumes exactly while buffering for the recheck and after it", () => {
    for (const k of [640, 900]) {
      const { all, split } = runSplit(seasonal, { weeklyRecheckPoints: 1000 }, weekendSeries(1200, 5), k);
      expect(split).toEqual(all);
    }
  });

  it("slowAlpha: a slow drift the level absorbs is flagged against the slow level, and it resumes exactly", () => {
    const rng = createRng(9);
    // Four days of season, then a drift of 2 units (10 noise sigmas) over 400 points.
    const obs = Array.from({ length: 6 * 288 }, (_, i) => {
      const t = T0 + i * STEP;
      const drift = i >= 4 * 288 ? Math.min(400, i - 4 * 288) * (2 / 400) : 0;
      return { t, values: [daily(t) + drift + rng.normal() * 0.2] };
    });
    const flags = (slowAlpha: number) => {
      const d = seasonal.create(seasonal.params.parse({ slowAlpha, warmupPoints: 2 * 288 }));
      const scores = obs.map((o) => d.update(o));
      const count = (from: number, to: number) => scores.slice(from, to).filter((s) => s.score >= 0.5).length;
      return { before: count(3 * 288, 4 * 288), drift: count(4 * 288, 4 * 288 + 200) };
    };
    const off = flags(0);
    const on = flags(0.002);
    expect(on.before).toBeLessThanOrEqual(3);
    expect(off.drift).toBeLessThanOrEqual(2); // the level follows the drift: its residuals stay small
    expect(on.drift).toBeGreaterThanOrEqual(10);
    for (const k of [300, 1200]) {
      const { all, split } = runSplit(seasonal, { slowAlpha: 0.002, warmupPoints: 2 * 288 }, obs, k);
      expect(split).toEqual(all);
    }
  });

  it("driftLambda: a drift of 3 noise sigmas over 200 points is reported within it, a stationary series never; resumes exactly", () => {
    const rng = createRng(11);
    // Four days of season, then 0.6 units (3 noise sigmas) over 200 points, then the new level stays.
    const obs = Array.from({ length: 7 * 288 }, (_, i) => {
      const t = T0 + i * STEP;
      const drift = i >= 4 * 288 ? Math.min(200, i - 4 * 288) * (0.6 / 200) : 0;
      return { t, values: [daily(t) + drift + rng.normal() * 0.2] };
    });
    const params = { output: "drift", driftLambda: 0.02, slowAlpha: 0.001, warmupPoints: 2 * 288 };
    const d = seasonal.create(seasonal.params.parse(params));
    const scores = obs.map((o) => d.update(o).score);
    const firstAlarm = scores.findIndex((s, i) => i >= 2 * 288 && s >= 0.6);
    expect(firstAlarm).toBeGreaterThan(4 * 288);
    expect(firstAlarm).toBeLessThan(4 * 288 + 200);
    // Nothing before the drift.
    expect(Math.max(...scores.slice(2 * 288, 4 * 288))).toBeLessThan(0.6);
    // The same detector on the series without the drift stays below the report level.
    const calm = seasonal.create(seasonal.params.parse(params));
    const still = series(7, 11).map((o) => calm.update(o).score);
    expect(Math.max(...still)).toBeLessThan(0.6);
    // output "all": never below the level's own score (the drift score joins by max).
    const plain = seasonal.create(seasonal.params.parse({ slowAlpha: 0.001, warmupPoints: 2 * 288 }));
    const withDrift = seasonal.create(seasonal.params.parse({ ...params, output: "all" }));
    const a = obs.map((o) => plain.update(o).score);
    const b = obs.map((o) => withDrift.update(o).score);
    expect(b.slice(0, 4 * 288)).toEqual(a.slice(0, 4 * 288).map((x, i) => Math.max(x, b[i])));
    for (const k of [700, 4 * 288 + 100]) {
      const { all, split } = runSplit(seasonal, params, obs, k);
      expect(split).toEqual(all);
    }
  });

  it("slowNeedsSeason leaves a series without a season to the fast level; slowWeight scales the slow score", () => {
    const rng = createRng(4);
    // No season: a flat series with a slow drift (as real level changes look to a slow level).
    const flat = Array.from({ length: 6 * 288 }, (_, i) => {
      const drift = i >= 4 * 288 ? Math.min(400, i - 4 * 288) * (2 / 400) : 0;
      return { t: T0 + i * STEP, values: [10 + drift + rng.normal() * 0.2] };
    });
    const run = (params: Record<string, unknown>) => {
      const d = seasonal.create(seasonal.params.parse({ warmupPoints: 2 * 288, ...params }));
      return flat.map((o) => d.update(o));
    };
    const fastOnly = run({ slowAlpha: 0 });
    expect(run({ slowAlpha: 0.002, slowNeedsSeason: true })).toEqual(fastOnly);
    expect(run({ slowAlpha: 0.002 })).not.toEqual(fastOnly);
    // On a seasonal series the slow score counts times slowWeight: never above the unweighted one.
    const seasonalObs = series(6, 8);
    const full = seasonal.create(seasonal.params.parse({ slowAlpha: 0.002, slowNeedsSeason: true, warmupPoints: 2 * 288 }));
    const weighted = seasonal.create(seasonal.params.parse({ slowAlpha: 0.002, slowNeedsSeason: true, slowWeight: 0.5, warmupPoints: 2 * 288 }));
    let lower = 0;
    for (const o of seasonalObs) {
      const a = full.update(o);
      const b = weighted.update(o);
      expect(b.score).toBeLessThanOrEqual(a.score);
      if (b.score < a.score) lower++;
    }
    expect(lower).toBeGreaterThan(0);
    const { all, split } = runSplit(seasonal, { slowAlpha: 0.002, slowNeedsSeason: true, slowWeight: 0.9, warmupPoints: 2 * 288 }, seasonalObs, 900);
    expect(split).toEqual(all);
  });

  it("driftReset: a level shift that persists is reported once by the drift test, a drift still within 200 points; resumes exactly", () => {
    const params = { output: "drift", driftLambda: 0.02, slowAlpha: 0.001, warmupPoints: 2 * 288 };
    // Four days of season, then a step of 1 unit (5 noise sigmas) or a drift of 0.6 over 200 points that stays.
    const shifted = (seed: number, kind: "step" | "drift") => {
      const rng = createRng(seed);
      return Array.from({ length: 8 * 288 }, (_, i) => {
        const t = T0 + i * STEP;
        const k = i - 4 * 288;
        const shift = k < 0 ? 0 : kind === "step" ? 1 : Math.min(200, k) * (0.6 / 200);
        return { t, values: [daily(t) + shift + rng.normal() * 0.2] };
      });
    };
    // Alarms (a score reaching 0.6 after one below it), counted from the change.
    const alarms = (obs: Observation[], driftReset: number) => {
      const d = seasonal.create(seasonal.params.parse({ ...params, driftReset }));
      const s = obs.map((o) => d.update(o).score);
      return s.flatMap((x, i) => (x >= 0.6 && !(s[i - 1] >= 0.6) ? [i - 4 * 288] : []));
    };
    for (const seed of [11, 12]) {
      const step = shifted(seed, "step");
      // Without the re-base the slow level's lag is reported again hundreds of points later.
      expect(Math.max(...alarms(step, 0))).toBeGreaterThan(500);
      const once = alarms(step, 0.6);
      expect(once.length).toBe(1);
      expect(once[0]).toBeGreaterThanOrEqual(0);
      expect(once[0]).toBeLessThan(50);
      const drift = alarms(shifted(seed, "drift"), 0.6);
      expect(drift[0]).toBeGreaterThan(0);
      expect(drift[0]).toBeLessThan(200);
    }
    // State across the re-base: before it, just after it, and while the restarted test is silent.
    for (const k of [4 * 288 + 5, 4 * 288 + 30, 4 * 288 + 400]) {
      const { all, split } = runSplit(seasonal, { ...params, driftReset: 0.6 }, shifted(11, "step"), k);
      expect(split).toEqual(all);
    }
  });
});
