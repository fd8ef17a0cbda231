import { describe, expect, it } from "vitest";
import { createDetector } from "@/lib/detection";
import { runGroupPreview, runPreview } from "@/lib/detectors/preview";

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

describe("runGroupPreview", () => {
  // Two members moving together; at step 150 the second breaks away from the first.
  const steps = Array.from({ length: 200 }, (_, i) => {
    const a = 10 + Math.sin(i / 5) + 0.1 * Math.sin(i * 1.7);
    return { t: i * 60_000, values: [a, 2 * a + 0.1 * Math.cos(i * 1.3) + (i === 150 ? 15 : 0)] };
  });

  it("trains on the first part without history, scores the rest with attribution per member, and reports the event's attribution", () => {
    const r = runGroupPreview({ algorithm: "kmeans", params: { k: 3, shingleSize: 1, seed: 1 }, threshold: 0.5, steps, trainingWindowHours: 1 });
    expect([r.trainedOn, r.unscored]).toEqual([60, 60]);
    expect(r.points[0]).toMatchObject({ score: null, attribution: null, values: steps[0].values });
    const flagged = r.events.find((e) => e.start <= 150 * 60_000 && e.end >= 150 * 60_000)!;
    expect(flagged.peakT).toBe(150 * 60_000);
    expect(flagged.attribution![1]).toMatchObject({ direction: "above" });
    expect(flagged.attribution![1].share).toBeGreaterThan(flagged.attribution![0].share);
    // The same as the detector trained on those steps and fed the rest.
    const direct = createDetector("kmeans", { k: 3, shingleSize: 1, seed: 1 });
    direct.train!(steps.slice(0, 60));
    const want = steps.slice(60).map((s) => direct.update(s));
    expect(r.points.slice(60).map((p) => p.score)).toEqual(want.map((s) => (s.skipped ? null : s.score)));
  });
});
