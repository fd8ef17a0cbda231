import { describe, expect, it } from "vitest";
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
});
