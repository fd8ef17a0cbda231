import { describe, expect, it } from "vitest";
import { explainAnomaly, formatReading } from "@/lib/anomalies/explain";

const base = { actual: 93.2, expected: 41, lower: 30, upper: 52, pointCount: 14, peakScore: 0.912, threshold: 0.6 };

describe("explainAnomaly", () => {
  it("says what was seen against what was expected, for how long, and the score against the threshold", () => {
    expect(explainAnomaly(base)).toBe("93.2 is above the expected 41.0 (normal 30.0 to 52.0) for 14 points; score 0.91, threshold 0.60.");
  });

  it("says below for a dip, names the ensemble member, and marks an ongoing incident", () => {
    const s = explainAnomaly({ ...base, actual: 3, pointCount: 1, ongoing: true, driver: { kind: "robust-zscore", score: 0.95 } });
    expect(s).toBe("3.00 is below the expected 41.0 (normal 30.0 to 52.0) so far for 1 point; score 0.91, threshold 0.60, driven by robust-zscore (0.95).");
  });

  it("falls back to the score when the detector reported no values", () => {
    expect(explainAnomaly({ ...base, actual: null, expected: null, lower: null, upper: null })).toBe(
      "Scored 0.91 at its peak, at or above the threshold 0.60, for 14 points.",
    );
    expect(explainAnomaly({ ...base, expected: null, lower: null, upper: null })).toBe("93.2 was flagged for 14 points; score 0.91, threshold 0.60.");
  });

  it("formats readings readably at every scale", () => {
    expect(formatReading(12345.6)).toBe("12,346");
    expect(formatReading(0.001234)).toBe("1.23e-3");
    expect(formatReading(0)).toBe("0.00");
  });
});
