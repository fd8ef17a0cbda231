import { describe, expect, it } from "vitest";
import { assistEffect, assistFeatures, assistFilters, assistNotReady, parseAssistClassifier, trainAssist, type LabelledIncident } from "@/lib/feedback/assist";
import { suppressingRule } from "@/lib/feedback/suppression";

const MIN = 60_000;
// 2026-11-02 was a Monday.
const MONDAY = Date.UTC(2026, 10, 2);

/** True positives: one-point spikes. False positives: slow 8-point bumps at the same scores. */
function incidents(n: number): LabelledIncident[] {
  return Array.from({ length: n }, (_, k) => {
    const start = MONDAY + k * 97 * MIN;
    const tp = k % 3 === 0;
    const points = tp ? 1 : 8;
    return { start, end: start + (points - 1) * MIN, peakScore: 0.6 + ((k * 37) % 30) / 100, pointCount: points, actual: 110, expected: 100, lower: 97, upper: 103, verdict: tp ? "tp" : "fp" };
  });
}

describe("assist features", () => {
  it("reads a hand-checked incident", () => {
    // Saturday 2026-11-07 06:00 UTC, 3 points over 2 minutes, 10 above expected with a band of ±2 around 100.
    const start = MONDAY + 5 * 86_400_000 + 6 * 3_600_000;
    const f = assistFeatures({ start, end: start + 2 * MIN, peakScore: 0.8, pointCount: 3, actual: 110, expected: 100, lower: 98, upper: 102 });
    expect(f[0]).toBe(0.8);
    expect(f[1]).toBeCloseTo(Math.log(4), 12);
    expect(f[2]).toBeCloseTo(Math.log(3), 12);
    expect(f[3]).toBeCloseTo(Math.log(6), 12); // |110 - 100| / 2 = 5 half-widths
    expect(f[4]).toBe(1);
    expect(f[5]).toBeCloseTo(Math.log(1.04), 12); // band width 4 over level 100
    expect(f[6]).toBeCloseTo(1, 12); // 06:00 is a quarter of the day: sin = 1, cos = 0
    expect(f[7]).toBeCloseTo(0, 12);
    expect(f[8]).toBe(1);
    const noBand = assistFeatures({ start: MONDAY, end: MONDAY, peakScore: 0.5, pointCount: 1, actual: null, expected: null, lower: null, upper: null });
    expect(noBand.slice(3, 6)).toEqual([0, 0, 0]);
    expect(noBand[8]).toBe(0);
  });
});

describe("assist", () => {
  it("needs 30 labels with 5 of each kind", () => {
    expect(assistNotReady(incidents(29))).toMatch(/needs 30 labelled incidents.*has 29/);
    expect(assistNotReady(incidents(30).map((i) => ({ ...i, verdict: "fp" as const })))).toMatch(/has 0 and 30/);
    expect(assistNotReady(incidents(30))).toBeNull();
  });

  it("learns the false positives' shape and keeps the true positives", () => {
    const m = trainAssist(incidents(60));
    expect(m.trainedOn).toEqual({ tp: 20, fp: 40 });
    expect(m.cutoff).toBe(0.5);
    const spike = { start: MONDAY, end: MONDAY, peakScore: 0.7, pointCount: 1, actual: 110, expected: 100, lower: 97, upper: 103 };
    expect(assistFilters(m, spike)).toBe(false);
    expect(assistFilters(m, { ...spike, end: MONDAY + 7 * MIN, pointCount: 8 })).toBe(true);
    // Stored as JSON and read back, it filters the same.
    const back = parseAssistClassifier(JSON.parse(JSON.stringify(m)))!;
    expect(assistFilters(back, { ...spike, end: MONDAY + 7 * MIN, pointCount: 8 })).toBe(true);
    expect(parseAssistClassifier({ kind: "logistic", weights: [1] })).toBeNull();
    // As a rule: it suppresses what the classifier filters, and never an incident without a shape.
    const rules = [{ id: "a", enabled: true, seriesId: null, hourFrom: null, hourTo: null, weekdays: [], scoreBelow: null, classifier: m }];
    expect(suppressingRule(rules, { seriesId: "s", start: MONDAY, peakScore: 0.7, shape: { ...spike, end: MONDAY + 7 * MIN, pointCount: 8 } })).toBe("a");
    expect(suppressingRule(rules, { seriesId: "s", start: MONDAY, peakScore: 0.7, shape: spike })).toBeNull();
    expect(suppressingRule(rules, { seriesId: "s", start: MONDAY, peakScore: 0.7 })).toBeNull();
  });

  it("measures its effect on later labels it was not trained on", () => {
    // 60 labels in 5 blocks of 12. Block 1 alone has 4 true positives (fewer than 5): block 2 is not
    // predicted; blocks 3-5 (36 incidents: 12 true, 24 false) are, each by a model of the blocks before it.
    const e = assistEffect(incidents(60));
    expect(e).toMatchObject({ heldOut: 36, folds: 3, falsePositivesRemoved: 24, truePositivesLost: 0 });
    expect(e.before).toEqual({ tp: 12, fp: 24, positives: 12, precision: 1 / 3, recall: 1 });
    expect(e.after).toEqual({ tp: 12, fp: 0, positives: 12, precision: 1, recall: 1 });
    expect(e.sentence).toBe("On 36 labelled incidents it was not trained on, the assist would have removed 24 of 24 false positives and lost no true positive: precision 33% → 100%, recall 100% → 100%.");
    // A missed span in the held-out time is a positive it cannot find; one before it is not counted.
    const missed = assistEffect(incidents(60), [MONDAY + 50 * 97 * MIN, MONDAY]);
    expect(missed.before.recall).toBeCloseTo(12 / 13, 12);
    expect(missed.after.recall).toBeCloseTo(12 / 13, 12);
  });

  it("skips folds whose earlier labels lack a class", () => {
    // The first 12 are all false positives, and the first 24 hold only 4 true ones: blocks 4 and 5 are predicted.
    const xs = incidents(60).map((i, k) => (k < 12 ? { ...i, verdict: "fp" as const } : i));
    expect(assistEffect(xs)).toMatchObject({ folds: 2, heldOut: 24 });
  });
});
