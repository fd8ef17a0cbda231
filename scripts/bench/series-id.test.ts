import { describe, expect, it } from "vitest";
import { benchSeriesId, SERIES_ID_LENGTH } from "./series-id";

describe("benchSeriesId", () => {
  it("gives ids as long as a cuid", () => {
    expect(benchSeriesId("year", 0)).toHaveLength(SERIES_ID_LENGTH);
    expect(benchSeriesId("ret-plain")).toHaveLength(SERIES_ID_LENGTH);
  });

  it("keeps 1 and 10 apart (they collided when only the end was padded)", () => {
    expect(benchSeriesId("year", 1)).not.toBe(benchSeriesId("year", 10));
    const ids = Array.from({ length: 1000 }, (_, k) => benchSeriesId("year", k));
    expect(new Set(ids).size).toBe(1000);
  });

  it("sorts in index order", () => {
    const ids = [2, 10, 1, 100, 0].map((k) => benchSeriesId("year", k));
    expect([...ids].sort()).toEqual([0, 1, 2, 10, 100].map((k) => benchSeriesId("year", k)));
  });

  it("refuses indexes it cannot pad and names that do not fit", () => {
    expect(() => benchSeriesId("year", -1)).toThrow(RangeError);
    expect(() => benchSeriesId("year", 1.5)).toThrow(RangeError);
    expect(() => benchSeriesId("year", 1_000_000)).toThrow(RangeError);
    expect(() => benchSeriesId("a-very-long-series-name")).toThrow(RangeError);
  });
});
