import { describe, expect, it } from "vitest";
import {
  DEMO_SERIES,
  DEMO_SLOT_MS,
  DEMO_STEP_MS,
  anomaliesBetween,
  baselineValue,
  demoPoints,
  demoValue,
} from "@/lib/demo/generator";

const T0 = Date.UTC(2026, 2, 1, 9);
const HOUR = 3_600_000;

describe("demo generator", () => {
  it("is deterministic per seed and differs between seeds", () => {
    const a = demoPoints(42, T0, T0 + HOUR);
    expect(demoPoints(42, T0, T0 + HOUR)).toEqual(a);
    expect(demoPoints(43, T0, T0 + HOUR)).not.toEqual(a);
    // History and live pushes join: one long range equals two adjacent ones.
    const split = demoPoints(42, T0, T0 + HOUR / 2).map((s, i) => [...s.points, ...demoPoints(42, T0 + HOUR / 2, T0 + HOUR)[i].points]);
    expect(split).toEqual(a.map((s) => s.points));
  });

  it("emits every series on the step grid in (from, to]", () => {
    const batch = demoPoints(1, T0 + 1, T0 + 60_000);
    expect(batch.map((s) => s.series)).toEqual(DEMO_SERIES.map((s) => s.metric));
    for (const s of batch) {
      expect(s.points.map(([t]) => Date.parse(t) - T0)).toEqual([5, 10, 15, 20, 25, 30, 35, 40, 45, 50, 55, 60].map((x) => x * 1000));
    }
  });

  it("schedules anomalies often enough that a new user sees one within minutes, of every kind", () => {
    const list = anomaliesBetween(7, T0, T0 + 6 * HOUR);
    expect(list.length).toBeGreaterThan(6 * (HOUR / DEMO_SLOT_MS) * 0.4);
    expect(new Set(list.map((a) => a.kind))).toEqual(new Set(["spike", "level-shift", "flatline"]));
    const gaps = list.slice(1).map((a, i) => a.start - list[i].start);
    expect(Math.max(...gaps)).toBeLessThan(15 * 60_000);
  });

  it("puts the injected anomalies where it says, and nowhere else", () => {
    const seed = 7;
    const list = anomaliesBetween(seed, T0, T0 + 6 * HOUR);
    for (const a of list) {
      const spec = DEMO_SERIES[a.series];
      const noiseSd = spec.base * spec.noise;
      for (let t = a.start; t <= a.end; t += DEMO_STEP_MS) {
        const deviation = demoValue(seed, a.series, t) - baselineValue(seed, a.series, t);
        if (a.kind === "flatline") expect(demoValue(seed, a.series, t)).toBe(demoValue(seed, a.series, a.start));
        else expect(deviation).toBeGreaterThan(10 * noiseSd);
      }
      if (a.kind === "flatline") expect(demoValue(seed, a.series, a.start)).toBeLessThan(baselineValue(seed, a.series, a.start) * 0.5);
    }
    // Outside anomalies every value is its baseline, within a plausible noise band.
    const inside = (i: number, t: number) => list.some((a) => a.series === i && t >= a.start && t <= a.end);
    for (let i = 0; i < DEMO_SERIES.length; i++) {
      for (let t = T0; t < T0 + 6 * HOUR; t += DEMO_STEP_MS) {
        if (!inside(i, t)) expect(demoValue(seed, i, t)).toBe(baselineValue(seed, i, t));
      }
    }
  });

  it("has daily seasonality and noise on a plausible scale", () => {
    const cpu = (t: number) => baselineValue(3, 0, t);
    const day = Array.from({ length: 24 }, (_, h) => cpu(T0 + h * HOUR));
    const spread = Math.max(...day) - Math.min(...day);
    expect(spread).toBeGreaterThan(DEMO_SERIES[0].base * 0.4);
    const steps = Array.from({ length: 200 }, (_, k) => cpu(T0 + (k + 1) * DEMO_STEP_MS) - cpu(T0 + k * DEMO_STEP_MS));
    const sd = Math.sqrt(steps.reduce((s, d) => s + d * d, 0) / steps.length) / Math.SQRT2;
    expect(sd).toBeGreaterThan(DEMO_SERIES[0].base * 0.02);
    expect(sd).toBeLessThan(DEMO_SERIES[0].base * 0.05);
    for (const v of day) expect(v).toBeGreaterThanOrEqual(0);
  });
});
