import { describe, expect, it } from "vitest";
import { rescoreWindow } from "@/lib/anomalies/rescore";
import { createDetector } from "@/lib/detection";

const T0 = Date.parse("2026-01-01T00:00:00Z");
const points = Array.from({ length: 400 }, (_, i) => ({ t: T0 + i * 60_000, value: i >= 300 && i < 303 ? 95 : 10 + ((i * 7) % 5) * 0.4 }));
const peakT = points[300].t;

describe("rescoreWindow", () => {
  it("shows only the chart window, with the band the detector expects and the spike outside it", () => {
    const w = rescoreWindow({ algorithm: "zscore", params: { window: 60 }, threshold: 0.6, points: points.slice(200), history: points.slice(0, 200), peakT });
    expect(w.points).toHaveLength(200);
    expect(w.points[0].t).toBe(points[200].t);
    const spike = w.points.find((p) => p.t === peakT)!;
    expect(spike.upper).not.toBeNull();
    expect(spike.value).toBeGreaterThan(spike.upper!);
    expect(spike.expected!).toBeLessThan(12);
    expect(spike.score!).toBeGreaterThan(0.6);
    expect(w.driver).toBeNull();
  });

  it("names the ensemble member whose weighted score was highest at the peak", () => {
    const params = { members: [{ kind: "robust-zscore", params: {}, weight: 0.2 }, { kind: "zscore", params: { window: 60 }, weight: 1 }] };
    const w = rescoreWindow({ algorithm: "ensemble", params, threshold: 0.5, points: points.slice(200), history: points.slice(0, 200), peakT });
    expect(w.driver?.kind).toBe("zscore");
    expect(w.driver!.score).toBeGreaterThan(0.5);
  });

  it("names a member's side score (seasonal's drift test) when it drove the peak", () => {
    // A daily season (288 points of 5 minutes), then a drift of 4 noise sigmas over 300 points.
    const day = 288;
    let x = 7;
    const noise = () => ((x = (x * 16807) % 2147483647) / 2147483647 - 0.5) * 0.7;
    const series = Array.from({ length: 6 * day }, (_, i) => ({
      t: T0 + i * 300_000,
      value: 10 + 2 * Math.sin((2 * Math.PI * i) / day) + (i >= 4 * day ? Math.min(300, i - 4 * day) * (0.8 / 300) : 0) + noise(),
    }));
    const season = { slowAlpha: 0.001, warmupPoints: 2 * day, output: "split", driftLambda: 0.02, calibration: { enabled: false } };
    const params = { members: [{ kind: "seasonal", params: season }], likelihood: { enabled: true, learningPoints: 100 } };
    const d = createDetector("ensemble", params);
    const peak = series.findIndex((p) => {
      const r = d.update({ t: p.t, values: [p.value] });
      return r.score >= 0.6 && r.driver === "seasonal (drift)";
    });
    expect(peak).toBeGreaterThan(4 * day);
    const from = peak - 100;
    const w = rescoreWindow({ algorithm: "ensemble", params, threshold: 0.5, points: series.slice(from, peak + 50), history: series.slice(0, from), peakT: series[peak].t });
    expect(w.driver?.kind).toBe("seasonal (drift)");
    expect(w.driver!.score).toBeGreaterThanOrEqual(0.6);
  });

  it("trains a detector that needs it on the training window before the chart, and scores every shown point", () => {
    const w = rescoreWindow({ algorithm: "isolation-forest", params: { trees: 20 }, threshold: 0.5, trainingWindowHours: 2, points: points.slice(200), history: points.slice(0, 200), peakT });
    expect(w.trainedOn).toBe(0);
    expect(w.points).toHaveLength(200);
    expect(w.points.every((p) => p.score !== null)).toBe(true);
  });

  it("rejects an invalid configuration naming the field", () => {
    expect(() => rescoreWindow({ algorithm: "zscore", params: { window: 1 }, threshold: 0.6, points, history: [], peakT })).toThrow(/window/);
  });
});
