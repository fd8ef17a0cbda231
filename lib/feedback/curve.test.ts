import { describe, expect, it } from "vitest";
import type { ScoredPreview } from "@/lib/detectors/preview";
import { precisionRecallCurve, suggestBestF1, suggestForRecall, type ScoredSeries } from "@/lib/feedback/curve";
import type { TruthSpan } from "@/lib/feedback/evaluate";
import { compareThresholds } from "@/lib/feedback/what-if";
import { curvePointAt, enoughLabels, eventsAt } from "@/lib/feedback/curve";

// Ten points one second apart; scores chosen so each threshold band is easy to count by hand.
const SCORES = [0.1, 0.9, 0.1, 0.6, 0.1, 0.7, 0.1, 0.1, 0.95, 0.1];
const preview: ScoredPreview = {
  points: SCORES.map((_, i) => ({ t: i * 1000, value: i })),
  scored: SCORES.map((score, i) => ({ t: i * 1000, score, raw: score })),
  unscored: 0,
  trainedOn: 0,
  trainedTo: null,
  excludedLabelled: 0,
};
const series: ScoredSeries[] = [{ seriesId: "s", preview }];
const at = (t: number, kind: TruthSpan["kind"], origin: TruthSpan["origin"] = "label"): TruthSpan => ({ seriesId: "s", start: t, end: t, kind, origin });
// True anomalies at 1 s and 8 s, false positives at 3 s and 5 s, a missed one at 6 s (score 0.1).
const truth = [at(1000, "positive"), at(8000, "positive"), at(3000, "negative"), at(5000, "negative"), at(6000, "positive", "missed")];
const period = { start: 0, end: 9000 };

describe("precisionRecallCurve", () => {
  const curve = precisionRecallCurve(series, truth, period);
  const point = (t: number) => curve.find((p) => p.threshold === t)!;

  it("counts by hand at each band of thresholds", () => {
    expect(point(0.5)).toMatchObject({ events: 4, tp: 2, fp: 2, fn: 1, precision: 0.5, recall: 2 / 3 });
    expect(point(0.65)).toMatchObject({ events: 3, tp: 2, fp: 1, precision: 2 / 3, recall: 2 / 3 });
    expect(point(0.8)).toMatchObject({ events: 2, tp: 2, fp: 0, precision: 1, recall: 2 / 3 });
    expect(point(0.8).f1).toBeCloseTo(0.8, 12);
    expect(point(0.92)).toMatchObject({ events: 1, precision: 1, recall: 1 / 3, f1: 0.5 });
    expect(point(0.96)).toMatchObject({ events: 0, precision: null, recall: 0, f1: 0 });
  });

  it("suggests the best F1 (middle of the tied thresholds) and the highest threshold keeping a recall", () => {
    // F1 0.8 from 0.71 to 0.90 (events at 1 s and 8 s only): the middle of those 20 thresholds.
    expect(suggestBestF1(curve)?.threshold).toBe(0.8);
    // A current threshold the labels rate as high is kept; a worse one is not.
    expect(suggestBestF1(curve, curvePointAt(series, truth, period, 0.75))?.threshold).toBe(0.75);
    expect(suggestBestF1(curve, curvePointAt(series, truth, period, 0.5))?.threshold).toBe(0.8);
    expect(suggestForRecall(curve, 0.6)?.threshold).toBe(0.9);
    expect(suggestForRecall(curve, 0.6)?.metrics.events).toBe(2);
    // Only a threshold that flags every point reaches the missed span at 6 s: one event over all, precision 1/3.
    expect(suggestForRecall(curve, 1)).toMatchObject({ threshold: 0.1, metrics: { events: 1, tp: 1, fp: 2, recall: 1, precision: 1 / 3 } });
    expect(suggestForRecall(precisionRecallCurve(series, truth, period, [0.5, 0.8]), 1)).toBeNull();
    expect(suggestBestF1(precisionRecallCurve(series, [], period))).toBeNull();
  });
});

describe("enoughLabels", () => {
  it("wants ten labelled spans with both kinds", () => {
    expect(enoughLabels(truth)).toBe(false);
    const many = [...truth, ...Array.from({ length: 5 }, (_, i) => at(20_000 + i, "negative"))];
    expect(enoughLabels(many)).toBe(true);
    expect(enoughLabels(many.filter((s) => s.kind === "negative"))).toBe(false);
  });
});

describe("compareThresholds", () => {
  it("says what raising the threshold from 0.5 to 0.8 does", () => {
    const w = compareThresholds({ current: { threshold: 0.5, events: eventsAt(series, 0.5, period) }, proposed: { threshold: 0.8, events: eventsAt(series, 0.8, period) } }, truth, period);
    expect(w.falsePositives).toEqual({ flagged: 2, removed: 2, added: 0 });
    expect(w.truePositives).toEqual({ found: 2, kept: 2, lost: 0, gained: 0 });
    expect(w.missed).toEqual({ total: 1, foundNow: 0, foundProposed: 0 });
    expect(w.perDay).toEqual([{ day: 0, current: 4, proposed: 2 }]);
    expect(w.sentence).toBe("This change would have removed 2 of 2 false positives, lost no true positive and found 0 of 1 missed span (now 0) in the last 1 day: 2 anomalies instead of 4.");
  });

  it("names true positives lost by a threshold set too high", () => {
    const w = compareThresholds({ current: { threshold: 0.5, events: eventsAt(series, 0.5, period) }, proposed: { threshold: 0.92, events: eventsAt(series, 0.92, period) } }, truth, period);
    expect(w.truePositives).toEqual({ found: 2, kept: 1, lost: 1, gained: 0 });
    expect(w.sentence).toContain("lost 1 of 2 true positives");
  });
});

describe("flood guard", () => {
  const curve = precisionRecallCurve(series, truth, period);

  it("counts flagged points and scored points on each curve point", () => {
    expect(curve.find((p) => p.threshold === 0.5)).toMatchObject({ flaggedPoints: 4, points: 10 });
    expect(curve.find((p) => p.threshold === 0.05)).toMatchObject({ flaggedPoints: 10, points: 10 });
  });

  it("withholds a lower threshold judged on too few true anomalies, and says why", () => {
    // Only the spike at 8 s is labelled true: a lower threshold would rest on one anomaly.
    const few = [at(8000, "positive"), at(3000, "negative")];
    // Today's 0.96 flags nothing, so any lower threshold that reaches the spike wins on F1.
    const current = curvePointAt(series, few, period, 0.96);
    const s = suggestBestF1(precisionRecallCurve(series, few, period), current);
    expect(s?.threshold).toBe(0.96);
    expect(s?.withheld?.threshold).toBeLessThan(0.96);
    expect(s?.withheld?.reason).toContain("at least 3 true anomalies");
  });

  it("withholds a lower threshold that floods points beyond twice today's", () => {
    // Reaching the missed span at 6 s needs every point flagged (10 points, today 2 at 0.8).
    const current = curvePointAt(series, truth, period, 0.8);
    const s = suggestForRecall(curve, 1, current);
    expect(s).toMatchObject({ threshold: 0.8, withheld: { threshold: 0.1 } });
    expect(s?.withheld?.reason).toBe("it would flag 100.0% of points (today 20.0%); a lower threshold may flag at most 2× today's points or 1.0% of them");
    // Raising is never held back.
    expect(suggestBestF1(curve, curvePointAt(series, truth, period, 0.5))).toMatchObject({ threshold: 0.8 });
    expect(suggestBestF1(curve, curvePointAt(series, truth, period, 0.5))?.withheld).toBeUndefined();
  });
});
