import { describe, expect, it } from "vitest";
import { leaveOutSpans } from "@/lib/feedback/training-window";

const pts = Array.from({ length: 10 }, (_, i) => ({ ts: new Date(i * 1000), value: i }));

describe("leaveOutSpans", () => {
  it("drops the points inside labelled spans, ends included, and counts them", () => {
    const { kept, excluded } = leaveOutSpans(pts, [{ start: 2000, end: 3000 }, { start: 7000, end: 7000 }]);
    expect(kept.map((p) => p.value)).toEqual([0, 1, 4, 5, 6, 8, 9]);
    expect(excluded).toBe(3);
  });

  it("keeps everything without spans", () => {
    expect(leaveOutSpans(pts, [])).toEqual({ kept: pts, excluded: 0 });
  });
});
