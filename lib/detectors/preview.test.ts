import { describe, expect, it } from "vitest";
import { createDetector } from "@/lib/detection";
import { runPreview } from "@/lib/detectors/preview";

const points = Array.from({ length: 200 }, (_, i) => ({ t: i * 60_000, value: 5 + Math.sin(i / 5) + (i === 150 ? 20 : 0) }));

describe("runPreview", () => {
  it("finds the spike and reports nulls (not zeros) where the detector did not judge", () => {
    const r = runPreview({ algorithm: "zscore", params: { window: 50 }, threshold: 0.5, points });
    expect(r.trainedOn).toBe(0);
    expect(r.points[0]).toMatchObject({ score: null, expected: null, lower: null, upper: null });
    expect(r.events.map((e) => e.peakT)).toEqual([150 * 60_000]);
    expect(r.points[150].score).toBeGreaterThan(0.9);
    expect(r.points[150].lower).toBeLessThan(r.points[150].upper!);
  });

  it("trains a detector that needs it on the history before the window and scores every point, as the worker would", () => {
    const history = points.slice(0, 120);
    const shown = points.slice(120);
    const r = runPreview({ algorithm: "kmeans", params: {}, threshold: 0.5, points: shown, history, trainingWindowHours: 1 });
    expect([r.trainedOn, r.unscored, r.trainedTo]).toEqual([60, 0, history.at(-1)!.t]);
    expect(r.points).toHaveLength(80);
    // The same as training that detector on the last hour before the window, then scoring the window.
    const direct = createDetector("kmeans", {});
    direct.train!(history.slice(60).map((p) => ({ t: p.t, values: [p.value] })));
    const want = shown.map((p) => direct.update({ t: p.t, values: [p.value] }));
    expect(r.points.map((p) => p.score)).toEqual(want.map((s) => (s.skipped ? null : s.score)));
  });
});
