import { describe, expect, it } from "vitest";
import { evaluate, weekStart, weeklyTrend, type DetectedEvent, type TruthSpan } from "@/lib/feedback/evaluate";

const truth: TruthSpan[] = [
  { seriesId: "s", start: 10, end: 20, kind: "positive", origin: "label" },
  { seriesId: "s", start: 50, end: 60, kind: "positive", origin: "missed" },
  { seriesId: "s", start: 100, end: 110, kind: "negative", origin: "label" },
  { seriesId: "s", start: 200, end: 210, kind: "unsure", origin: "label" },
];
const ev = (start: number, end: number, seriesId = "s"): DetectedEvent => ({ seriesId, start, end });

describe("evaluate", () => {
  it("counts events against labelled spans and reports unlabelled and unsure apart", () => {
    // E1 hits the positive, E2 the negative, E3 the unsure span, E4 nothing, E5 is on another series.
    const m = evaluate([ev(15, 18), ev(105, 106), ev(205, 206), ev(300, 310), ev(55, 57, "other")], truth);
    expect(m).toEqual({ tp: 1, fp: 1, fn: 1, unsure: 1, unlabelled: 2, positives: 2, events: 5, precision: 0.5, recall: 0.5, f1: 0.5 });
  });

  it("an event covering positives and a negative (touching counts) is one TP and still flags the negative", () => {
    const m = evaluate([ev(20, 100)], truth);
    expect(m).toMatchObject({ tp: 1, fp: 1, fn: 0, recall: 1, precision: 0.5 });
  });

  it("no events: precision unknown, recall 0; no labels: both unknown", () => {
    expect(evaluate([], truth)).toMatchObject({ precision: null, recall: 0, f1: 0, fn: 2 });
    expect(evaluate([ev(1, 2)], [])).toMatchObject({ precision: null, recall: null, f1: null, unlabelled: 1 });
  });
});

describe("weeklyTrend", () => {
  it("weeks start on Monday 00:00 UTC", () => {
    expect(weekStart(Date.parse("2026-03-04T12:00:00Z"))).toBe(Date.parse("2026-03-02T00:00:00Z"));
    expect(weekStart(Date.parse("2026-03-01T23:59:00Z"))).toBe(Date.parse("2026-02-23T00:00:00Z"));
    expect(weekStart(Date.parse("2026-03-02T00:00:00Z"))).toBe(Date.parse("2026-03-02T00:00:00Z"));
  });

  it("splits events and positives by the week they start in", () => {
    const w1 = Date.parse("2026-03-03T00:00:00Z");
    const w2 = Date.parse("2026-03-10T00:00:00Z");
    const t: TruthSpan[] = [
      { seriesId: "s", start: w1, end: w1 + 60_000, kind: "positive", origin: "label" },
      { seriesId: "s", start: w1 + 3_600_000, end: w1 + 3_660_000, kind: "negative", origin: "label" },
      { seriesId: "s", start: w2, end: w2 + 60_000, kind: "positive", origin: "missed" },
    ];
    const rows = weeklyTrend([ev(w1, w1 + 1), ev(w1 + 3_600_000, w1 + 3_600_001)], t, w1, w2 + 1);
    expect(rows.map((r) => r.week)).toEqual([Date.parse("2026-03-02T00:00:00Z"), Date.parse("2026-03-09T00:00:00Z")]);
    expect(rows[0]).toMatchObject({ tp: 1, fp: 1, fn: 0, precision: 0.5, recall: 1 });
    expect(rows[1]).toMatchObject({ tp: 0, fp: 0, fn: 1, events: 0, precision: null, recall: 0 });
  });
});
