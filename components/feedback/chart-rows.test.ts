import { describe, expect, it } from "vitest";
import { curveRows, percent, perDayRows, trendRows } from "@/components/feedback/chart-rows";

describe("feedback chart rows", () => {
  it("keeps unknown precision as a gap, not 0", () => {
    expect(curveRows([{ threshold: 0.9, precision: null, recall: 0, f1: 0 }])).toEqual([{ t: 0.9, precision: null, recall: 0, f1: 0 }]);
    expect(trendRows([{ week: "2026-03-02T00:00:00.000Z", precision: 0.5, recall: null, f1: null }])).toEqual([{ t: Date.parse("2026-03-02T00:00:00Z"), precision: 0.5, recall: null }]);
  });
  it("puts days on a time axis and formats shares", () => {
    expect(perDayRows([{ day: "2026-03-02T00:00:00.000Z", current: 4, proposed: 1 }])).toEqual([{ t: Date.parse("2026-03-02T00:00:00Z"), current: 4, proposed: 1 }]);
    expect([percent(0.875), percent(null)]).toEqual(["88%", "—"]);
  });
});
