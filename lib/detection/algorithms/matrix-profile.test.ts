import { describe, expect, it } from "vitest";
import { runSplit } from "../common/testing";
import { createRng } from "../random";
import { withCalibration } from "../calibrated";
import type { Observation } from "../types";
import { LeftMatrixProfile, matrixProfile } from "./matrix-profile";

/** Naive left matrix profile: z-normalize every pair explicitly, O(n²·m). */
function naiveLeftProfile(x: number[], m: number, history: number): number[] {
  const subs = Array.from({ length: x.length - m + 1 }, (_, i) => {
    const s = x.slice(i, i + m);
    const mu = s.reduce((a, v) => a + v, 0) / m;
    const sd = Math.sqrt(s.reduce((a, v) => a + (v - mu) ** 2, 0) / m);
    return { z: sd > 1e-12 ? s.map((v) => (v - mu) / sd) : null };
  });
  const excl = Math.ceil(m / 4);
  return subs.map((a, i) => {
    let best = Infinity;
    for (let j = Math.max(0, i - history); j <= i - excl; j++) {
      const b = subs[j];
      const d =
        a.z && b.z ? Math.sqrt(a.z.reduce((acc, v, k) => acc + (v - b.z![k]) ** 2, 0)) : !a.z && !b.z ? 0 : Math.sqrt(m);
      best = Math.min(best, d);
    }
    return best;
  });
}

function series(n: number, seed: number): number[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, (_, i) => Math.sin((2 * Math.PI * i) / 37) + 0.3 * rng.normal() + (i > 250 ? 5 : 0));
}

const obsOf = (x: number[]): Observation[] => x.map((v, i) => ({ t: i * 1000, values: [v] }));

describe("matrix-profile", () => {
  it("equals a naive O(n²) left matrix profile, with and without a history limit and flat stretches", () => {
    const x = series(400, 1);
    for (let i = 300; i < 340; i++) x[i] = 2; // flat: both-constant and one-constant pairs
    for (const [m, history] of [
      [16, 10_000],
      [16, 60],
      [9, 25],
    ]) {
      const mp = new LeftMatrixProfile(m, history);
      const got: number[] = [];
      for (const v of x) {
        const r = mp.push(v);
        if (r) got.push(r.distance);
      }
      const want = naiveLeftProfile(x, m, history);
      expect(got).toHaveLength(want.length);
      got.forEach((d, i) => {
        if (!Number.isFinite(want[i])) expect(d).toBe(Infinity);
        else expect(d).toBeCloseTo(want[i], 6);
      });
    }
  });

  it("keeps the dot-product update exact over a long run on a large offset (drift bounded by the refresh)", () => {
    const rng = createRng(8);
    const x = Array.from({ length: 6000 }, (_, i) => 1e4 + Math.sin(i / 7) + 0.1 * rng.normal());
    const m = 16;
    const history = 300;
    const mp = new LeftMatrixProfile(m, history);
    const got: number[] = [];
    for (const v of x) {
      const r = mp.push(v);
      if (r) got.push(r.distance);
    }
    // The naive profile of the tail only (its window reaches `history` back).
    const tail = x.slice(x.length - 40 - history - m + 1);
    const want = naiveLeftProfile(tail, m, history).slice(-40);
    got.slice(-40).forEach((d, i) => expect(d).toBeCloseTo(want[i], 8));
  });

  it("scores a shape never seen before above the repeating pattern", () => {
    const det = matrixProfile.create(matrixProfile.params.parse({ window: 20, minHistory: 50 }));
    const rng = createRng(4);
    const x = Array.from({ length: 1200 }, (_, i) => Math.sin((2 * Math.PI * i) / 40) + 0.05 * rng.normal());
    for (let i = 900; i < 910; i++) x[i] = Math.sin((2 * Math.PI * i) / 10); // a burst at another frequency
    const res = obsOf(x).map((o) => det.update(o));
    const inside = Math.max(...res.slice(900, 930).map((r) => r.score));
    const before = Math.max(...res.slice(300, 880).map((r) => r.score));
    expect(inside).toBeGreaterThan(0.8);
    expect(before).toBeLessThan(0.5);
    expect(res[10].skipped).toBe("warmup");
    for (const r of res.slice(200)) expect(r.lower!).toBeLessThanOrEqual(r.upper!);
  });

  it("resumes exactly from a JSON state, calibrated, including after the buffer compacts", () => {
    const def = withCalibration(matrixProfile);
    const obs = obsOf(series(700, 2));
    const params = { window: 12, history: 50, minHistory: 20 };
    for (const k of [5, 64, 100, 101, 333, 699]) {
      const { all, split } = runSplit(def, params, obs, k);
      expect(split).toEqual(all);
    }
    const det = def.create(def.params.parse(params));
    obs.forEach((o) => det.update(o));
    const state = det.getState() as { mp: { values: number[]; dots: number[] } };
    expect(state.mp.values).toHaveLength(50 + 12);
    expect(state.mp.dots).toHaveLength(51);
    expect(JSON.stringify(state)).not.toMatch(/null|NaN|Infinity/);
  });

  it("skips bad input without touching state", () => {
    const det = matrixProfile.create(matrixProfile.params.parse({ window: 8, minHistory: 5 }));
    obsOf(series(60, 3)).forEach((o) => det.update(o));
    const before = JSON.stringify(det.getState());
    expect(det.update({ t: 59_000, values: [1] }).skipped).toBe("duplicate");
    expect(det.update({ t: 60_000, values: [Number.NaN] }).skipped).toBe("invalid");
    expect(det.update({ t: 1, values: [1] }).skipped).toBe("out-of-order");
    expect(JSON.stringify(det.getState())).toBe(before);
  });
});
