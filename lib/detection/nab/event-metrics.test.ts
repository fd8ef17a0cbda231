import { describe, expect, it } from "vitest";
import { countEvents, eventMetrics } from "./index";

describe("event metrics", () => {
  it("counts an event as a hit when it overlaps a window, and a window as recalled when any event does", () => {
    const windows = [
      { start: 10, end: 20 },
      { start: 50, end: 60 },
      { start: 80, end: 90 },
    ];
    const events = [
      { start: 5, end: 10 },
      { start: 15, end: 16 },
      { start: 30, end: 40 },
      { start: 61, end: 70 },
      { start: 85, end: 95 },
    ];
    const m = eventMetrics(countEvents(events, windows));
    expect(m).toMatchObject({ events: 5, hits: 3, windows: 3, recalled: 2 });
    expect(m.precision).toBeCloseTo(0.6);
    expect(m.recall).toBeCloseTo(2 / 3);
    expect(m.f1).toBeCloseTo((2 * 0.6 * (2 / 3)) / (0.6 + 2 / 3));
  });

  it("ignores what ends before the scored period and leaves undefined ratios null", () => {
    const counts = countEvents([{ start: 1, end: 2 }], [{ start: 0, end: 5 }], 10);
    expect(eventMetrics(counts)).toMatchObject({ events: 0, windows: 0, precision: null, recall: null, f1: null });
  });
});
