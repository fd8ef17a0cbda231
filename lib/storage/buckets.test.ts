import { describe, expect, it } from "vitest";
import { planRead, rollupWidthFor } from "@/lib/storage/buckets";

const H = 3_600_000;

describe("planRead", () => {
  it("whole widths from rollups, the partial ends from points, nothing twice", () => {
    expect(planRead(0.5 * H, 5.5 * H, H, null)).toEqual({ rollups: [[H, 5 * H]], raw: [[0.5 * H, H], [5 * H, 5.5 * H + 1]] });
    // `to` inclusive: a range ending 1 ms before an hour boundary takes that last hour whole.
    expect(planRead(0, 3 * H - 1, H, null)).toEqual({ rollups: [[0, 3 * H]], raw: [] });
  });

  it("the pending dirty range is read from the points, in whole widths", () => {
    expect(planRead(0, 10 * H - 1, H, { from: 3.2 * H, to: 4.1 * H })).toEqual({ rollups: [[0, 3 * H], [5 * H, 10 * H]], raw: [[3 * H, 5 * H]] });
    expect(planRead(0, 10 * H - 1, H, { from: -5 * H, to: 0.5 * H })).toEqual({ rollups: [[H, 10 * H]], raw: [[0, H]] });
  });

  it("a range shorter than one width is all points", () => {
    expect(planRead(0.2 * H, 0.7 * H, H, null)).toEqual({ rollups: [], raw: [[0.2 * H, 0.7 * H + 1]] });
  });

  it("reads hour rollups from hour-wide buckets, minute rollups from minute-wide ones", () => {
    expect([rollupWidthFor(59_999), rollupWidthFor(60_000), rollupWidthFor(H - 1), rollupWidthFor(H)]).toEqual([null, 60_000, 60_000, H]);
  });
});
