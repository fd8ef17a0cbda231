import { describe, expect, it } from "vitest";
import { bucketSize, matchingPreset, parseRangeParams, presetRange, selectionRange, zoomOut } from "./schemas";

const H = 3_600_000;
const D = 24 * H;
const extent = { from: Date.UTC(2025, 0, 1), to: Date.UTC(2026, 0, 1) };

describe("bucketSize", () => {
  it("cuts a year into at most maxPoints buckets, and never below 1 ms", () => {
    const ms = bucketSize(extent.from, extent.to, 1000);
    expect(Math.ceil((extent.to - extent.from + 1) / ms)).toBeLessThanOrEqual(1000);
    expect(ms).toBe(31_536_001);
    expect(bucketSize(0, 5, 1000)).toBe(1);
  });
});

describe("presets", () => {
  it("end at the newest point, not the clock, and never start before the first", () => {
    expect(presetRange("24h", extent)).toEqual({ from: extent.to - D, to: extent.to });
    expect(presetRange("7d", extent)).toEqual({ from: extent.to - 7 * D, to: extent.to });
    expect(presetRange("all", extent)).toEqual(extent);
    const short = { from: extent.to - 2 * H, to: extent.to };
    expect(presetRange("30d", short)).toEqual(short);
  });

  it("are recognised from a range so the picker can mark the current one", () => {
    expect(matchingPreset(presetRange("1h", extent), extent)).toBe("1h");
    expect(matchingPreset(extent, extent)).toBe("all");
    const short = { from: extent.to - 2 * H, to: extent.to };
    expect(matchingPreset(presetRange("24h", short), short)).toBe("all");
    expect(matchingPreset({ from: extent.from + 5, to: extent.to - 5 }, extent)).toBeNull();
  });
});

describe("zoom", () => {
  it("zooms out to twice the width around the same middle, inside the extent", () => {
    const mid = extent.from + 100 * D;
    expect(zoomOut({ from: mid - D, to: mid + D }, extent)).toEqual({ from: mid - 2 * D, to: mid + 2 * D });
    expect(zoomOut({ from: extent.from, to: extent.from + D }, extent)).toEqual({ from: extent.from, to: extent.from + 1.5 * D });
  });

  it("takes a dragged selection in either direction and refuses one too narrow", () => {
    expect(selectionRange(5_000, 1_000)).toEqual({ from: 1_000, to: 5_000 });
    expect(selectionRange(1_000, 1_500)).toBeNull();
  });
});

describe("parseRangeParams", () => {
  it("accepts ISO times in order and nothing else", () => {
    expect(parseRangeParams("2025-01-01T00:00:00Z", "2025-01-02T00:00:00Z")).toEqual({ from: extent.from, to: extent.from + D });
    expect(parseRangeParams("2025-01-02T00:00:00Z", "2025-01-01T00:00:00Z")).toBeNull();
    expect(parseRangeParams("yesterday", "2025-01-01T00:00:00Z")).toBeNull();
    expect(parseRangeParams(null, undefined)).toBeNull();
  });
});
