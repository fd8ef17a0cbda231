import { describe, expect, it } from "vitest";
import { rescoreWindow } from "@/lib/anomalies/rescore";

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
